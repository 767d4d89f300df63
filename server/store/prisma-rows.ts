// Row ↔ record mapping for the Prisma store: Prisma.Decimal → decimal.js, BigInt ids → strings, Json → JsonValue.
import type {
  Alert,
  AuditEvent,
  Fill,
  Order,
  ParameterVersion,
  Run,
  Snapshot as SnapshotRow,
  Strategy,
} from "@/server/db/generated/client";
import { Prisma } from "@/server/db/generated/client";
import type { OrderTransition } from "@/lib/orders";
import { fromDb, fromDbNullable } from "./decimal";
import type {
  AlertRecord,
  AuditRecord,
  FillRecord,
  JsonObject,
  JsonValue,
  OrderRecord,
  ParameterVersionRecord,
  RunRecord,
  Snapshot,
  StrategyRecord,
} from "./records";

/** SQL NULL for an absent or null document (JSON null and SQL NULL both read back as null). */
export function jsonIn(v: JsonValue | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return v === undefined || v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue);
}

function jsonOut(v: Prisma.JsonValue | null): JsonValue | null {
  return v as JsonValue | null;
}

function objectOut(v: Prisma.JsonValue | null): JsonObject | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : null;
}

export function toStrategy(r: Strategy): StrategyRecord {
  return {
    id: r.id,
    name: r.name,
    market: r.market,
    symbol: r.symbol,
    venue: r.venue,
    mode: r.mode,
    currentParamVersion: r.currentParamVersion,
    riskState: r.riskState,
    riskReason: r.riskReason,
    riskChangedAt: r.riskChangedAt,
    paused: r.paused,
    clientTag: r.clientTag,
    account: r.account,
    settings: objectOut(r.settings),
    lifecycle: r.lifecycle,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toParameterVersion(r: ParameterVersion): ParameterVersionRecord {
  return {
    id: r.id,
    strategyId: r.strategyId,
    version: r.version,
    params: objectOut(r.params) ?? {},
    previous: objectOut(r.previous),
    changedBy: r.changedBy,
    reason: r.reason,
    rolledBackFrom: r.rolledBackFrom,
    createdAt: r.createdAt,
  };
}

export function toOrder(r: Order): OrderRecord {
  return {
    id: r.id,
    clientOrderId: r.clientOrderId,
    strategyId: r.strategyId,
    runId: r.runId,
    side: r.side,
    type: r.type,
    price: fromDbNullable(r.price),
    size: fromDb(r.size),
    filledSize: fromDb(r.filledSize),
    status: r.status,
    statusReason: r.statusReason,
    venueOrderId: r.venueOrderId,
    reduceOnly: r.reduceOnly,
    postOnly: r.postOnly,
    reason: r.reason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    openedAt: r.openedAt,
    closedAt: r.closedAt,
    history: Array.isArray(r.history) ? (r.history as unknown as OrderTransition[]) : [],
  };
}

export function toFill(r: Fill): FillRecord {
  return {
    id: r.id.toString(),
    strategyId: r.strategyId,
    runId: r.runId,
    venue: r.venue,
    venueTradeId: r.venueTradeId,
    kind: r.kind,
    note: r.note,
    clientOrderId: r.clientOrderId,
    side: r.side,
    price: fromDb(r.price),
    size: fromDb(r.size),
    fee: fromDb(r.fee),
    feeCurrency: r.feeCurrency,
    liquidity: r.liquidity,
    inventoryAfter: fromDb(r.inventoryAfter),
    realizedPnlAfter: fromDbNullable(r.realizedPnlAfter),
    ts: r.ts,
    createdAt: r.createdAt,
  };
}

export function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    strategyId: r.strategyId,
    ts: r.ts,
    mid: fromDb(r.mid),
    bestBid: fromDbNullable(r.bestBid),
    bestAsk: fromDbNullable(r.bestAsk),
    ourBid: fromDbNullable(r.ourBid),
    ourAsk: fromDbNullable(r.ourAsk),
    inventory: fromDb(r.inventory),
    ratio: fromDb(r.ratio),
    skew: fromDb(r.skew),
    realizedPnl: fromDb(r.realizedPnl),
    unrealizedPnl: fromDb(r.unrealizedPnl),
    fees: fromDb(r.fees),
    riskState: r.riskState,
  };
}

export function toAlert(r: Alert): AlertRecord {
  return {
    id: r.id,
    strategyId: r.strategyId,
    kind: r.kind,
    severity: r.severity,
    message: r.message,
    data: jsonOut(r.data),
    createdAt: r.createdAt,
    count: r.count,
    lastSeenAt: r.lastSeenAt,
    acknowledgedBy: r.acknowledgedBy,
    acknowledgedAt: r.acknowledgedAt,
  };
}

export function toRun(r: Run): RunRecord {
  return {
    id: r.id,
    strategyId: r.strategyId,
    mode: r.mode,
    seed: r.seed === null ? null : Number(r.seed),
    config: jsonOut(r.config),
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
    stopReason: r.stopReason,
  };
}

export function toAudit(r: AuditEvent): AuditRecord {
  return {
    id: r.id,
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: jsonOut(r.before),
    after: jsonOut(r.after),
    ip: r.ip,
    createdAt: r.createdAt,
  };
}
