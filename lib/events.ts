// The wire contract between the server and the dashboard: DTOs (decimal strings for money), the typed
// socket.io event maps and the schema of the one request a socket sends (backfill). Type-only for the browser
// except that schema; the HTTP API's request schemas are in lib/api-requests.ts.
import { z } from "zod";

import type { AlertKind, Mode, RiskState, SideDTO } from "./domain";
import type { LabProgressDTO } from "./lab/types";

export type { AlertKind, Mode, RiskState, Role, SideDTO } from "./domain";
export type { OrderState } from "./orders";

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
