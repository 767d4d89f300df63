// The state of the RunnerHost test double (fake-runner-host.ts): its stand-in parameters, the calls it
// records, the desk's figures, and what follows from them (quotes, book, snapshot, status). What moves the
// figures is in fake-runner-trading.ts. One class chain, so that the state has one owner.
import Decimal from "decimal.js";
import { z } from "zod";
import type { RunnerHost } from "@/server/host/runner-host";
import { type RunnerEvents } from "@/server/runner/commands";
import type {
  AlertDTO,
  FillDTO,
  OrderDTO,
  ParamVersionDTO,
  SnapshotDTO,
  StatusDTO,
} from "@/lib/events";

/** Methods that change the runner's state; a rejected request must leave `mutations` empty. */
export const MUTATING_METHODS = [
  "acknowledgeAlert",
  "acknowledgeAllAlerts",
  "applyParams",
  "rollbackParams",
  "control",
  "emergencyClose",
  "resolveMismatch",
] as const;

export interface RecordedCall {
  method: keyof RunnerHost;
  args: unknown[];
}

export interface AuditEvent {
  /** Set when recorded. */
  id?: string;
  at?: number;
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
  ip?: string;
}

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string");
const ratio = z.number().finite().min(0).max(1);

/** Stand-in strategy parameters: strict, every field optional on input (merged over the current set). */
export const fakeParamsSchema = z
  .object({
    skewFactor: z.number().finite().min(0).max(5),
    spreadBps: z.number().int().min(1).max(5000),
    orderSize: decimalString,
    targetInventory: decimalString,
    maxInventory: decimalString,
    rebalanceThreshold: ratio,
    emergencyThreshold: ratio,
  })
  .strict();
export type FakeParams = z.infer<typeof fakeParamsSchema>;

export const DEFAULT_FAKE_PARAMS: FakeParams = {
  skewFactor: 0.5,
  spreadBps: 200,
  orderSize: "10",
  targetInventory: "0",
  maxInventory: "500",
  rebalanceThreshold: 0.6,
  emergencyThreshold: 0.9,
};

type Listener<K extends keyof RunnerEvents> = (payload: RunnerEvents[K]) => void;

export class FakeRunnerState {
  readonly calls: RecordedCall[] = [];
  /** Successful state changes only (names from MUTATING_METHODS). */
  readonly mutations: RecordedCall[] = [];
  readonly audits: AuditEvent[] = [];
  stopped: string | null = null;

  mid = new Decimal("0.50");
  inventory = new Decimal("0");
  realized = new Decimal("0");
  fees = new Decimal("0");
  avgCost = new Decimal("0.50");
  peak = new Decimal("0");
  rebalanceCount = 0;
  running = true;
  paused = false;
  riskState: StatusDTO["riskState"] = "ACTIVE";
  lastTickAt: number | null = Date.now();
  readonly snapshotLog: SnapshotDTO[] = [];
  readonly fillLog: FillDTO[] = [];
  readonly orderLog: OrderDTO[] = [];
  readonly alertLog: AlertDTO[] = [];
  readonly versions: ParamVersionDTO[] = [];
  /** A mismatch to resolve, for tests of the banner and the API; null when the books agree. */
  mismatch: { desk: string; venue: string } | null = null;
  private listeners = new Map<keyof RunnerEvents, Set<(p: never) => void>>();
  protected seq = 0;
  private lastTs = 0;

  constructor(opts: { mode?: "paper" | "live"; params?: FakeParams } = {}) {
    this.mode = opts.mode ?? "paper";
    this.versions.push({
      version: 1,
      params: { ...(opts.params ?? DEFAULT_FAKE_PARAMS) },
      previous: null,
      changedBy: "system",
      reason: "initial",
      createdAt: Date.now(),
      rolledBackFrom: null,
    });
  }
  readonly mode: "paper" | "live";

  get current(): ParamVersionDTO {
    return this.versions[this.versions.length - 1]!;
  }
  get params_(): FakeParams {
    return this.current.params as FakeParams;
  }

