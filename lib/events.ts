// The wire contract between the server and the dashboard: DTOs (decimal strings for money), the typed
// socket.io event maps, and the HTTP API's request schemas. Type-only for the browser except the zod
// schemas, which both sides run so that a bad request is refused with the same message everywhere.
import { z } from "zod";

import { checkedDecimal } from "./strategy/decimal-input";
import type { AlertKind, Mode, RiskState, SideDTO } from "./domain";
import { ORDER_STATES, type OrderState } from "./orders";
import type { LabProgressDTO } from "./lab/types";

export type { AlertKind, Mode, RiskState, Role, SideDTO } from "./domain";

/** One point of the charts' time series. Money is a decimal string; ratio and skew are indicators. */
export interface SnapshotDTO {
  ts: number;
  mid: string | null;
  bestBid: string | null;
  bestAsk: string | null;
  ourBid: string | null;
  ourAsk: string | null;
  inventory: string;
  ratio: number;
  skew: number;
  realizedPnl: string;
  unrealizedPnl: string;
  totalPnl: string;
  fees: string;
  riskState: RiskState;
}

export interface OrderDTO {
  clientOrderId: string;
  side: SideDTO;
  type: "limit" | "market";
  price: string | null;
  size: string;
  filledSize: string;
  status: string;
  reason: string;
  createdAt: number;
  updatedAt: number;
}

export interface FillDTO {
  tradeId: string;
  clientOrderId: string;
  side: SideDTO;
  price: string;
  size: string;
  fee: string;
  liquidity: "maker" | "taker";
  inventoryAfter: string;
  ts: number;
  /** The database's row id (recording order), on rows read back; a live push has none yet. */
  seq?: string;
  /** Present for an operator's audited adjustment to the venue's position (reconciliation), with why. */
  adjustment?: { note: string | null };
}

export interface AlertDTO {
  id: string;
  kind: AlertKind;
  severity: "info" | "warning" | "critical";
  /** The latest occurrence's message. */
  message: string;
  /** First seen. */
  createdAt: number;
  /** Occurrences while unacknowledged (repeats of the kind join the open alert); absent = 1. */
  count?: number;
  /** Latest occurrence; absent = createdAt. */
  lastSeenAt?: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
}

export interface ParamVersionDTO {
  version: number;
  params: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  changedBy: string;
  reason: string;
  createdAt: number;
  rolledBackFrom: number | null;
}

/** The instrument the desk trades and the parameter preset it started from. Decimal strings. */
export interface MarketDTO {
  symbol: string;
  /** What sizes and inventory count, e.g. ETH. */
  baseCurrency: string;
  /** What prices, fees and PnL are in, e.g. USD. */
  quoteCurrency: string;
  tickSize: string;
  lotSize: string;
  minSize: string;
  minPrice: string;
  maxPrice: string;
  makerFeeRate: string;
  takerFeeRate: string;
  /** The strategy's parameters as this market's preset sets them: what "default" means on this desk. */
  presetParams: Record<string, unknown>;
}

/** The state panel: everything the operator must see at a glance. */
export interface StatusDTO {
  strategy: string;
  market: string;
  venue: string;
  mode: Mode;
  riskState: RiskState;
  running: boolean;
  paused: boolean;
  /** Live desks start disarmed: an operator arms them (audited) before anything is quoted. Paper: always true. */
  armed: boolean;
  inventory: string;
  targetInventory: string;
  maxInventory: string;
  ratio: number;
  skew: number;
  peak: string;
  rebalanceCount: number;
  realizedPnl: string;
  unrealizedPnl: string;
  fees: string;
  openOrders: OrderDTO[];
  lastTickAt: number | null;
  tickIntervalMs: number;
  staleAfterMs: number;
  paramVersion: number;
  rebalanceThreshold: number;
  emergencyThreshold: number;
  mid: string | null;
  bestBid: string | null;
  bestAsk: string | null;
  ourBid: string | null;
  ourAsk: string | null;
  /** Desk books against the venue's: a mismatch HALTs the desk until an operator resolves it. */
  reconciliation?: ReconciliationDTO;
  /** The parameter version whose decision placed (or kept) the quotes now resting; tests and the page wait on it. */
  quotesParamVersion?: number;
  /** A binary market quoted as a YES/NO pair (Polymarket): the other leg, the position skew and merges. */
  pair?: PairDTO;
}

/** One outcome token of a pair, as the desk books it. */
export interface PairLegDTO {
  symbol: string;
  tokenId: string;
  inventory: string;
  /** Average cost of the shares held. */
  avgPrice: string;
  realizedPnl: string;
  mid: string | null;
  ourBid: string | null;
  ourAsk: string | null;
  /** Sides the strategy core skipped on the last decision, with its reasons. */
  skipped: string[];
  riskState: RiskState;
  armed: boolean;
  paused: boolean;
  /** This leg's books differ from the venue's (it is HALTED until resolved). */
  mismatch: boolean;
}

