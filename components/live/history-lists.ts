// The fills and orders lists as the tables filter them: which rows a filter keeps (for live pushes), the
// query string the server reads, and how rows order, merge and page.
import type { FillDTO, OrderDTO, SideDTO } from "@/lib/events";
import { fillCursorOf, orderCursorOf } from "@/lib/api-requests";
import { LIVE_ORDER_STATES, type OrderState } from "@/lib/orders";
import type { ListSpec } from "./paged-list";

export type SideFilter = "all" | SideDTO;

export const ORDER_STATUS_GROUPS = {
  all: null,
  working: LIVE_ORDER_STATES,
  filled: ["filled"],
  cancelled: ["cancelled"],
  refused: ["rejected", "expired"],
} as const satisfies Record<string, readonly OrderState[] | null>;
export type OrderStatusGroup = keyof typeof ORDER_STATUS_GROUPS;

export interface FillsFilter {
  side: SideFilter;
  /** The charts' own list of the fills in their window (ms): a separate cache entry from the table's. */
  window?: number;
}
export interface OrdersFilter {
  side: SideFilter;
  status: OrderStatusGroup;
  /** Only orders placed for these reasons (the chart markers read the rebalances and emergency closes). */
  reasons?: readonly OrderDTO["reason"][];
}

/** Rows kept per list; a tab left open for a day still renders quickly. Older ones load again on demand. */
export const LIST_MEMORY_CAP = 2_000;

export const fillsSpec: ListSpec<FillDTO> = {
  id: (f) => f.tradeId,
  // Same instant: the database's recording order when both rows have it, the trade id otherwise.
  newerFirst: (a, b) => b.ts - a.ts || (a.seq && b.seq ? Number(b.seq) - Number(a.seq) : b.tradeId < a.tradeId ? -1 : b.tradeId > a.tradeId ? 1 : 0),
  // A fill never changes; the copy read back from the database carries its row id.
  keep: (held, x) => (x.seq ? x : held),
  // A live row has no row id yet: read from one millisecond later, the repeats merge away by trade id.
  cursorOf: (f) => fillCursorOf(f) ?? `${f.ts + 1}:0`,
  cap: LIST_MEMORY_CAP,
  unread: (f) => f.seq === undefined,
};

export const ordersSpec: ListSpec<OrderDTO> = {
  id: (o) => o.clientOrderId,
  newerFirst: (a, b) => b.createdAt - a.createdAt || (b.clientOrderId < a.clientOrderId ? -1 : b.clientOrderId > a.clientOrderId ? 1 : 0),
  // An order changes state: the later report wins, whichever side it came by.
  keep: (held, x) => (x.updatedAt >= held.updatedAt ? x : held),
  cursorOf: orderCursorOf,
  cap: LIST_MEMORY_CAP,
};

export const fillsMatcher = (f: FillsFilter | undefined) => (x: FillDTO) => !f || f.side === "all" || x.side === f.side;

export function ordersMatcher(f: OrdersFilter | undefined): (x: OrderDTO) => boolean {
  const states = f ? ORDER_STATUS_GROUPS[f.status] : null;
  const set = states ? new Set<string>(states) : null;
  const reasons = f?.reasons ? new Set<string>(f.reasons) : null;
  return (x) => (!f || f.side === "all" || x.side === f.side) && (!set || set.has(x.status)) && (!reasons || reasons.has(x.reason));
}

export function fillsQuery(f: FillsFilter): URLSearchParams {
  const q = new URLSearchParams();
  if (f.side !== "all") q.set("side", f.side);
  return q;
}

export function ordersQuery(f: OrdersFilter): URLSearchParams {
  const q = new URLSearchParams();
  if (f.side !== "all") q.set("side", f.side);
  const states = ORDER_STATUS_GROUPS[f.status];
  if (states) q.set("status", states.join(","));
  if (f.reasons) q.set("reason", f.reasons.join(","));
  return q;
}
