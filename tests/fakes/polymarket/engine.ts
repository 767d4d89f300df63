// The fake CLOB's matching and accounts: one book per outcome token, price-time matching, balances in
// 6-decimal units (pUSD collateral and conditional tokens), open orders reserving what they could spend,
// trades that go MATCHED → MINED → CONFIRMED (or FAILED, reversing the balances), and the events the
// WebSocket channels send. A "house" keeps a ladder of quotes around a mid; "street" trades take from it.
// Simplified on purpose: no cross-token matching (a YES buy never mints against a NO buy) and no fees.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";

export type WSide = "BUY" | "SELL";
export type OrderStatus = "LIVE" | "MATCHED" | "CANCELED" | "INVALID";

export interface Order {
  id: string;
  owner: string; // API key, "house" or "street"
  maker: string; // address
  tokenId: string;
  side: WSide;
  price: Decimal;
  size: Decimal;
  matched: Decimal;
  status: OrderStatus;
  type: string;
  createdAt: number; // unix seconds
  seq: number;
}

export interface MakerFill { order: Order; size: Decimal; price: Decimal }

export interface Trade {
  id: string;
  tokenId: string;
  conditionId: string;
  taker: Order;
  makers: MakerFill[];
  side: WSide;
  size: Decimal;
  price: Decimal;
  status: "MATCHED" | "MINED" | "CONFIRMED" | "FAILED";
  matchTime: number; // unix seconds
}

export interface Token { tokenId: string; conditionId: string; outcome: string; tick: Decimal; minSize: Decimal; negRisk: boolean; mid: Decimal; lastTrade: Decimal | null }

export interface Account { address: string; collateral: bigint; tokens: Map<string, bigint> }

const UNIT = 1_000_000n;
const units = (d: Decimal) => BigInt(d.mul(1_000_000).toFixed(0));
const now = () => Math.floor(Date.now() / 1000);

export class Engine {
  readonly tokens = new Map<string, Token>();
  readonly orders = new Map<string, Order>();
  readonly trades: Trade[] = [];
  readonly accounts = new Map<string, Account>(); // by API key
  /** Market-channel events by token, user-channel events by API key. */
  onMarket: (tokenId: string, events: unknown[]) => void = () => {};
  onUser: (apiKey: string, events: unknown[]) => void = () => {};
  /** Settlement steps, ms apart; the next trade `failNext` says fails on chain. */
  settleMs = 20;
  failNext = 0;
  /** Shares of each token a new account starts with (a venue account is rarely empty; sells need shares). */
  startShares = 1_000n;
  private seq = 0;

  addToken(t: Omit<Token, "lastTrade">): void {
    this.tokens.set(t.tokenId, { ...t, lastTrade: null });
    this.replenish(t.tokenId);
  }

  account(apiKey: string, address: string): Account {
    let a = this.accounts.get(apiKey);
    if (!a) {
      a = { address, collateral: 100_000n * UNIT, tokens: new Map([...this.tokens.keys()].map((t) => [t, this.startShares * UNIT])) };
      this.accounts.set(apiKey, a);
    }
    return a;
  }

  resting(tokenId: string, side: WSide): Order[] {
    const o = [...this.orders.values()].filter((x) => x.tokenId === tokenId && x.side === side && x.status === "LIVE");
    return o.sort((a, b) => (side === "BUY" ? b.price.cmp(a.price) : a.price.cmp(b.price)) || a.seq - b.seq);
  }

  /** Aggregated levels, best first. */
  levels(tokenId: string, side: WSide): { price: Decimal; size: Decimal }[] {
    const m = new Map<string, Decimal>();
    for (const o of this.resting(tokenId, side)) m.set(o.price.toString(), (m.get(o.price.toString()) ?? new Decimal(0)).plus(o.size.minus(o.matched)));
    return [...m.entries()].map(([p, s]) => ({ price: new Decimal(p), size: s }));
  }