  /** Number of listeners currently registered for an event (the hub must unsubscribe on close). */
  listenerCount(event: keyof RunnerEvents): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof RunnerEvents>(event: K, payload: RunnerEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<K>)(payload);
  }

  on<K extends keyof RunnerEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  nextTs(): number {
    this.lastTs = Math.max(Date.now(), this.lastTs + 1);
    return this.lastTs;
  }

  // ---- derived figures --------------------------------------------------------------------------------

  ratio(): number {
    const p = this.params_;
    const max = new Decimal(p.maxInventory);
    if (max.isZero()) return 0;
    const r = this.inventory.minus(p.targetInventory).div(max).toNumber();
    return Math.max(-1, Math.min(1, r));
  }

  quotes(params: FakeParams = this.params_): { bid: Decimal | null; ask: Decimal | null; skew: number } {
    const skew = -this.ratio() * params.skewFactor;
    if (this.paused || !this.running || this.riskState === "HALTED") return { bid: null, ask: null, skew };
    const half = this.mid.mul(params.spreadBps).div(20000);
    const shift = half.mul(skew);
    const clamp = (d: Decimal) => Decimal.max(new Decimal("0.01"), Decimal.min(new Decimal("0.99"), d));
    return {
      bid: clamp(this.mid.minus(half).plus(shift).toDecimalPlaces(3, Decimal.ROUND_FLOOR)),
      ask: clamp(this.mid.plus(half).plus(shift).toDecimalPlaces(3, Decimal.ROUND_CEIL)),
      skew,
    };
  }

  book(): { bestBid: Decimal; bestAsk: Decimal } {
    return { bestBid: this.mid.minus("0.005"), bestAsk: this.mid.plus("0.005") };
  }

  unrealized(): Decimal {
    return this.inventory.mul(this.mid.minus(this.avgCost));
  }

  snapshot(ts = this.nextTs()): SnapshotDTO {
    const q = this.quotes();
    const b = this.book();
    const unrealized = this.unrealized();
    return {
      ts,
      mid: this.mid.toFixed(4),
      bestBid: b.bestBid.toFixed(4),
      bestAsk: b.bestAsk.toFixed(4),
      ourBid: q.bid?.toFixed(3) ?? null,
      ourAsk: q.ask?.toFixed(3) ?? null,
      inventory: this.inventory.toFixed(2),
      ratio: this.ratio(),
      skew: q.skew,
      realizedPnl: this.realized.toFixed(4),
      unrealizedPnl: unrealized.toFixed(4),
      totalPnl: this.realized.plus(unrealized).minus(this.fees).toFixed(4),
      fees: this.fees.toFixed(4),
      riskState: this.riskState,
    };
  }

  statusNow(): StatusDTO {
    const p = this.params_;
    const q = this.quotes();
    const b = this.book();
    const reconciliation = this.mismatch
      ? {
          state: "mismatch" as const,
          deskInventory: this.inventory.toFixed(2),
          venuePosition: this.mismatch.venue,
          difference: new Decimal(this.mismatch.venue).minus(this.inventory).toFixed(2),
          tolerance: "0.01",
          checkedAt: Date.now(),
          detectedAt: Date.now(),
          unknownOrders: 0,
        }
      : undefined;
    return {
      ...(reconciliation ? { reconciliation } : {}),
      strategy: "inventory-skew",
      market: "FAKE-YES",
      venue: "paper",
      mode: this.mode,
      armed: true,
      riskState: this.riskState,
      running: this.running,
      paused: this.paused,
      inventory: this.inventory.toFixed(2),
      targetInventory: p.targetInventory,
      maxInventory: p.maxInventory,
      ratio: this.ratio(),
      skew: q.skew,
      peak: this.peak.toFixed(2),
      rebalanceCount: this.rebalanceCount,
      realizedPnl: this.realized.toFixed(4),
      unrealizedPnl: this.unrealized().toFixed(4),
      fees: this.fees.toFixed(4),
      openOrders: this.orderLog.filter((o) => o.status === "open").slice(-10),
      lastTickAt: this.lastTickAt,
      tickIntervalMs: 200,
      staleAfterMs: 5000,
      paramVersion: this.current.version,
      rebalanceThreshold: p.rebalanceThreshold,
      emergencyThreshold: p.emergencyThreshold,
      mid: this.mid.toFixed(4),
      bestBid: b.bestBid.toFixed(4),
      bestAsk: b.bestAsk.toFixed(4),
      ourBid: q.bid?.toFixed(3) ?? null,
      ourAsk: q.ask?.toFixed(3) ?? null,
    };
  }
}