export interface PairDTO {
  conditionId: string;
  negRisk: boolean;
  yes: PairLegDTO;
  no: PairLegDTO;
  /** (YES value − NO value) / (YES value + NO value): the Rust document's calculate_inventory_skew. */
  positionSkew: number;
  /** YES value + NO value at the mids, against maxTotalPosition (no quoting at or over it). */
  totalValue: string;
  maxTotalPosition: string;
  /** pUSD at the venue, as last read (null before the first read). */
  collateral: string | null;
  merge: PairMergeDTO;
}

export interface PairMergeDTO {
  threshold: string;
  /** min(YES, NO) when it reaches the threshold: q YES + q NO become q pUSD. */
  proposal: { amount: string; collateralFreed: string } | null;
  state: "idle" | "merging";
  /** Merges run without an operator (SKEWDESK_POLYMARKET_AUTO_MERGE). */
  auto: boolean;
  /** False: no chain RPC (or a wallet the key cannot merge from): proposals are shown, not executable. */
  executable: boolean;
  why: string | null;
  last: PairMergeOutcomeDTO | null;
  /** Shares merged (each of YES and NO) since the desk started. */
  mergedTotal: string;
}

export interface PairMergeOutcomeDTO {
  done: boolean;
  at: number;
  by: string;
  message: string;
  amount: string | null;
  collateralFreed: string | null;
  txHash: string | null;
  /** Realized by the merge: q × (1 − cost of a YES − cost of a NO). */
  realized: string | null;
}

/** The operator's merge request: typed confirmation, like the emergency close. */
export const pairMergeRequestSchema = z.object({ confirm: z.literal("MERGE", { error: () => 'type MERGE to confirm' }) }).strict();

export interface ReconciliationDTO {
  /** "mismatch" until an operator adopts the venue's position or flattens. */
  state: "ok" | "mismatch" | "not_checked";
  /** The desk's inventory when the venue's position was read (the check, or the mismatch's detection); now when not checked. */
  deskInventory: string;
  venuePosition: string | null;
  /** venue − desk, both as of that reading. */
  difference: string | null;
  tolerance: string;
  checkedAt: number | null;
  detectedAt: number | null;
  /** Orders whose outcome we did not hear, being resolved with the venue. */
  unknownOrders: number;
}

/**
 * Free text a person typed (a reason): printable, tabs and newlines allowed. A NUL or other control character
 * is refused here; PostgreSQL cannot store NUL in text and answered 500 for it.
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const NO_CONTROL_CHARS = "reason must not contain control characters (such as a NUL byte)";

/** How an operator resolves a reconciliation mismatch. */
export const resolveMismatchSchema = z.object({
  action: z.enum(["adopt", "flatten"]),
  reason: z
    .string()
    .trim()
    .min(3, "say why (at least 3 characters)")
    .max(500)
    .refine((s) => !CONTROL_CHARS.test(s), NO_CONTROL_CHARS),
}).strict();
export type ResolveMismatchRequest = z.infer<typeof resolveMismatchSchema>;

/** What one tick would quote with a parameter set, on a given book and inventory. */
export interface QuoteDecisionDTO {
  bid: { price: string; size: string } | null;
  ask: { price: string; size: string } | null;
  skipped: Array<{ side: SideDTO; reason: string }>;
  action: { kind: "rebalance" | "emergency"; side: SideDTO; amount: string } | null;
  mid: string | null;
  warnings: string[];
  /** The whole parameter set previewed: the change laid over the current version (or the market's preset). */
  params?: Record<string, unknown>;
}

/**
 * A preview: the proposed parameters' quotes and, priced on the very same book and inventory, the quotes
 * of the parameters in force (version `currentVersion`). Comparing with the resting quotes instead would
 * mix in how the book moved since they were placed.
 */
export interface QuotePreviewDTO extends QuoteDecisionDTO {
  current?: QuoteDecisionDTO;
  currentVersion?: number;
}

export interface EmergencyLegPreviewDTO {
  /** null when inventory already sits at target: nothing to flatten. */
  side: SideDTO | null;
  amount: string;
  estimatedPrice: string | null;
  inventory: string;
  targetInventory: string;
}

export interface EmergencyPreviewDTO extends EmergencyLegPreviewDTO {
  /** The market this preview is for; named when the close acts on more than one (a YES/NO pair). */
  symbol?: string;
  /** The other markets the same close flattens (a pair's NO leg), each with its own preview. */
  otherLegs?: Array<EmergencyLegPreviewDTO & { symbol: string }>;
}