  /** What an account's open orders hold back: collateral for buys, tokens for sells. */
  reserved(apiKey: string, tokenId?: string): { collateral: bigint; tokens: bigint } {
    let collateral = 0n;
    let tokens = 0n;
    for (const o of this.orders.values()) {
      if (o.owner !== apiKey || o.status !== "LIVE") continue;
      const left = o.size.minus(o.matched);
      if (o.side === "BUY") collateral += units(left.mul(o.price));
      else if (o.tokenId === tokenId) tokens += units(left);
    }
    return { collateral, tokens };
  }

  /** Places an order (already checked for signature and grid). Returns an error message or the result. */
  place(o: Omit<Order, "matched" | "status" | "createdAt" | "seq">, postOnly: boolean): { error: string } | { status: "live" | "matched" | "unmatched"; order: Order; trades: Trade[] } {
    if (this.orders.has(o.id)) return { error: "INVALID_ORDER_DUPLICATED: order already exists" };
    const order: Order = { ...o, matched: new Decimal(0), status: "LIVE", createdAt: now(), seq: ++this.seq };
    const opp = this.resting(o.tokenId, o.side === "BUY" ? "SELL" : "BUY");
    const crosses = (p: Decimal) => (o.side === "BUY" ? p.lte(o.price) : p.gte(o.price));
    if (postOnly && opp[0] && crosses(opp[0].price)) return { error: "invalid post-only order: order crosses book" };
    const acct = this.accounts.get(o.owner);
    if (acct) {
      const r = this.reserved(o.owner, o.tokenId);
      const need = o.side === "BUY" ? units(o.size.mul(o.price)) : units(o.size);
      const have = o.side === "BUY" ? acct.collateral - r.collateral : (acct.tokens.get(o.tokenId) ?? 0n) - r.tokens;
      if (need > have) return { error: `not enough balance / allowance: need ${need}, have ${have}` };
    }
    const before = this.snapshot(o.tokenId);
    const trades: Trade[] = [];
    for (const m of opp) {
      if (order.matched.eq(order.size) || !crosses(m.price)) break;
      const size = Decimal.min(order.size.minus(order.matched), m.size.minus(m.matched));
      trades.push(this.match(order, m, size));
    }
    const isFak = o.type === "FAK" || o.type === "FOK";
    if (isFak && order.matched.isZero()) return { error: "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found." };
    order.status = order.matched.eq(order.size) ? "MATCHED" : isFak ? "CANCELED" : "LIVE";
    this.orders.set(order.id, order);
    if (order.owner !== "house" && order.owner !== "street") this.userOrderEvent(order, "PLACEMENT");
    this.publishDiff(o.tokenId, before);
    for (const t of trades) this.settle(t);
    return { status: trades.length ? "matched" : "live", order, trades };
  }

  private match(taker: Order, maker: Order, size: Decimal): Trade {
    taker.matched = taker.matched.plus(size);
    maker.matched = maker.matched.plus(size);
    if (maker.matched.eq(maker.size)) maker.status = "MATCHED";
    if (this.accounts.has(maker.owner)) this.userOrderEvent(maker, "UPDATE");
    const t: Trade = { id: randomUUID(), tokenId: taker.tokenId, conditionId: this.tokens.get(taker.tokenId)!.conditionId, taker, makers: [{ order: maker, size, price: maker.price }], side: taker.side, size, price: maker.price, status: "MATCHED", matchTime: now() };
    this.move(t, 1n);
    this.trades.push(t);
    this.tokens.get(t.tokenId)!.lastTrade = maker.price;
    return t;
  }

  /** Moves collateral and tokens for a trade (sign -1n reverses it). */
  private move(t: Trade, sign: bigint): void {
    for (const m of t.makers) {
      const cash = units(m.size.mul(m.price)) * sign;
      const shares = units(m.size) * sign;
      const buyer = t.side === "BUY" ? t.taker.owner : m.order.owner;
      const seller = t.side === "BUY" ? m.order.owner : t.taker.owner;
      const b = this.accounts.get(buyer);
      const s = this.accounts.get(seller);
      if (b) {
        b.collateral -= cash;
        b.tokens.set(t.tokenId, (b.tokens.get(t.tokenId) ?? 0n) + shares);
      }
      if (s) {
        s.collateral += cash;
        s.tokens.set(t.tokenId, (s.tokens.get(t.tokenId) ?? 0n) - shares);
      }
    }
  }

