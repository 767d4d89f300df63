// The fake Binance's spot exchange: one price-time order book per symbol, accounts holding assets, and the
// venue's order rules with its own error codes and words (-1013 filter failures, -2010 refusals, -2011 /
// -2013 unknown orders). It knows nothing of HTTP, WebSocket or signatures (server.ts, sign.ts) and keeps
// every number a Decimal so balances and commissions are exact.
//
// Simplification, on purpose: commissions are charged in the quote asset on both sides (Binance charges a
// buyer in the base asset unless BNB pays), so the account's base balance is the signed sum of its fills.
import Decimal from "decimal.js";

export interface SymbolSpec {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minPrice: string;
  maxPrice: string;
  minNotional: string;
  /** The reference price the house quotes around. */
  mark: string;
}

export interface EngineOptions {
  symbols: SymbolSpec[];
  makerFeeRate: string;
  takerFeeRate: string;
  houseLevels: number;
  houseSize: string;
  houseHalfSpreadTicks: number;
  now: () => number;
}

export type OrderType = "LIMIT" | "LIMIT_MAKER" | "MARKET";
export type Status = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED" | "REJECTED";

export interface Order {
  orderId: number;
  clientOrderId: string;
  user: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: OrderType;
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: Status;
  time: number;
  updateTime: number;
}

export interface Trade {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: boolean;
}

/** What an order event tells the user stream: the order after the change, and the trade that changed it. */
export interface OrderEvent {
  order: Order;
  execType: "NEW" | "TRADE" | "CANCELED" | "EXPIRED";
  trade?: Trade;
  /** The cancel request's own client id (Binance reports the original in "C"). */
  cancelId?: string;
}

export class BinanceError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const HOUSE = "house";
export const OUTSIDER = "outsider";
const D = (v: Decimal.Value) => new Decimal(v);
const UNLIMITED = new Set([HOUSE, OUTSIDER]);

export class Engine {
  readonly orders = new Map<number, Order>();
  private readonly balances = new Map<string, Map<string, Decimal>>();
  private readonly trades = new Map<string, Trade[]>();
  private nextOrderId = 7_000_000;
  private nextTradeId = 90_000_000;
  private nextCancel = 1;
  onEvent: (user: string, e: OrderEvent) => void = () => {};
  onBook: (symbol: string) => void = () => {};

  constructor(readonly opts: EngineOptions) {
    for (const s of opts.symbols) this.replenish(s.symbol);
  }

  spec(symbol: string): SymbolSpec | undefined {
    return this.opts.symbols.find((s) => s.symbol === symbol);
  }

  deposit(user: string, asset: string, amount: Decimal.Value): void {
    const b = this.balances.get(user) ?? new Map<string, Decimal>();
    this.balances.set(user, b);
    b.set(asset, (b.get(asset) ?? D(0)).add(amount));
  }
  balance(user: string, asset: string): Decimal {
    return this.balances.get(user)?.get(asset) ?? D(0);
  }
  assets(user: string): [string, Decimal][] {
    return [...(this.balances.get(user) ?? new Map<string, Decimal>()).entries()];
  }
  myTrades(user: string, symbol?: string): Trade[] {
    return (this.trades.get(user) ?? []).filter((t) => !symbol || t.symbol === symbol);
  }

  book(symbol: string, side: "BUY" | "SELL"): Order[] {
    const out = [...this.orders.values()].filter((o) => o.symbol === symbol && o.side === side && (o.status === "NEW" || o.status === "PARTIALLY_FILLED"));
    return out.sort((x, y) => (side === "BUY" ? y.price.cmp(x.price) : x.price.cmp(y.price)) || x.orderId - y.orderId);
  }
  /** Aggregated levels, best first: [price, qty] strings as the venue prints them. */
  levels(symbol: string, side: "BUY" | "SELL", depth = 1000): [string, string][] {
    const spec = this.spec(symbol)!;
    const agg = new Map<string, Decimal>();
    for (const o of this.book(symbol, side)) {
      const k = o.price.toFixed(dp(spec.tickSize));
      agg.set(k, (agg.get(k) ?? D(0)).add(o.origQty.sub(o.executedQty)));
    }
    return [...agg.entries()].slice(0, depth).map(([p, q]) => [p, q.toFixed(dp(spec.stepSize))]);
  }
  openOrders(user: string, symbol?: string): Order[] {
    return [...this.orders.values()].filter((o) => o.user === user && (!symbol || o.symbol === symbol) && (o.status === "NEW" || o.status === "PARTIALLY_FILLED"));
  }
  find(user: string, symbol: string, ref: { orderId?: number; clientOrderId?: string }): Order | undefined {
    for (const o of this.orders.values()) {
      if (o.user !== user || o.symbol !== symbol) continue;
      if (ref.orderId !== undefined && o.orderId === ref.orderId) return o;
      if (ref.clientOrderId !== undefined && o.clientOrderId === ref.clientOrderId) return o;
    }
    return undefined;
  }