export interface EmergencyOutcomeDTO {
  filled: string;
  averagePrice: string | null;
  inventoryAfter: string;
  cancelledOrders: number;
  paused: boolean;
  message: string;
}

export interface ServerToClientEvents {
  /** Coalesced: every snapshot since the previous batch, oldest first. */
  snapshots: (batch: SnapshotDTO[]) => void;
  status: (status: StatusDTO) => void;
  fills: (fills: FillDTO[]) => void;
  orders: (orders: OrderDTO[]) => void;
  alert: (alert: AlertDTO) => void;
  params: (version: ParamVersionDTO) => void;
  /** A lab run's progress (lib/lab/types.ts), to everyone signed in. */
  "lab:progress": (progress: LabProgressDTO) => void;
}

export interface ClientToServerEvents {
  /** After a reconnect: every snapshot newer than `since`, so the charts have no gap. */
  backfill: (req: BackfillRequest, ack: (batch: SnapshotDTO[] | { error: string }) => void) => void;
}

export const backfillRequestSchema = z.object({ since: z.number().int().nonnegative() }).strict();
export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

export const snapshotQuerySchema = z
  .object({
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(20000).default(5000),
  })
  .strict();

export const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

/** A reason given with a change: optional, at most 500 characters, no control characters (see above). */
const reasonText = z
  .string()
  .trim()
  .max(500, "reason is at most 500 characters")
  .refine((s) => !CONTROL_CHARS.test(s), NO_CONTROL_CHARS)
  .default("");

/** Decimal-looking text, for the check below: anything else (a mode name) passes through to the host. */
const DECIMAL_LIKE = /^\s*[+-]?(\d|\.\d)/;

/**
 * One parameter value as it crosses into the runner: a number, a short text, true/false or null. Whatever reads
 * as a decimal is bounded in digits and exponent HERE, before the runner's thread sees it: "1e1000000000" once
 * took the runner's heap. Which fields exist and what each allows is the host's schema (the strategy's).
 */
const paramValue = z
  .union([z.string().max(64, "must be at most 64 characters"), z.number(), z.boolean(), z.null()], {
    error: "must be a number, a decimal text, true/false or null",
  })
  .superRefine((v, ctx) => {
    if (typeof v === "boolean" || v === null) return;
    if (typeof v === "string" && !DECIMAL_LIKE.test(v)) return;
    const r = checkedDecimal(v);
    if (!r.ok && (typeof v === "number" || !r.message.startsWith("must be a decimal"))) ctx.addIssue({ code: "custom", message: r.message });
  });

const paramsPatch = z
  .record(z.string().max(64, "parameter names are at most 64 characters"), paramValue)
  .refine((p) => Object.keys(p).length <= 64, "at most 64 parameters");

/**
 * A change is a patch on the current version: omitted fields keep their values. `base: "preset"` starts from the
 * market's preset instead (the explicit reset, which has a preview like any change).
 */
const paramsBase = z.enum(["current", "preset"], { error: 'base must be "current" or "preset"' }).default("current");
export type ParamsBase = z.infer<typeof paramsBase>;

export const applyParamsRequestSchema = z.object({ params: paramsPatch, reason: reasonText, base: paramsBase }).strict();
export const previewParamsRequestSchema = z.object({ params: paramsPatch, base: paramsBase }).strict();
export const rollbackRequestSchema = z.object({ version: z.number().int().positive(), reason: reasonText }).strict();
export const ackAlertRequestSchema = z
  .object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "alert id may use letters, digits and - _ . : only") })
  .strict();
/** Acknowledge every open alert; takes no fields. */
export const ackAllAlertsRequestSchema = z.object({}).strict();
export const controlRequestSchema = z.object({ action: z.enum(["start", "pause", "resume", "rearm", "arm"]) }).strict();
export const emergencyCloseRequestSchema = z.object({ confirm: z.literal(true) }).strict();
export const loginRequestSchema = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

/** Every API error has this shape: a message for people and, for validation errors, one per field. */
export interface ApiErrorDTO {
  error: string;
  fields?: Record<string, string>;
}

/** How the runner is keeping up: tick durations since the last reset, and memory of both threads. */
export interface MetricsDTO {
  ticks: number;
  tickP50Us: number;
  tickP99Us: number;
  tickMaxUs: number;
  /** p99 event-loop delay of the runner thread: how late ticks start. */
  loopDelayP99Us: number;
  /** Writes waiting for the database: a growing number means it is falling behind (or down). */
  queuedWrites: number;
  runnerHeapMb: number;
  webHeapMb: number;
  rssMb: number;
  sockets: number;
}