  /** The trade's life on chain: each status sent to both sides' user channels. */
  private settle(t: Trade): void {
    const fail = this.failNext > 0;
    if (fail) this.failNext--;
    this.tradeEvent(t);
    const steps: Trade["status"][] = fail ? ["FAILED"] : ["MINED", "CONFIRMED"];
    steps.forEach((s, i) => {
      const timer = setTimeout(() => {
        t.status = s;
        if (s === "FAILED") this.move(t, -1n);
        this.tradeEvent(t);
      }, this.settleMs * (i + 1));
      timer.unref?.();
    });
  }

  /** The trade as the venue shows it to `viewer` (REST and the user channel). */
  tradeView(t: Trade, viewer: string): Record<string, unknown> {
    const isTaker = t.taker.owner === viewer;
    return {
      id: t.id, taker_order_id: t.taker.id, market: t.conditionId, asset_id: t.tokenId, side: t.side, size: t.size.toString(), fee_rate_bps: "0", price: t.price.toString(), status: t.status,
      match_time: String(t.matchTime), last_update: String(now()), outcome: this.tokens.get(t.tokenId)!.outcome, owner: viewer, maker_address: isTaker ? t.taker.maker : t.makers[0]!.order.maker, trader_side: isTaker ? "TAKER" : "MAKER", transaction_hash: t.status === "MATCHED" ? "" : `0x${t.id.replace(/-/g, "").padEnd(64, "0")}`,
      maker_orders: t.makers.map((m) => ({ order_id: m.order.id, owner: m.order.owner, maker_address: m.order.maker, matched_amount: m.size.toString(), price: m.price.toString(), fee_rate_bps: "0", asset_id: t.tokenId, outcome: this.tokens.get(t.tokenId)!.outcome, side: m.order.side })),
    };
  }

  tradesOf(apiKey: string): Trade[] {
    return this.trades.filter((t) => t.taker.owner === apiKey || t.makers.some((m) => m.order.owner === apiKey));
  }

  private tradeEvent(t: Trade): void {
    const viewers = new Set([t.taker.owner, ...t.makers.map((m) => m.order.owner)]);
    for (const v of viewers) if (this.accounts.has(v)) this.onUser(v, [{ event_type: "trade", type: "TRADE", ...this.tradeView(t, v), matchtime: String(t.matchTime), timestamp: String(Date.now()) }]);
  }

  orderView(o: Order): Record<string, unknown> {
    return { id: o.id, status: o.status, owner: o.owner, maker_address: o.maker, market: this.tokens.get(o.tokenId)!.conditionId, asset_id: o.tokenId, side: o.side, original_size: o.size.toString(), size_matched: o.matched.toString(), price: o.price.toString(), associate_trades: [], outcome: this.tokens.get(o.tokenId)!.outcome, created_at: o.createdAt, expiration: "0", order_type: o.type };
  }

  private userOrderEvent(o: Order, type: "PLACEMENT" | "UPDATE" | "CANCELLATION"): void {
    this.onUser(o.owner, [{ event_type: "order", type, ...this.orderView(o), timestamp: String(Date.now()) }]);
  }

  /** Cancels one order of `owner`; the reason it could not, or null. */
  cancel(owner: string, id: string): string | null {
    const o = this.orders.get(id);
    if (!o || o.owner !== owner) return "order can't be found - already canceled or matched";
    if (o.status === "MATCHED") return "matched orders can't be canceled";
    if (o.status !== "LIVE") return "order can't be found - already canceled or matched";
    const before = this.snapshot(o.tokenId);
    o.status = "CANCELED";
    this.userOrderEvent(o, "CANCELLATION");
    this.publishDiff(o.tokenId, before);
    return null;
  }

  cancelAll(owner: string, tokenId?: string): string[] {
    return [...this.orders.values()].filter((o) => o.owner === owner && o.status === "LIVE" && (!tokenId || o.tokenId === tokenId)).map((o) => (this.cancel(owner, o.id), o.id));
  }

