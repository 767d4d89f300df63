// How the store's lists are filtered and paged: the options of listOrders, listFills, listSnapshots, listAlerts
// and listAudit, and the filters the paged lists' totals count with.
import type { AlertKind } from "@/lib/domain";
import type { Side } from "@/lib/market";
import type { OrderReason, OrderStatus } from "./records";

export interface OrderFilter {
  side?: Side;
  /** Only orders in one of these states. */
  statuses?: OrderStatus[];
  /** Only orders placed for one of these reasons (e.g. the rebalances and emergency closes). */
  reasons?: OrderReason[];
}

export interface ListOrdersOptions extends OrderFilter {
  /** Default 100, max 10 000. */
  limit?: number;
  /** Only orders created strictly before this instant (paging backwards). */
  before?: Date;
  /**
   * With `before`: the last row already read, so orders created at exactly `before` whose clientOrderId
   * sorts below it come too. Rows share a millisecond often enough that paging on the instant alone
   * would skip them.
   */
  beforeId?: string;
}

export interface FillFilter {
  side?: Side;
  /** ts >= from */
  from?: Date;
  /** ts < to */
  to?: Date;
}

export interface ListFillsOptions extends FillFilter {
  /** Default 100, max 10 000. The newest fills in range are kept. */
  limit?: number;
  /** Paging backwards: only fills strictly older than this one in the list's (ts, id) order. */
  before?: { ts: Date; id: string };
}

export interface ListSnapshotsOptions {
  /** ts >= from */
  from?: Date;
  /** ts <= to */
  to?: Date;
  /** Default 1 000, max 100 000. When more match, the most recent `limit` are returned (still ascending). */
  limit?: number;
}

export interface ListAlertsOptions {
  unacknowledgedOnly?: boolean;
  kinds?: AlertKind[];
  /** Default 100, max 10 000. */
  limit?: number;
  /** Only alerts created strictly before this instant (paging backwards). */
  before?: Date;
}

export interface ListAuditOptions {
  target?: string;
  actor?: string;
  /** Only actions starting with this, e.g. "params." or "auth.". */
  actionPrefix?: string;
  /** Default 100, max 10 000. */
  limit?: number;
  before?: Date;
  /** With `before`: the last event read, so events at exactly `before` with a lower id come too (paging). */
  beforeId?: string;
}