  private bookChanged(symbol: string): void {
    this.onBook(symbol);
  }

  /** Tops up the house's quotes around the mark (the rest of the market). */
  replenish(symbol: string): void {
    const spec = this.spec(symbol)!;
    for (const o of this.openOrders(HOUSE, symbol)) o.status = "CANCELED";
    const tick = D(spec.tickSize);
    for (let k = 0; k < this.opts.houseLevels; k++) {
      const off = tick.mul(this.opts.houseHalfSpreadTicks + k);
      for (const side of ["BUY", "SELL"] as const) {
        const price = side === "BUY" ? D(spec.mark).sub(off) : D(spec.mark).add(off);
        this.place(HOUSE, { symbol, side, type: "LIMIT", price: price.toString(), quantity: this.opts.houseSize, newClientOrderId: `house-${this.nextOrderId}` });
      }
    }
    this.bookChanged(symbol);
  }

  setMark(symbol: string, mark: Decimal.Value): void {
    this.spec(symbol)!.mark = D(mark).toString();
    this.replenish(symbol);
  }

  /** Checks and executes one new order; throws BinanceError with the venue's code and words. */
  place(user: string, p: { symbol: string; side: string; type: string; price?: string; quantity?: string; newClientOrderId?: string; timeInForce?: string }): Order {
    const spec = this.spec(p.symbol);
    if (!spec) throw new BinanceError(-1121, "Invalid symbol.");
    if (p.side !== "BUY" && p.side !== "SELL") throw new BinanceError(-1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    if (p.type !== "LIMIT" && p.type !== "LIMIT_MAKER" && p.type !== "MARKET") throw new BinanceError(-1116, "Invalid orderType.");
    if (p.type === "LIMIT" && p.timeInForce !== "GTC" && user !== HOUSE) throw new BinanceError(-1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    if (p.type === "LIMIT_MAKER" && p.timeInForce !== undefined) throw new BinanceError(-1106, "Parameter 'timeInForce' sent when not required.");
    const qty = decimal(p.quantity, "quantity");
    const step = D(spec.stepSize);
    if (!qty.gt(0)) throw new BinanceError(-1013, "Invalid quantity.");
    if (qty.lt(spec.minQty) || !qty.div(step).isInteger()) throw new BinanceError(-1013, "Filter failure: LOT_SIZE");
    let price = D(0);
    if (p.type !== "MARKET") {
      price = decimal(p.price, "price");
      if (!price.gt(0)) throw new BinanceError(-1013, "Invalid price.");
      if (price.lt(spec.minPrice) || price.gt(spec.maxPrice) || !price.div(spec.tickSize).isInteger()) throw new BinanceError(-1013, "Filter failure: PRICE_FILTER");
      if (price.mul(qty).lt(spec.minNotional)) throw new BinanceError(-1013, "Filter failure: NOTIONAL");
    }
    const cid = p.newClientOrderId ?? `web_${this.nextOrderId}`;
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(cid)) throw new BinanceError(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
    if (this.openOrders(user, p.symbol).some((o) => o.clientOrderId === cid)) throw new BinanceError(-2010, "Duplicate order sent.");
    const side = p.side;
    const opposite = this.book(p.symbol, side === "BUY" ? "SELL" : "BUY");
    const crosses = (o: Order) => p.type === "MARKET" || (side === "BUY" ? o.price.lte(price) : o.price.gte(price));
    if (p.type === "LIMIT_MAKER" && opposite.length && crosses(opposite[0]!)) throw new BinanceError(-2010, "Order would immediately match and take.");
    if (!UNLIMITED.has(user)) {
      const need = side === "BUY" ? (p.type === "MARKET" ? (opposite[0]?.price ?? D(0)).mul(qty).mul(1.1) : price.mul(qty)) : qty;
      if (this.balance(user, side === "BUY" ? spec.quote : spec.base).lt(need)) throw new BinanceError(-2010, "Account has insufficient balance for requested action.");
    }
    const now = this.opts.now();
    const order: Order = { orderId: this.nextOrderId++, clientOrderId: cid, user, symbol: p.symbol, side, type: p.type, price, origQty: qty, executedQty: D(0), cummulativeQuoteQty: D(0), status: "NEW", time: now, updateTime: now };
    this.orders.set(order.orderId, order);
    if (user !== HOUSE) this.onEvent(user, { order, execType: "NEW" });
    for (const maker of opposite) {
      if (order.executedQty.eq(order.origQty) || !crosses(maker)) break;
      const q = Decimal.min(order.origQty.sub(order.executedQty), maker.origQty.sub(maker.executedQty));
      this.trade(order, maker, q);
    }
    if (order.executedQty.eq(order.origQty)) order.status = "FILLED";
    else if (p.type === "MARKET") {
      order.status = "EXPIRED";
      if (user !== HOUSE) this.onEvent(user, { order, execType: "EXPIRED" });
    }
    if (user !== HOUSE) this.bookChanged(p.symbol);
    return order;
  }

  /** Executes q between an incoming order and a resting one at the resting order's price. */
  private trade(taker: Order, maker: Order, q: Decimal): void {
    const spec = this.spec(taker.symbol)!;
    const px = maker.price;
    const time = this.opts.now();
    const id = this.nextTradeId++;
    for (const [o, isMaker] of [[maker, true], [taker, false]] as const) {
      const quoteQty = px.mul(q);
      const fee = quoteQty.mul(isMaker ? this.opts.makerFeeRate : this.opts.takerFeeRate);
      o.executedQty = o.executedQty.add(q);
      o.cummulativeQuoteQty = o.cummulativeQuoteQty.add(quoteQty);
      o.status = o.executedQty.eq(o.origQty) ? "FILLED" : "PARTIALLY_FILLED";
      o.updateTime = time;
      const buy = o.side === "BUY";
      this.deposit(o.user, spec.base, buy ? q : q.neg());
      this.deposit(o.user, spec.quote, (buy ? quoteQty.neg() : quoteQty).sub(fee));
      const t: Trade = { symbol: o.symbol, id, orderId: o.orderId, orderListId: -1, price: px.toFixed(dp(spec.tickSize)), qty: q.toFixed(dp(spec.stepSize)), quoteQty: quoteQty.toString(), commission: fee.toString(), commissionAsset: spec.quote, time, isBuyer: buy, isMaker, isBestMatch: true };
      const list = this.trades.get(o.user) ?? [];
      this.trades.set(o.user, list);
      list.push(t);
      if (o.user !== HOUSE) this.onEvent(o.user, { order: o, execType: "TRADE", trade: t });
    }
  }

  /** Cancels one open order; the venue's -2011 when it is not open (unknown, filled or cancelled). */
  cancel(user: string, o: Order | undefined): Order {
    if (!o || o.user !== user || (o.status !== "NEW" && o.status !== "PARTIALLY_FILLED")) throw new BinanceError(-2011, "Unknown order sent.");
    o.status = "CANCELED";
    o.updateTime = this.opts.now();
    this.onEvent(user, { order: o, execType: "CANCELED", cancelId: `cancel-${this.nextCancel++}` });
    this.bookChanged(o.symbol);
    return o;
  }

  /** Another trader's market order (the fake's way to give our quotes maker fills, in part or whole). */
  externalTrade(symbol: string, side: "BUY" | "SELL", qty: Decimal.Value): Order {
    return this.place(OUTSIDER, { symbol, side, type: "MARKET", quantity: D(qty).toString(), newClientOrderId: `outsider-${this.nextOrderId}` });
  }
}

function decimal(v: string | undefined, name: string): Decimal {
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) throw new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  return D(v);
}

function dp(step: string): number {
  return D(step).decimalPlaces();
}
