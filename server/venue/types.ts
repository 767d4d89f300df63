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

/** The market as the venue states its rules (ccxt's loadMarkets, for the one market a venue trades). */
export interface MarketRules extends MarketSpec {
  /** Smallest order value the venue accepts, in quote currency (price × size); 0 when it has none. */
  readonly minNotional: Decimal;
}

/**
 * How much of a book a reader will look at: levels best first until `levels` of them hold at least `minSize`
 * (the strategy's depth lookback over levels it does not ignore, plus one per order of ours that can shrink a
 * level). A venue may leave out what lies beyond; nothing a reader with this need reads changes.
 */
export interface BookNeed {
  readonly levels: number;
  readonly minSize: Decimal;
}

/**
 * The surface every venue offers, the live ones' needs made explicit (verbs as ccxt's): the market's rules,
 * books, orders and fills pushed as they happen, the account's position and balance, orders by our client
 * id, batches with a result per leg, and the dead-man switch. The paper and replay venues implement all of
 * it on simulated time and pass the same contract suite (tests/venue/contract.ts) as a live adapter.
 */
export interface Venue {
  readonly id: string;
  readonly market: MarketSpec;

  /** The market's rules as the venue states them now: tick, lot, minimum size and notional, price band. */
  loadMarkets(): Promise<MarketRules>;
  /** L2 book, best level first on both sides. */
  fetchOrderBook(): Promise<OrderBook>;
  /**
   * In-process venues only (the simulators): the book as of now, read without a call, or null when it must be
   * asked for with fetchOrderBook (a fault is scripted, the venue is closed or throttled). A read that cannot
   * hang needs no deadline, and a simulation ticks thousands of times a second.
   */
  orderBookNow?(need?: BookNeed): OrderBook | null;
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
  createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]>;
  /** Confirmed cancels of several orders: a result per leg, in order (the final state, or that leg's error). */
  cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]>;
  /** Confirmed cancel of every resting order; resolves with the orders it cancelled. */
  cancelAllOrders(): Promise<VenueOrder[]>;
  /**
   * The venue's stream connection, for venues that have one: "disconnected" when it drops, "connected" when
   * it is back. After a reconnect the desk reconciles (a stream does not replay what it missed). Optional:
   * the paper and replay venues have no connection to lose.
   */
  watchConnection?(listener: (state: "connected" | "disconnected") => void): () => void;
  /**
   * Each new book as the venue delivers it (a live venue's stream; the simulated venues as their time
   * advances). The runner decides on them when it quotes on book updates (live).
   */
  watchOrderBook(listener: (book: OrderBook) => void): () => void;
  /** Each change of one of our orders (placed, filled in part or whole, cancelled) as the venue reports it.
   * Never the only source of truth for fills (a stream can miss a quick partial): see watchFills. */
  watchOrders(listener: (order: VenueOrder) => void): () => void;
  /**
   * The market's grid changed (a new tick size, band or minimum): resting quotes off the new grid must be
   * re-rounded (cancelled and replaced). `market` reads the new grid from then on. Optional: venues whose
   * grid never changes do not offer it.
   */
  watchMarket?(listener: (market: MarketSpec) => void): () => void;
  /** Each of our fills (ccxt's watchMyTrades), pushed once as the venue reports it. Returns the unsubscribe function. */
  watchFills(listener: (fill: VenueFill) => void): () => void;
  /**
   * Dead-man switch: unless armed again within `ms`, the venue cancels every resting order of ours (arming
   * again is the refresh). A venue may require a minimum (Hyperliquid: 5 s) and refuse under it.
   */
  armDeadman(ms: number): Promise<void>;
  /** The dead-man switch is off: nothing is cancelled for want of a refresh. */
  disarmDeadman(): Promise<void>;
  close(): Promise<void>;
}
