// The in-memory store's rows and their conversions (server/store/memory-store.ts): the checks the database
// schema would make on the way in, rows as the database keeps them (decimal strings, epoch milliseconds,
// serialized JSON), the sorted-array helpers its indexes use, and rows → records as fresh copies.
import Decimal from "decimal.js";
import { exactToDb, roundedToDb } from "./decimal";
import { StoreError } from "./errors";
import {
  LIVE_ORDER_STATUSES,
  TERMINAL_ORDER_STATUSES,
  type AlertKind,
  type AlertRecord,
  type AlertSeverity,
  type AuditRecord,
  type FillRecord,
  type JsonObject,
  type JsonValue,
  type Liquidity,
  type OrderReason,
  type OrderRecord,
  type OrderStatus,
  type OrderType,
  type ParameterVersionRecord,
  type RiskState,
  type RunRecord,
  type Snapshot,
  type StrategyLifecycle,
  type StrategyMode,
  type StrategyRecord,
} from "./records";
import type { OrderFilter } from "./list-options";
import type { Side } from "@/lib/market";
import type { OrderTransition } from "@/lib/orders";

export const TERMINAL = new Set<OrderStatus>(TERMINAL_ORDER_STATUSES);
export const LIVE = new Set<OrderStatus>(LIVE_ORDER_STATUSES);
// The database adds filledSize exactly; decimal.js's default 20 significant digits would round 38-digit sums.
export const Exact = Decimal.clone({ precision: 100 });

// ── input checks the database schema would make ──

/** Every alert kind, as a record so that a kind added to AlertKind fails to compile until it is listed here. */
export const ALERT_KINDS: Record<AlertKind, true> = {
  rebalance: true,
  emergency: true,
  stale_data: true,
  cancel_failure: true,
  risk_state: true,
  reconciliation: true,
  error: true,
};

export const ENUMS = {
  side: new Set<Side>(["buy", "sell"]),
  type: new Set<OrderType>(["limit", "market"]),
  status: new Set<OrderStatus>([...LIVE_ORDER_STATUSES, ...TERMINAL_ORDER_STATUSES]),
  reason: new Set<OrderReason>(["quote", "rebalance", "emergency"]),
  liquidity: new Set<Liquidity>(["maker", "taker"]),
  kind: new Set<AlertKind>(Object.keys(ALERT_KINDS) as AlertKind[]),
  severity: new Set<AlertSeverity>(["info", "warning", "critical"]),
  mode: new Set<StrategyMode>(["paper", "live"]),
  riskState: new Set<RiskState>(["ACTIVE", "REDUCING", "HALTED"]),
  lifecycle: new Set<StrategyLifecycle>(["running", "stopped", "archived"]),
};

export function checkEnum<K extends keyof typeof ENUMS>(field: K, value: unknown): void {
  if (!(ENUMS[field] as Set<unknown>).has(value)) throw new StoreError(`${field}: ${String(value)} is not a valid value`);
}

export function limitOf(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) throw new StoreError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}

/** How a row keeps a record's values: decimals as database strings, instants as epoch milliseconds. */
export type Stored<T> = {
  [K in keyof T]: T[K] extends Decimal
    ? string
    : T[K] extends Decimal | null
      ? string | null
      : T[K] extends Date
        ? number
        : T[K] extends Date | null
          ? number | null
          : T[K];
};

/** Invalid dates are refused as the database would. */
export function msIn(d: Date, field: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(t)) throw new StoreError(`${field}: not a valid date`);
  return t;
}
export const msInNullable = (d: Date | null, field: string): number | null => (d === null ? null : msIn(d, field));
export const dateOut = (ms: number): Date => new Date(ms);
export const dateOutNullable = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

// Decimal strings as the database would hand them back: normalized, no negative zero.
export const exactIn = (d: Decimal, field: string): string => exactToDb(d, field);
export const roundedIn = (d: Decimal, field: string): string => roundedToDb(d, field);
export const roundedInNullable = (d: Decimal | null, field: string): string | null => (d === null ? null : roundedToDb(d, field));
// Every read parses its decimals afresh as the database would; the same few hundred strings (prices, sizes,
// zero) come back on every order write, so their Decimals (immutable, safe to share) are kept.
export const parsed = new Map<string, Decimal>();
export const decOut = (s: string): Decimal => {
  let d = parsed.get(s);
  if (d === undefined) {
    if (parsed.size >= 16_384) parsed.clear();
    d = new Decimal(s);
    parsed.set(s, d);
  }
  return d;
};
export const decOutNullable = (s: string | null): Decimal | null => (s === null ? null : decOut(s));