// ── history: paged lists with totals, and CSV exports ───────────────────────────────────────────────────

/** One page of a list, newest first: `total` counts every row the filter matches, `next` reads older ones. */
export interface ListPageDTO<T> {
  rows: T[];
  total: number;
  /** Opaque cursor for the next (older) page; null when this page reached the oldest row. */
  next: string | null;
}

const side = z.enum(["buy", "sell"]);
const ms = z.coerce.number().int().nonnegative();
/** "<ts>:<id>": the last row read. Fills page by (ts, row id), orders by (createdAt, clientOrderId). */
const fillCursor = z
  .string()
  .regex(/^\d{1,15}:\d{1,19}$/, "is not a cursor this list gave out")
  .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }));
const orderCursor = z
  .string()
  .regex(/^\d{1,15}:.{1,128}$/, "is not a cursor this list gave out")
  .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }));
const statusList = z
  .string()
  .max(400)
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ORDER_STATES, { error: `must list order states (${ORDER_STATES.join(", ")})` })).min(1, "must name at least one order state"));

export const fillsPageQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100), side: side.optional(), before: fillCursor.optional(), from: ms.optional(), to: ms.optional() })
  .strict();
export type FillsPageQuery = z.output<typeof fillsPageQuerySchema>;

const ORDER_REASONS = ["quote", "rebalance", "emergency"] as const;
const reasonList = z
  .string()
  .max(100)
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ORDER_REASONS, { error: `must list order reasons (${ORDER_REASONS.join(", ")})` })).min(1, "must name at least one reason"));

export const ordersPageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    side: side.optional(),
    status: statusList.optional(),
    reason: reasonList.optional(),
    before: orderCursor.optional(),
  })
  .strict();
export type OrdersPageQuery = z.output<typeof ordersPageQuerySchema>;

/** Cursor of a row, in the form the page queries take. */
export const fillCursorOf = (f: { ts: number; seq?: string }): string | null => (f.seq === undefined ? null : `${f.ts}:${f.seq}`);
export const orderCursorOf = (o: { createdAt: number; clientOrderId: string }): string => `${o.createdAt}:${o.clientOrderId}`;

/** A CSV export: a time range (ms since epoch, from inclusive, to exclusive) and the list's own filters. */
export const exportFillsQuerySchema = z.object({ from: ms.optional(), to: ms.optional(), side: side.optional() }).strict();
export const exportOrdersQuerySchema = z.object({ from: ms.optional(), to: ms.optional(), side: side.optional(), status: statusList.optional() }).strict();
export const exportSnapshotsQuerySchema = z.object({ from: ms.optional(), to: ms.optional() }).strict();
export type { OrderState };

// ── the activity log: every audited action ─────────────────────────────────────────────────────────────

/** One audited action: who did what, to what, when, and the state before and after. */
export interface AuditDTO {
  id: string;
  at: number;
  actor: string;
  /** e.g. "control.pause", "params.apply", "auth.login". */
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditPageDTO {
  rows: AuditDTO[];
  /** Cursor of the next (older) page; null at the oldest. */
  next: string | null;
}

/** The activity log's filters: a kind of action (the prefix of its name) and who did it. */
export const AUDIT_KINDS = ["auth", "control", "params", "emergency", "alert", "reconciliation", "notify", "pair"] as const;
export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    kind: z.enum(AUDIT_KINDS).optional(),
    actor: z.string().trim().min(1).max(64).optional(),
    before: z
      .string()
      .regex(/^\d{1,15}:.{1,64}$/, "is not a cursor this list gave out")
      .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }))
      .optional(),
  })
  .strict();
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** The performance figures' range: from (ms, inclusive) to (ms, exclusive; default now). */
export const performanceQuerySchema = z.object({ from: z.coerce.number().int().nonnegative(), to: z.coerce.number().int().nonnegative().optional() }).strict();
export type PerformanceQuery = z.output<typeof performanceQuerySchema>;

// ── notifications: critical alerts to a webhook ───────────────────────────────────────────────────────

export interface NotifyDeliveryDTO {
  ok: boolean;
  attempts: number;
  /** The webhook's HTTP status on the last attempt; null when it could not be reached. */
  status: number | null;
  error: string | null;
  at: number;
  /** What was sent. */
  text: string;
}

export interface NotifyStatusDTO {
  configured: boolean;
  format: "slack" | "discord" | "telegram" | "json" | null;
  /** The webhook's host only: its full URL is a secret. */
  destination: string | null;
  last: NotifyDeliveryDTO | null;
}

export const notifyTestRequestSchema = z.object({}).strict();

export const metricsQuerySchema = z.object({ reset: z.enum(["0", "1"]).default("0") }).strict();