  /** Another trader takes `size` from the book (BUY lifts asks, SELL hits bids), up to 10 ticks through. */
  externalTrade(tokenId: string, side: WSide, size: string): void {
    const t = this.tokens.get(tokenId)!;
    const touch = this.resting(tokenId, side === "BUY" ? "SELL" : "BUY")[0]?.price;
    if (!touch) return;
    const price = side === "BUY" ? Decimal.min(touch.plus(t.tick.mul(10)), new Decimal(1).minus(t.tick)) : Decimal.max(touch.minus(t.tick.mul(10)), t.tick);
    this.place({ id: `0x${randomUUID().replace(/-/g, "")}`, owner: "street", maker: "0x0000000000000000000000000000000000000001", tokenId, side, price, size: new Decimal(size), type: "FAK" }, false);
  }

  /** The house's ladder: 5 levels of 200 shares each side, 2 ticks around the mid, refreshed. */
  replenish(tokenId: string): void {
    const t = this.tokens.get(tokenId)!;
    const before = this.snapshot(tokenId);
    for (const o of this.orders.values()) if (o.owner === "house" && o.tokenId === tokenId && o.status === "LIVE") o.status = "CANCELED";
    for (let i = 1; i <= 5; i++) {
      for (const side of ["BUY", "SELL"] as const) {
        const price = side === "BUY" ? t.mid.minus(t.tick.mul(i + 1)) : t.mid.plus(t.tick.mul(i + 1));
        if (price.lte(0) || price.gte(1)) continue;
        const o: Order = { id: `0x${randomUUID().replace(/-/g, "")}`, owner: "house", maker: "0x0000000000000000000000000000000000000002", tokenId, side, price, size: new Decimal(200), matched: new Decimal(0), status: "LIVE", type: "GTC", createdAt: now(), seq: ++this.seq };
        this.orders.set(o.id, o);
      }
    }
    this.publishDiff(tokenId, before);
  }

  /** The venue moves the tick: event on the market channel. */
  setTick(tokenId: string, tick: string): void {
    const t = this.tokens.get(tokenId)!;
    const old = t.tick;
    t.tick = new Decimal(tick);
    this.onMarket(tokenId, [{ event_type: "tick_size_change", asset_id: tokenId, market: t.conditionId, old_tick_size: old.toString(), new_tick_size: tick, timestamp: String(Date.now()) }]);
  }

  private snapshot(tokenId: string): Map<string, string> {
    const m = new Map<string, string>();
    for (const side of ["BUY", "SELL"] as const) for (const l of this.levels(tokenId, side)) m.set(`${side}:${l.price}`, l.size.toString());
    return m;
  }

  /** price_change events for every level whose aggregate size changed (0 = gone). */
  private publishDiff(tokenId: string, before: Map<string, string>): void {
    const after = this.snapshot(tokenId);
    const changes: unknown[] = [];
    const bid = this.levels(tokenId, "BUY")[0]?.price.toString() ?? "0";
    const ask = this.levels(tokenId, "SELL")[0]?.price.toString() ?? "1";
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(k) === after.get(k)) continue;
      const [side, price] = k.split(":");
      changes.push({ asset_id: tokenId, price, size: after.get(k) ?? "0", side, hash: randomUUID(), best_bid: bid, best_ask: ask });
    }
    if (changes.length) this.onMarket(tokenId, [{ event_type: "price_change", market: this.tokens.get(tokenId)!.conditionId, price_changes: changes, timestamp: String(Date.now()) }]);
  }

  /** The book event (full snapshot) for a token. */
  bookEvent(tokenId: string): Record<string, unknown> {
    const t = this.tokens.get(tokenId)!;
    const lv = (side: WSide) => this.levels(tokenId, side).map((l) => ({ price: l.price.toString(), size: l.size.toString() })).reverse(); // the venue lists worst first
    return { event_type: "book", asset_id: tokenId, market: t.conditionId, bids: lv("BUY"), asks: lv("SELL"), timestamp: String(Date.now()), hash: randomUUID(), min_order_size: t.minSize.toString(), tick_size: t.tick.toString(), neg_risk: t.negRisk, last_trade_price: t.lastTrade?.toString() ?? "" };
  }
}
