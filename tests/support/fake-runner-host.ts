// A RunnerHost test double: keeps a small plausible state in memory, records every call, and emits runner
// events on demand. Used by the web tests (assert which calls were made) and by serve-fake.ts (a live
// dashboard without a runner). Its parameter schema is a stand-in for the strategy's real one.
import Decimal from "decimal.js";
import { z } from "zod";
import type { RunnerHost } from "@/server/host/runner-host";
import { computePerformance, type PerformanceFigures } from "@/lib/performance";
import { CommandRejected, type ControlAction, type RunnerEvents } from "@/server/runner/commands";
import type {
  AlertDTO,
  AuditPageDTO,
  AuditQuery,
  EmergencyOutcomeDTO,
  EmergencyPreviewDTO,
  FillDTO,
  FillsPageQuery,
  ListPageDTO,
  MarketDTO,
  OrderDTO,
  OrdersPageQuery,
  ParamsBase,
  ParamVersionDTO,
  QuotePreviewDTO,
  SideDTO,
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

export class FakeRunnerHost implements RunnerHost {
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
  private listeners = new Map<keyof RunnerEvents, Set<(p: never) => void>>();
  private seq = 0;
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

  private record(method: keyof RunnerHost, args: unknown[]): void {
    this.calls.push({ method, args });
  }
  private mutated(method: keyof RunnerHost, args: unknown[]): void {
    this.mutations.push({ method, args });
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

  /** Appends a snapshot to the history and emits it (as the runner does once per tick). */
  pushSnapshot(s: SnapshotDTO = this.snapshot()): SnapshotDTO {
    this.snapshotLog.push(s);
    if (this.snapshotLog.length > 50_000) this.snapshotLog.splice(0, 10_000);
    this.emit("snapshot", s);
    return s;
  }

  applyFill(side: SideDTO, price: Decimal, size: Decimal, liquidity: "maker" | "taker" = "maker", ts = Date.now()): FillDTO {
    const signed = side === "buy" ? size : size.neg();
    const before = this.inventory;
    const after = before.plus(signed);
    // Average cost bookkeeping: realize PnL on the part that reduces the position.
    if (before.isZero() || before.isPositive() === signed.isPositive()) {
      this.avgCost = before.abs().plus(size).isZero()
        ? price
        : this.avgCost.mul(before.abs()).plus(price.mul(size)).div(before.abs().plus(size));
    } else {
      const closed = Decimal.min(before.abs(), size);
      this.realized = this.realized.plus(price.minus(this.avgCost).mul(closed).mul(before.isPositive() ? 1 : -1));
      if (size.gt(before.abs())) this.avgCost = price;
    }
    this.inventory = after;
    if (after.abs().gt(this.peak)) this.peak = after.abs();
    const fee = price.mul(size).mul(liquidity === "maker" ? "0" : "0.002");
    this.fees = this.fees.plus(fee);
    const id = `F${++this.seq}`;
    const fill: FillDTO = {
      tradeId: id,
      clientOrderId: `O${this.seq}`,
      side,
      price: price.toFixed(3),
      size: size.toFixed(2),
      fee: fee.toFixed(4),
      liquidity,
      inventoryAfter: after.toFixed(2),
      ts,
      seq: String(this.seq),
    };
    this.fillLog.push(fill);
    this.emit("fill", fill);
    return fill;
  }

  /** As the store does: a kind raised while its alert is open is that alert seen once more. */
  raiseAlert(kind: AlertDTO["kind"], severity: AlertDTO["severity"], message: string): AlertDTO {
    const open = this.alertLog.findLast((a) => a.kind === kind && a.acknowledgedAt === null);
    if (open) {
      open.count = (open.count ?? 1) + 1;
      open.lastSeenAt = Date.now();
      open.message = message;
      this.emit("alert", { ...open });
      return open;
    }
    const alert: AlertDTO = {
      id: `A${++this.seq}`,
      kind,
      severity,
      message,
      createdAt: Date.now(),
      count: 1,
      lastSeenAt: Date.now(),
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    this.alertLog.push(alert);
    this.emit("alert", alert);
    return alert;
  }

  // ---- RunnerHost -------------------------------------------------------------------------------------

  async status(): Promise<StatusDTO> {
    this.record("status", []);
    return this.statusNow();
  }

  async snapshots(query: { from?: number; to?: number; limit: number }): Promise<SnapshotDTO[]> {
    this.record("snapshots", [query]);
    const out: SnapshotDTO[] = [];
    for (const s of this.snapshotLog) {
      if (query.from !== undefined && s.ts < query.from) continue;
      if (query.to !== undefined && s.ts > query.to) continue;
      out.push(s);
      if (out.length >= query.limit) break;
    }
    return out;
  }

  async fills(limit: number): Promise<FillDTO[]> {
    this.record("fills", [limit]);
    return this.fillLog.slice(-limit).reverse();
  }

  async orders(limit: number): Promise<OrderDTO[]> {
    this.record("orders", [limit]);
    return this.orderLog.slice(-limit).reverse();
  }

  async alerts(limit: number): Promise<AlertDTO[]> {
    this.record("alerts", [limit]);
    return this.alertLog.slice(-limit).reverse();
  }

  async fillsPage(q: FillsPageQuery): Promise<ListPageDTO<FillDTO>> {
    this.record("fillsPage", [q]);
    const key = (f: FillDTO): [number, number] => [f.ts, Number(f.seq ?? 0)];
    const older = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const matching = this.fillLog
      .filter((f) => (!q.side || f.side === q.side) && (q.from === undefined || f.ts >= q.from) && (q.to === undefined || f.ts < q.to))
      .sort((a, b) => b.ts - a.ts || Number(b.seq) - Number(a.seq));
    const rows = q.before ? matching.filter((f) => older(key(f), [q.before!.ts, Number(q.before!.id)])) : matching;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, total: matching.length, next: rows.length > q.limit && last ? `${last.ts}:${last.seq}` : null };
  }

  async ordersPage(q: OrdersPageQuery): Promise<ListPageDTO<OrderDTO>> {
    this.record("ordersPage", [q]);
    const matching = this.orderLog
      .filter((o) => (!q.side || o.side === q.side) && (!q.status || q.status.includes(o.status as never)) && (!q.reason || q.reason.includes(o.reason as never)))
      .sort((a, b) => b.createdAt - a.createdAt || (b.clientOrderId < a.clientOrderId ? -1 : b.clientOrderId > a.clientOrderId ? 1 : 0));
    const b = q.before;
    const rows = b ? matching.filter((o) => o.createdAt < b.ts || (o.createdAt === b.ts && b.id !== "" && o.clientOrderId < b.id)) : matching;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, total: matching.length, next: rows.length > q.limit && last ? `${last.createdAt}:${last.clientOrderId}` : null };
  }

  async market(): Promise<MarketDTO> {
    this.record("market", []);
    return {
      symbol: "FAKE-YES",
      baseCurrency: "YES",
      quoteCurrency: "USDC",
      tickSize: "0.001",
      lotSize: "0.01",
      minSize: "1",
      minPrice: "0.01",
      maxPrice: "0.99",
      makerFeeRate: "0",
      takerFeeRate: "0.002",
      presetParams: { ...this.versions[0]!.params },
    };
  }

  async acknowledgeAlert(id: string, by: string): Promise<AlertDTO> {
    this.record("acknowledgeAlert", [id, by]);
    const alert = this.alertLog.find((a) => a.id === id);
    if (!alert) throw new CommandRejected(`No alert ${id}`, undefined, 404);
    if (alert.acknowledgedAt !== null) return alert;
    alert.acknowledgedBy = by;
    alert.acknowledgedAt = Date.now();
    this.mutated("acknowledgeAlert", [id, by]);
    return alert;
  }

  async acknowledgeAllAlerts(by: string): Promise<AlertDTO[]> {
    this.record("acknowledgeAllAlerts", [by]);
    const open = this.alertLog.filter((a) => a.acknowledgedAt === null);
    for (const a of open) {
      a.acknowledgedBy = by;
      a.acknowledgedAt = Date.now();
    }
    if (open.length) this.mutated("acknowledgeAllAlerts", [by]);
    return [...open].reverse();
  }

  async params(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }> {
    this.record("params", []);
    return { current: this.current, versions: [...this.versions].reverse() };
  }

  /** Merges the partial params over the current set (or the defaults: base "preset") and validates the result. */
  validate(params: Record<string, unknown>, base: ParamsBase = "current"): FakeParams {
    if (Object.keys(params).length === 0 && base === "current") throw new CommandRejected("No parameter given", undefined, 400);
    const merged = fakeParamsSchema.safeParse({ ...(base === "preset" ? DEFAULT_FAKE_PARAMS : this.params_), ...params });
    if (!merged.success) {
      const fields: Record<string, string> = {};
      for (const issue of merged.error.issues) fields[issue.path.join(".") || "params"] ??= issue.message;
      throw new CommandRejected("Invalid parameters", fields, 400);
    }
    const p = merged.data;
    if (p.emergencyThreshold <= p.rebalanceThreshold) {
      throw new CommandRejected("Invalid parameters", { emergencyThreshold: "must exceed rebalanceThreshold" });
    }
    return p;
  }

  async previewParams(params: Record<string, unknown>, base?: ParamsBase): Promise<QuotePreviewDTO> {
    this.record("previewParams", [params]);
    const p = this.validate(params, base);
    const price = (q: FakeParams) => {
      const x = this.quotes(q);
      return {
        bid: x.bid ? { price: x.bid.toFixed(3), size: q.orderSize } : null,
        ask: x.ask ? { price: x.ask.toFixed(3), size: q.orderSize } : null,
        skipped: [],
        action: null,
        mid: this.mid.toFixed(4),
        warnings: q.skewFactor > 2 ? ["skewFactor above 2 moves quotes far from mid"] : [],
      };
    };
    return { ...price(p), params: p, current: price(this.params_), currentVersion: this.current.version };
  }

  async applyParams(params: Record<string, unknown>, reason: string, by: string, base?: ParamsBase): Promise<ParamVersionDTO> {
    this.record("applyParams", [params, reason, by]);
    const p = this.validate(params, base);
    const v: ParamVersionDTO = {
      version: this.current.version + 1,
      params: p,
      previous: this.current.params,
      changedBy: by,
      reason,
      createdAt: Date.now(),
      rolledBackFrom: null,
    };
    this.versions.push(v);
    this.mutated("applyParams", [params, reason, by]);
    this.emit("params", v);
    return v;
  }

  async rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO> {
    this.record("rollbackParams", [version, reason, by]);
    const target = this.versions.find((v) => v.version === version);
    if (!target) throw new CommandRejected(`No parameter version ${version}`, { version: "unknown version" }, 404);
    const v: ParamVersionDTO = {
      version: this.current.version + 1,
      params: { ...target.params },
      previous: this.current.params,
      changedBy: by,
      reason,
      createdAt: Date.now(),
      rolledBackFrom: version,
    };
    this.versions.push(v);
    this.mutated("rollbackParams", [version, reason, by]);
    this.emit("params", v);
    return v;
  }

  async control(action: ControlAction, by: string): Promise<StatusDTO> {
    this.record("control", [action, by]);
    switch (action) {
      case "start":
        if (this.running) throw new CommandRejected("Already running", undefined, 409);
        this.running = true;
        this.paused = false;
        break;
      case "pause":
        if (this.paused) throw new CommandRejected("Already paused", undefined, 409);
        this.paused = true;
        for (const o of this.orderLog) if (o.status === "open") o.status = "cancelled";
        break;
      case "resume":
        if (!this.paused) throw new CommandRejected("Not paused", undefined, 409);
        this.paused = false;
        break;
      case "rearm":
        if (this.riskState === "ACTIVE") throw new CommandRejected("Already ACTIVE", undefined, 409);
        this.riskState = "ACTIVE";
        break;
    }
    this.mutated("control", [action, by]);
    const s = this.statusNow();
    this.emit("status", s);
    return s;
  }

  async emergencyPreview(): Promise<EmergencyPreviewDTO> {
    this.record("emergencyPreview", []);
    const gap = this.inventory.minus(this.params_.targetInventory);
    const b = this.book();
    return {
      side: gap.isZero() ? null : gap.isPositive() ? "sell" : "buy",
      amount: gap.abs().toFixed(2),
      estimatedPrice: gap.isZero() ? null : (gap.isPositive() ? b.bestBid : b.bestAsk).toFixed(4),
      inventory: this.inventory.toFixed(2),
      targetInventory: this.params_.targetInventory,
    };
  }

  /** A mismatch to resolve, for tests of the banner and the API; null when the books agree. */
  mismatch: { desk: string; venue: string } | null = null;

  async resolveMismatch(req: { action: "adopt" | "flatten"; reason: string }, by: string): Promise<StatusDTO> {
    this.record("resolveMismatch", [req, by]);
    if (!this.mismatch) throw new CommandRejected("no reconciliation mismatch to resolve", undefined, 409);
    this.inventory = new Decimal(this.mismatch.venue);
    this.mismatch = null;
    this.mutated("resolveMismatch", [req, by]);
    const s = this.statusNow();
    this.emit("status", s);
    return s;
  }

  async emergencyClose(by: string): Promise<EmergencyOutcomeDTO> {
    this.record("emergencyClose", [by]);
    const gap = this.inventory.minus(this.params_.targetInventory);
    const b = this.book();
    let averagePrice: string | null = null;
    if (!gap.isZero()) {
      const side: SideDTO = gap.isPositive() ? "sell" : "buy";
      const price = side === "sell" ? b.bestBid : b.bestAsk;
      this.pushActionOrder("emergency", side, gap.abs());
      this.applyFill(side, price, gap.abs(), "taker");
      averagePrice = price.toFixed(4);
    }
    let cancelled = 0;
    for (const o of this.orderLog) {
      if (o.status === "open") {
        o.status = "cancelled";
        cancelled++;
      }
    }
    this.paused = true;
    this.mutated("emergencyClose", [by]);
    this.raiseAlert("emergency", "critical", `Emergency close by ${by}: flattened ${gap.abs().toFixed(2)}`);
    this.emit("status", this.statusNow());
    return {
      filled: gap.abs().toFixed(2),
      averagePrice,
      inventoryAfter: this.inventory.toFixed(2),
      cancelledOrders: cancelled,
      paused: true,
      message: gap.isZero() ? "Inventory already at target; quotes cancelled and paused" : "Inventory flattened; paused",
    };
  }

  async audit(event: AuditEvent): Promise<void> {
    this.record("audit", [event]);
    this.audits.push({ ...event, id: `E${String(++this.seq).padStart(8, "0")}`, at: Date.now() });
  }

  async performance(r: { from: number; to: number }): Promise<PerformanceFigures> {
    this.record("performance", [r]);
    const fills = this.fillLog.filter((f) => f.ts >= r.from && f.ts < r.to);
    const points = this.snapshotLog.filter((s) => s.ts >= r.from && s.ts < r.to);
    return computePerformance(fills, points, r.from, r.to);
  }

  async auditLog(q: AuditQuery): Promise<AuditPageDTO> {
    this.record("auditLog", [q]);
    const b = q.before;
    const rows = this.audits
      .filter((e) => (!q.kind || e.action.startsWith(`${q.kind}.`)) && (!q.actor || e.actor === q.actor))
      .filter((e) => !b || e.at! < b.ts || (e.at === b.ts && e.id! < b.id))
      .sort((x, y) => y.at! - x.at! || (y.id! < x.id! ? -1 : 1))
      .map((e) => ({ id: e.id!, at: e.at!, actor: e.actor, action: e.action, target: e.target, before: e.before ?? null, after: e.after ?? null, ip: e.ip ?? null }));
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > q.limit && last ? `${last.at}:${last.id}` : null };
  }

  async stop(reason: string): Promise<void> {
    this.record("stop", [reason]);
    this.stopped = reason;
    this.running = false;
  }

  /** A reduce-only rebalance or an emergency flatten, as the runner places them (a market order, filled). */
  pushActionOrder(reason: "rebalance" | "emergency", side: SideDTO, size: Decimal, now = Date.now()): OrderDTO {
    const order: OrderDTO = {
      clientOrderId: `O${++this.seq}-${reason}`,
      side,
      type: "market",
      price: null,
      size: size.toFixed(2),
      filledSize: size.toFixed(2),
      status: "filled",
      reason,
      createdAt: now,
      updatedAt: now,
    };
    this.orderLog.push(order);
    this.emit("order", order);
    return order;
  }

  // ---- a live, plausible stream (serve-fake.ts) --------------------------------------------------------

  /** One simulated tick: mid random walk, sometimes a fill against our quote, sometimes an alert. */
  tick(rand: () => number = Math.random, ts?: number): void {
    this.lastTickAt = ts ?? Date.now();
    const step = new Decimal(Math.round((rand() - 0.5) * 6)).div(1000);
    this.mid = Decimal.max(new Decimal("0.05"), Decimal.min(new Decimal("0.95"), this.mid.plus(step)));
    const q = this.quotes();
    // History made at start-up carries the tick's own time, so it spreads over the charts like live data.
    const at = ts ?? Date.now();
    if (q.bid && q.ask && rand() < 0.15) {
      const side: SideDTO = rand() < 0.5 + this.ratio() * 0.3 ? "sell" : "buy";
      const size = new Decimal(this.params_.orderSize);
      this.applyFill(side, side === "buy" ? q.bid : q.ask, size, "maker", at);
      const order: OrderDTO = {
        clientOrderId: `O${this.seq}`,
        side,
        type: "limit",
        price: (side === "buy" ? q.bid : q.ask).toFixed(3),
        size: size.toFixed(2),
        filledSize: size.toFixed(2),
        status: "filled",
        reason: "quote",
        createdAt: at,
        updatedAt: at,
      };
      this.orderLog.push(order);
      this.emit("order", order);
      const r = Math.abs(this.ratio());
      if (r >= this.params_.rebalanceThreshold && this.riskState === "ACTIVE") {
        this.riskState = "REDUCING";
        this.rebalanceCount++;
        this.pushActionOrder("rebalance", this.ratio() > 0 ? "sell" : "buy", size, at);
        this.raiseAlert("rebalance", "warning", `Inventory ratio ${r.toFixed(2)} past rebalance threshold`);
      } else if (r < this.params_.rebalanceThreshold / 2 && this.riskState === "REDUCING") {
        this.riskState = "ACTIVE";
        this.raiseAlert("risk_state", "info", "Back to ACTIVE");
      }
    }
    if (this.orderLog.length > 2000) this.orderLog.splice(0, 500);
    if (this.fillLog.length > 2000) this.fillLog.splice(0, 500);
    this.pushSnapshot(this.snapshot(ts ?? this.nextTs()));
    this.emit("status", this.statusNow());
  }
}