// JSON documents are kept serialized, which is both the copy and the database's view of them:
// absent and null are both SQL NULL and read back as null.
export type StoredJson = string | null;
export const jsonIn = (v: JsonValue | undefined): StoredJson => (v === undefined || v === null ? null : JSON.stringify(v));
export const jsonOut = (v: StoredJson): JsonValue | null => (v === null ? null : (JSON.parse(v) as JsonValue));
export function objectOut(v: StoredJson): JsonObject | null {
  const parsed = jsonOut(v);
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
}

/** Code-point order, which is PostgreSQL's "C" collation (UTF-8 byte order); plain `<` compares UTF-16 units. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
export function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

// ── sorted arrays: rows mostly arrive in key order, so inserting is usually a push ──

export function insertSorted<T>(rows: T[], row: T, cmp: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = rows.length;
  if (hi === 0 || cmp(rows[hi - 1]!, row) <= 0) {
    rows.push(row);
    return;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid]!, row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  rows.splice(lo, 0, row);
}

/** The first index whose row satisfies `pred`, for a predicate that is false then true along the array. */
export function firstIndex<T>(rows: readonly T[], pred: (row: T) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ── stored rows ──

export type StrategyRow = Omit<Stored<StrategyRecord>, "settings"> & { settings: StoredJson };
export type ParameterVersionRow = Stored<Omit<ParameterVersionRecord, "params" | "previous">> & { params: StoredJson; previous: StoredJson };
export type OrderRow = Stored<Omit<OrderRecord, "history">> & { history: string };
export type FillRow = Stored<FillRecord> & { seq: number };
export type SnapshotRow = Stored<Snapshot> & { seq: number };
export type AlertRow = Stored<Omit<AlertRecord, "data">> & { data: StoredJson };
export type RunRow = Stored<Omit<RunRecord, "config">> & { config: StoredJson };
export type AuditRow = Stored<Omit<AuditRecord, "before" | "after">> & { before: StoredJson; after: StoredJson };

/** Everything kept per strategy, indexed for the queries the Store answers. */
export interface StrategyData {
  row: StrategyRow;
  versions: ParameterVersionRow[];
  /** By (createdAt, clientOrderId). */
  orders: OrderRow[];
  /** Orders in LIVE_ORDER_STATUSES, by clientOrderId. */
  liveOrders: Map<string, OrderRow>;
  /** In recording order (the replay order). */
  fills: FillRow[];
  /** By (ts, seq). */
  fillsByTs: FillRow[];
  /** venue → venueTradeIds recorded: the fill identity. */
  tradeIds: Map<string, Set<string>>;
  /** By (ts, seq). */
  snapshots: SnapshotRow[];
  /** By (createdAt, id). */
  alerts: AlertRow[];
  rebalanceCount: number;
  emergencyCount: number;
  runs: RunRow[];
}

export function orderMatcher(f: OrderFilter): (o: OrderRow) => boolean {
  const statuses = f.statuses ? new Set<OrderStatus>(f.statuses) : null;
  const reasons = f.reasons ? new Set<OrderReason>(f.reasons) : null;
  return (o) => (f.side === undefined || o.side === f.side) && (statuses === null || statuses.has(o.status)) && (reasons === null || reasons.has(o.reason));
}

/** A fill id is the decimal string of its sequence number, as the database's bigint identity. */
export function fillSeqIn(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new StoreError(`fill id must be a decimal integer, got ${JSON.stringify(id)}`);
  return Number(id);
}

export const byOrderKey = (a: OrderRow, b: OrderRow) => a.createdAt - b.createdAt || compareText(a.clientOrderId, b.clientOrderId);
export const byTsSeq = (a: { ts: number; seq: number }, b: { ts: number; seq: number }) => a.ts - b.ts || a.seq - b.seq;
export const byCreatedId = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => a.createdAt - b.createdAt || compareText(a.id, b.id);
export const byStartedId = (a: RunRow, b: RunRow) => a.startedAt - b.startedAt || compareText(a.id, b.id);

// ── rows → records (fresh copies) ──

export function strategyOut(r: StrategyRow): StrategyRecord {
  return {
    ...r,
    settings: objectOut(r.settings),
    riskChangedAt: dateOut(r.riskChangedAt),
    createdAt: dateOut(r.createdAt),
    updatedAt: dateOut(r.updatedAt),
  };
}

export function versionOut(r: ParameterVersionRow): ParameterVersionRecord {
  return { ...r, params: objectOut(r.params) ?? {}, previous: objectOut(r.previous), createdAt: dateOut(r.createdAt) };
}

export function orderOut(r: OrderRow): OrderRecord {
  return {
    ...r,
    price: decOutNullable(r.price),
    size: decOut(r.size),
    filledSize: decOut(r.filledSize),
    createdAt: dateOut(r.createdAt),
    updatedAt: dateOut(r.updatedAt),
    openedAt: dateOutNullable(r.openedAt),
    closedAt: dateOutNullable(r.closedAt),
    history: JSON.parse(r.history) as OrderTransition[],
  };
}

export function fillOut(r: FillRow): FillRecord {
  return {
    id: r.id,
    strategyId: r.strategyId,
    runId: r.runId,
    venue: r.venue,
    venueTradeId: r.venueTradeId,
    kind: r.kind,
    note: r.note,
    clientOrderId: r.clientOrderId,
    side: r.side,
    price: decOut(r.price),
    size: decOut(r.size),
    fee: decOut(r.fee),
    feeCurrency: r.feeCurrency,
    liquidity: r.liquidity,
    inventoryAfter: decOut(r.inventoryAfter),
    realizedPnlAfter: decOutNullable(r.realizedPnlAfter),
    ts: dateOut(r.ts),
    createdAt: dateOut(r.createdAt),
  };
}

export function snapshotOut(r: SnapshotRow): Snapshot {
  return {
    strategyId: r.strategyId,
    ts: dateOut(r.ts),
    mid: decOut(r.mid),
    bestBid: decOutNullable(r.bestBid),
    bestAsk: decOutNullable(r.bestAsk),
    ourBid: decOutNullable(r.ourBid),
    ourAsk: decOutNullable(r.ourAsk),
    inventory: decOut(r.inventory),
    ratio: decOut(r.ratio),
    skew: decOut(r.skew),
    realizedPnl: decOut(r.realizedPnl),
    unrealizedPnl: decOut(r.unrealizedPnl),
    fees: decOut(r.fees),
    riskState: r.riskState,
  };
}

export function alertOut(r: AlertRow): AlertRecord {
  return { ...r, data: jsonOut(r.data), createdAt: dateOut(r.createdAt), lastSeenAt: dateOut(r.lastSeenAt), acknowledgedAt: dateOutNullable(r.acknowledgedAt) };
}

export function runOut(r: RunRow): RunRecord {
  return { ...r, config: jsonOut(r.config), startedAt: dateOut(r.startedAt), stoppedAt: dateOutNullable(r.stoppedAt) };
}

export function auditOut(r: AuditRow): AuditRecord {
  return { ...r, before: jsonOut(r.before), after: jsonOut(r.after), createdAt: dateOut(r.createdAt) };
}

export function snapshotIn(s: Snapshot, seq: number): SnapshotRow {
  const r = (d: Decimal, f: string) => roundedIn(d, `snapshot.${f}`);
  const rn = (d: Decimal | null, f: string) => roundedInNullable(d, `snapshot.${f}`);
  checkEnum("riskState", s.riskState);
  return {
    seq,
    strategyId: s.strategyId,
    ts: msIn(s.ts, "snapshot.ts"),
    mid: r(s.mid, "mid"),
    bestBid: rn(s.bestBid, "bestBid"),
    bestAsk: rn(s.bestAsk, "bestAsk"),
    ourBid: rn(s.ourBid, "ourBid"),
    ourAsk: rn(s.ourAsk, "ourAsk"),
    inventory: r(s.inventory, "inventory"),
    ratio: r(s.ratio, "ratio"),
    skew: r(s.skew, "skew"),
    realizedPnl: r(s.realizedPnl, "realizedPnl"),
    unrealizedPnl: r(s.unrealizedPnl, "unrealizedPnl"),
    fees: r(s.fees, "fees"),
    riskState: s.riskState,
  };
}

export function sameDecimal(stored: string | null, given: Decimal | null): boolean {
  return stored === null || given === null ? stored === given : given.eq(stored);
}
