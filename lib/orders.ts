// The order state table, as nautilus_trader's _ORDER_STATE_TABLE: every legal (state, event) pair and the
// state it leads to. Anything not listed is an illegal transition and is refused. The browser imports the
// state names (tables, filters), the server the table (the order tracker owns every order's state).

export const ORDER_STATES = [
  "pending_new",
  "open",
  "partially_filled",
  "filled",
  "pending_cancel",
  "cancelled",
  "rejected",
  "expired",
  "unknown",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States in which the order may still rest or trade at the venue: it counts against risk and the book. */
export const LIVE_ORDER_STATES = ["pending_new", "open", "partially_filled", "pending_cancel", "unknown"] as const satisfies readonly OrderState[];
export const TERMINAL_ORDER_STATES = ["filled", "cancelled", "rejected", "expired"] as const satisfies readonly OrderState[];

const terminal = new Set<OrderState>(TERMINAL_ORDER_STATES);
export const isTerminal = (s: OrderState): boolean => terminal.has(s);
export const isLive = (s: OrderState): boolean => !terminal.has(s);

/**
 * What can happen to an order:
 *   submit_lost   the create's outcome was not heard (timeout, 5xx, lost connection)
 *   accepted      the venue acknowledged it resting
 *   fill          a fill booked, leaving some of it open
 *   filled        the fills booked sum to its size
 *   cancel_sent   we asked the venue to cancel it
 *   cancel_lost   the cancel's outcome was not heard
 *   cancel_failed the venue refused the cancel while the order still rests (back to its resting state)
 *   cancelled     the venue confirmed it no longer rests (also an expiring market order's unfilled rest)
 *   rejected      the venue refused the create
 *   expired       the venue expired it (GTD, IOC remainder)
 *   not_found     the venue, asked repeatedly over the grace period, does not know it: a never-acknowledged
 *                 order never rested (rejected); one that rested is gone (cancelled)
 *   found_open    asked about an unknown order, the venue says it rests
 */
export type OrderEvent =
  | "submit_lost"
  | "accepted"
  | "fill"
  | "filled"
  | "cancel_sent"
  | "cancel_lost"
  | "cancel_failed"
  | "cancelled"
  | "rejected"
  | "expired"
  | "not_found"
  | "found_open";

type Table = { readonly [S in OrderState]: { readonly [E in OrderEvent]?: OrderState } };

/**
 * The table. A fill may arrive in any live state (venues report fills late, after a cancel was sent, or for
 * an order whose ack we never heard); a terminal state accepts nothing but the late fill that completes a
 * cancelled order's record is refused too: a cancel the venue confirmed is final, and a fill after it is
 * a reconciliation matter, not a state change.
 */
export const ORDER_STATE_TABLE: Table = {
  pending_new: {
    submit_lost: "unknown",
    accepted: "open",
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    rejected: "rejected",
    cancelled: "cancelled",
    expired: "expired",
    not_found: "rejected",
  },
  open: {
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    expired: "expired",
    accepted: "open",
    not_found: "cancelled",
  },
  partially_filled: {
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    expired: "expired",
    accepted: "partially_filled",
    not_found: "cancelled",
  },
  pending_cancel: {
    fill: "pending_cancel",
    filled: "filled",
    cancelled: "cancelled",
    expired: "expired",
    cancel_lost: "unknown",
    cancel_sent: "pending_cancel",
    // The venue still holds it (refused or failed the cancel): it rests as before; the tracker picks
    // open or partially_filled by its fills.
    cancel_failed: "open",
    accepted: "pending_cancel",
    rejected: "rejected",
    not_found: "cancelled",
  },
  unknown: {
    found_open: "open",
    accepted: "open",
    fill: "unknown",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    expired: "expired",
    rejected: "rejected",
    not_found: "rejected",
    cancel_lost: "unknown",
    submit_lost: "unknown",
  },
  filled: {},
  cancelled: {},
  rejected: {},
  expired: {},
};

export class IllegalOrderTransition extends Error {
  constructor(
    readonly clientOrderId: string,
    readonly from: OrderState,
    readonly event: OrderEvent,
  ) {
    super(`order ${clientOrderId}: ${event} is not allowed in state ${from}`);
    this.name = "IllegalOrderTransition";
  }
}

/** The state an event leads to, or null when the table does not allow it. */
export function nextOrderState(from: OrderState, event: OrderEvent): OrderState | null {
  return ORDER_STATE_TABLE[from][event] ?? null;
}

/** One entry of an order's stored history. */
export interface OrderTransition {
  at: number;
  from: OrderState;
  to: OrderState;
  event: OrderEvent;
  reason?: string;
}

/**
 * Whether a stored order may go from one state to another: some event of the table leads there. An
 * acknowledged order with fills is partially_filled wherever the table says open.
 */
export function canMoveOrderState(from: OrderState, to: OrderState): boolean {
  if (from === to) return true;
  const targets = Object.values(ORDER_STATE_TABLE[from]);
  return targets.includes(to) || (to === "partially_filled" && targets.includes("open"));
}

/** A stored order asked to move to a state the table cannot reach from where it is. */
export class IllegalOrderStateChange extends Error {
  constructor(
    readonly clientOrderId: string,
    readonly from: OrderState,
    readonly to: OrderState,
  ) {
    super(`order ${clientOrderId}: ${from} → ${to} is not a legal state change`);
    this.name = "IllegalOrderStateChange";
  }
}
