// The one venue interface every market implementation speaks: the paper simulator, the replay venue and
// live venues (Polymarket CLOB, Binance through ccxt). Verbs follow ccxt (fetch*, watch*, create*, cancel*)
// so a ccxt-backed adapter is a thin mapping. Prices, sizes and fees are decimal.js values; the venue's
// own wire formats are parsed at its boundary (see schemas.ts).
import type Decimal from "decimal.js";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import type { VenueError } from "./errors";

export type OrderType = "limit" | "market";

/** What a venue reports of an order (our own lifecycle, lib/orders.ts, adds pending and unknown states). */
export type OrderStatus = "open" | "partially_filled" | "filled" | "cancelled" | "rejected" | "expired";

export type Liquidity = "maker" | "taker";

export interface CreateOrderRequest {
  /** Our id, unique per venue for the life of the account; the venue refuses a reused one. */
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Required for limit orders, on the market's tick grid; ignored for market orders. */
  readonly price?: Decimal;
  /** On the market's lot grid and >= market.minSize. */
  readonly size: Decimal;
  /** Reject (PostOnlyWouldCross) instead of taking liquidity. Limit orders only. */
  readonly postOnly?: boolean;
  /** Only ever shrinks the position held at the venue; rejected when it could grow or flip it. */
  readonly reduceOnly?: boolean;
}

export interface VenueOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Limit price; undefined for market orders. */
  readonly price?: Decimal;
  readonly size: Decimal;
  readonly filledSize: Decimal;
  readonly status: OrderStatus;
  /** Time of the last change the venue reports, ms since epoch. */
  readonly ts: number;
}

export interface VenueFill {
  /** Unique per venue: the key that makes fill processing idempotent. */
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  /** In quote currency, positive = paid (a negative fee is a rebate). */
  readonly fee: Decimal;
  readonly liquidity: Liquidity;
  readonly ts: number;
}

/** The account's net position in the market's base asset, as the venue holds it (ccxt's fetchPosition). */
export interface VenuePosition {
  /** Signed: long > 0, short < 0. */
  readonly qty: Decimal;
  readonly ts: number;
}

/** The account's balances (ccxt's fetchBalance): quote currency cash and base asset held. */
export interface VenueBalance {
  /** Quote currency (e.g. USD, USDC) the account holds, net of fees paid and trade cash flows. */
  readonly quote: Decimal;
  /** Base asset position, as fetchPosition reports it. */
  readonly base: Decimal;
  readonly ts: number;
}

export interface Venue {
  readonly id: string;
  readonly market: MarketSpec;

  /** L2 book, best level first on both sides. */
  fetchOrderBook(): Promise<OrderBook>;
  /** Orders the venue holds as resting now (open or partially filled). */
  fetchOpenOrders(): Promise<VenueOrder[]>;
  /** One order by our client order id, open or finished; throws OrderNotFound when the venue does not know
   * it (a real venue may not know a fresh order yet: treat one "not found" as provisional). */
  fetchOrder(clientOrderId: string): Promise<VenueOrder>;
  /** The net position the venue holds for this market. */
  fetchPosition(): Promise<VenuePosition>;
  /** The account's balances. */
  fetchBalance(): Promise<VenueBalance>;
  /** Our fills, oldest first; `since` (ms, inclusive) bounds the look-back. Used to reconcile after a restart. */
  fetchMyTrades(opts?: { since?: number }): Promise<VenueFill[]>;
  /**
   * Resolves once the venue has accepted the order (after its latency) with its state at that moment;
   * a market order or a crossing limit order may already be (partially) filled. Rejections throw an
   * ExchangeError (InvalidOrder, PostOnlyWouldCross, OrderRejected, InsufficientFunds).
   */
  createOrder(req: CreateOrderRequest): Promise<VenueOrder>;
  /**
   * A confirmed cancel: resolves only when the venue confirms the order no longer rests, with its final
   * state: 'cancelled', or 'filled'/'rejected' when it ended before the cancel took effect (read the status).
   * Throws OrderNotFound when the venue does not know the id, a NetworkError when the outcome is unknown
   * (the order may still rest: do not quote that side again until a later cancel confirms).
   */
  cancelOrder(clientOrderId: string): Promise<VenueOrder>;
  /**
   * Several orders in one request (live venues): a result per leg, in order — the order, or the error that
   * leg got. Never one exception for the batch: a rejected leg must not hide the legs that rest.
   */
  createOrders?(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]>;
  /** Confirmed cancel of every resting order; resolves with the orders it cancelled. */
  cancelAllOrders(): Promise<VenueOrder[]>;
  /**
   * The venue's stream connection, for venues that have one: "disconnected" when it drops, "connected" when
   * it is back. After a reconnect the desk reconciles (a stream does not replay what it missed). Optional:
   * the paper and replay venues have no connection to lose.
   */
  watchConnection?(listener: (state: "connected" | "disconnected") => void): () => void;
  /**
   * Each new book as the venue's stream delivers it, for venues with a stream (live quoting on book updates).
   * Optional: the paper and replay venues are read on the clock's ticks.
   */
  watchBook?(listener: (book: OrderBook) => void): () => void;
  /** Each of our fills, pushed as the venue reports it. Returns the unsubscribe function. */
  watchFills(listener: (fill: VenueFill) => void): () => void;
  close(): Promise<void>;
}
