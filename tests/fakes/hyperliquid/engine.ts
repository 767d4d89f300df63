// The fake Hyperliquid's exchange: one price-time order book per coin, accounts with a cross-margin perp
// position and a raw USD balance, and the venue's order rules with its own error strings. It knows
// nothing of HTTP or signatures (server.ts) and keeps every number a Decimal so fees and balances are exact.
import Decimal from "decimal.js";

export interface CoinSpec {
  name: string;
  szDecimals: number;
  /** Mark (reference) price the house quotes around. */
  mark: string;
  maxLeverage: number;
}

export interface EngineOptions {
  coins: CoinSpec[];
  makerFeeRate: string;
  takerFeeRate: string;
  /** Levels of house liquidity on each side, one tick apart, and their size. */
  houseLevels: number;
  houseSize: string;
  /** The house's spread, in ticks each side of the mark. */
  houseHalfSpreadTicks: number;
  now: () => number;
}

export type Tif = "Gtc" | "Alo" | "Ioc";
export type Status = "open" | "filled" | "canceled" | "rejected" | "scheduledCancel" | "selfTradeCanceled" | "iocCancelRejected";

export interface Order {
  oid: number;
  cloid: string | null;
  user: string;
  coin: string;
  side: "B" | "A";
  px: Decimal;
  origSz: Decimal;
  sz: Decimal;
  tif: Tif;
  reduceOnly: boolean;
  timestamp: number;
  status: Status;
  statusTimestamp: number;
}

export interface RawFill {
  coin: string;
  px: string;
  sz: string;
  side: "B" | "A";
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  feeToken: string;
  twapId: null;
  cloid?: string;
}

interface Account {
  rawUsd: Decimal;
  positions: Map<string, Decimal>;
  fills: RawFill[];
}

export interface OrderWire {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit?: { tif?: string } };
  c?: string;
}

export type LegStatus = { resting: { oid: number; cloid?: string } } | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } } | { error: string };

/** The rest of the market: the house quotes around the mark so the book is never empty. */
export const HOUSE = "0x0000000000000000000000000000000000000001";
const D = (v: Decimal.Value) => new Decimal(v);
const pxStr = (d: Decimal) => (d.isInteger() ? d.toFixed(1) : d.toString());

export class Engine {
  readonly coins: CoinSpec[];
  readonly orders = new Map<number, Order>();
  private readonly accounts = new Map<string, Account>();
  private nextOid = 1_000_000;
  private nextTid = 500_000_000;
  /** Called with each user's new fills and order changes: the WebSocket pushes them. */
  onFills: (user: string, fills: RawFill[]) => void = () => {};
  onOrders: (user: string, orders: Order[]) => void = () => {};
  onBook: (coin: string) => void = () => {};

  constructor(readonly opts: EngineOptions) {
    this.coins = opts.coins;
    for (const c of this.coins) this.replenish(c.name);
  }

  asset(a: number): CoinSpec | undefined {
    return this.coins[a];
  }
  coin(name: string): CoinSpec | undefined {
    return this.coins.find((c) => c.name === name);
  }
  tick(coin: CoinSpec): Decimal {
    // Five significant figures and at most 6 − szDecimals decimals: the tick of a price near the mark.
    const intDigits = D(coin.mark).trunc().toString().length;
    const decimals = Math.min(6 - coin.szDecimals, Math.max(0, 5 - intDigits));
    return D(10).pow(-decimals);
  }

  account(user: string): Account {
    let a = this.accounts.get(user);
    if (!a) this.accounts.set(user, (a = { rawUsd: D(0), positions: new Map(), fills: [] }));
    return a;
  }
  deposit(user: string, usd: Decimal.Value): void {
    const a = this.account(user);
    a.rawUsd = a.rawUsd.add(usd);
  }
  position(user: string, coin: string): Decimal {
    return this.account(user).positions.get(coin) ?? D(0);
  }
  fills(user: string): RawFill[] {
    return this.account(user).fills;
  }
  accountValue(user: string): Decimal {
    const a = this.account(user);
    let v = a.rawUsd;
    for (const [coin, szi] of a.positions) v = v.add(szi.mul(this.coin(coin)!.mark));
    return v;
  }

  /** Resting orders of a coin, best first. */
  book(coin: string, side: "B" | "A"): Order[] {
    const out = [...this.orders.values()].filter((o) => o.coin === coin && o.side === side && o.status === "open");
    return out.sort((x, y) => (side === "B" ? y.px.cmp(x.px) : x.px.cmp(y.px)) || x.oid - y.oid);
  }
  levels(coin: string, side: "B" | "A", depth = 20): { px: string; sz: string; n: number }[] {
    const agg = new Map<string, { px: Decimal; sz: Decimal; n: number }>();
    for (const o of this.book(coin, side)) {
      const k = o.px.toString();
      const l = agg.get(k) ?? { px: o.px, sz: D(0), n: 0 };
      l.sz = l.sz.add(o.sz);
      l.n++;
      agg.set(k, l);
    }
    return [...agg.values()].slice(0, depth).map((l) => ({ px: pxStr(l.px), sz: l.sz.toString(), n: l.n }));
  }
  openOrders(user: string): Order[] {
    return [...this.orders.values()].filter((o) => o.user === user && o.status === "open");
  }
  byCloid(user: string, cloid: string): Order | undefined {
    const c = cloid.toLowerCase();
    for (const o of this.orders.values()) if (o.user === user && o.cloid === c) return o;
    return undefined;
  }

  /** Tops up the house's quotes around the mark (the rest of the market). */
  replenish(coinName: string): void {
    const coin = this.coin(coinName)!;
    const tick = this.tick(coin);
    for (const o of this.orders.values()) if (o.user === HOUSE && o.coin === coinName && o.status === "open") this.finish(o, "canceled", false);
    // Placed as orders: a market that moved through our quotes fills them, as it would on the venue.
    const asset = this.coins.indexOf(coin);
    for (let k = 0; k < this.opts.houseLevels; k++) {
      const off = tick.mul(this.opts.houseHalfSpreadTicks + k);
      for (const side of ["B", "A"] as const) {
        const px = side === "B" ? D(coin.mark).sub(off) : D(coin.mark).add(off);
        this.place(HOUSE, { a: asset, b: side === "B", p: px.toString(), s: this.opts.houseSize, r: false, t: { limit: { tif: "Gtc" } } });
      }
    }
    this.onBook(coinName);
  }

  /** Moves the mark (and the house's quotes with it). */
  setMark(coinName: string, mark: Decimal.Value): void {
    this.coin(coinName)!.mark = D(mark).toString();
    this.replenish(coinName);
  }

  private rest(o: Omit<Order, "oid" | "timestamp" | "status" | "statusTimestamp" | "origSz"> & { origSz?: Decimal }): Order {
    const now = this.opts.now();
    const order: Order = { ...o, origSz: o.origSz ?? o.sz, oid: this.nextOid++, timestamp: now, status: "open", statusTimestamp: now };
    this.orders.set(order.oid, order);
    return order;
  }

  private finish(o: Order, status: Status, notify = true): void {
    o.status = status;
    o.statusTimestamp = this.opts.now();
    if (notify) this.onOrders(o.user, [o]);
  }

  /** Checks and executes one order leg of user `user`; never throws. */
  place(user: string, w: OrderWire): LegStatus {
    const coin = this.asset(w.a);
    if (!coin) return { error: `Invalid asset ${w.a}` };
    const tag = `asset=${w.a}`;
    const tifRaw = w.t?.limit?.tif;
    if (tifRaw !== "Gtc" && tifRaw !== "Alo" && tifRaw !== "Ioc") return { error: `Invalid order type. ${tag}` };
    let px: Decimal, sz: Decimal;
    try {
      px = D(w.p);
      sz = D(w.s);
    } catch {
      return { error: `Order has invalid price or size. ${tag}` };
    }
    if (sz.isZero()) return { error: `Order has zero size. ${tag}` };
    if (sz.isNeg() || sz.decimalPlaces() > coin.szDecimals) return { error: `Order has invalid size. ${tag}` };
    const sigOk = px.isInteger() || px.precision(true) <= 5;
    if (!px.gt(0) || !sigOk || px.decimalPlaces() > 6 - coin.szDecimals) return { error: `Price must be divisible by tick size. ${tag}` };
    if (px.sub(coin.mark).abs().gt(D(coin.mark).mul(0.8))) return { error: `Order price cannot be more than 80% away from the reference price ${tag}` };
    if (px.mul(sz).lt(10)) return { error: `Order must have minimum value of $10. ${tag}` };
    const cloid = w.c ? w.c.toLowerCase() : null;
    if (cloid && this.byCloid(user, cloid)) return { error: `duplicate cloid ${tag}` };
    const side = w.b ? "B" : "A";
    const pos = this.position(user, coin.name);
    if (w.r) {
      const reduces = side === "B" ? pos.lt(0) : pos.gt(0);
      if (!reduces) return { error: `Reduce only order would increase position. ${tag}` };
      sz = Decimal.min(sz, pos.abs());
    }
    const after = side === "B" ? pos.add(sz) : pos.sub(sz);
    if (user !== HOUSE && after.abs().gt(pos.abs()) && after.abs().mul(coin.mark).div(coin.maxLeverage).gt(this.accountValue(user))) {
      return { error: `Insufficient margin to place order. ${tag}` };
    }
    const opposite = this.book(coin.name, side === "B" ? "A" : "B");
    const crosses = (o: Order) => (side === "B" ? o.px.lte(px) : o.px.gte(px));
    if (tifRaw === "Alo" && opposite.length && crosses(opposite[0]!)) {
      const bid = this.book(coin.name, "B")[0]?.px;
      const ask = this.book(coin.name, "A")[0]?.px;
      return { error: `Post only order would have immediately matched, bbo was ${bid ? pxStr(bid) : ""}@${ask ? pxStr(ask) : ""}. ${tag}` };
    }
    if (tifRaw === "Ioc" && !(opposite.length && crosses(opposite[0]!))) {
      return { error: `Order could not immediately match against any resting orders. ${tag}` };
    }
    const taker = this.rest({ user, coin: coin.name, side, px, sz, tif: tifRaw, reduceOnly: w.r, cloid });
    taker.status = "rejected"; // not in the book while it matches
    let filled = D(0);
    let notional = D(0);
    for (const maker of opposite) {
      if (taker.sz.isZero() || !crosses(maker)) break;
      if (maker.user === user) {
        this.finish(maker, "selfTradeCanceled");
        continue;
      }
      const q = Decimal.min(taker.sz, maker.sz);
      this.trade(taker, maker, q);
      filled = filled.add(q);
      notional = notional.add(q.mul(maker.px));
    }
    const cl = cloid ? { cloid } : {};
    if (taker.sz.gt(0) && tifRaw !== "Ioc") {
      taker.status = "open";
      this.onOrders(user, [taker]);
      this.onBook(coin.name);
      return { resting: { oid: taker.oid, ...cl } };
    }
    this.finish(taker, taker.sz.isZero() ? "filled" : "canceled");
    this.onBook(coin.name);
    return { filled: { totalSz: filled.toString(), avgPx: notional.div(filled).toSignificantDigits(6).toString(), oid: taker.oid, ...cl } };
  }

  /** Executes q between an incoming order and a resting one at the resting order's price. */
  private trade(taker: Order, maker: Order, q: Decimal): void {
    const px = maker.px;
    const hash = `0x${(this.nextTid + 1).toString(16).padStart(64, "0")}`;
    const time = this.opts.now();
    for (const [o, crossed] of [[maker, false], [taker, true]] as const) {
      const acc = this.account(o.user);
      const start = this.position(o.user, o.coin);
      const fee = px.mul(q).mul(crossed ? this.opts.takerFeeRate : this.opts.makerFeeRate);
      const signed = o.side === "B" ? q : q.neg();
      acc.positions.set(o.coin, start.add(signed));
      acc.rawUsd = acc.rawUsd.sub(signed.mul(px)).sub(fee);
      o.sz = o.sz.sub(q);
      const dir = start.isZero() || start.isPos() === (o.side === "B") ? (o.side === "B" ? "Open Long" : "Open Short") : o.side === "B" ? "Close Short" : "Close Long";
      const fill: RawFill = {
        coin: o.coin,
        px: pxStr(px),
        sz: q.toString(),
        side: o.side,
        time,
        startPosition: start.toString(),
        dir,
        closedPnl: "0.0",
        hash,
        oid: o.oid,
        crossed,
        fee: fee.toString(),
        tid: this.nextTid++,
        feeToken: "USDC",
        twapId: null,
        ...(o.cloid ? { cloid: o.cloid } : {}),
      };
      acc.fills.push(fill);
      if (o === maker && o.sz.isZero()) this.finish(o, "filled", false);
      this.onFills(o.user, [fill]);
      if (o === maker) this.onOrders(o.user, [o]);
    }
  }

  /** Cancels one resting order of `user`; the venue's per-leg answer. */
  cancel(user: string, o: Order | undefined, how: Status = "canceled", asset?: number): "success" | { error: string } {
    const a = asset ?? (o ? this.coins.findIndex((c) => c.name === o.coin) : 0);
    if (!o || o.user !== user || o.status !== "open" || (asset !== undefined && this.coins[asset]?.name !== o.coin)) return { error: `Order was never placed, already canceled, or filled. asset=${a}` };
    this.finish(o, how);
    this.onBook(o.coin);
    return "success";
  }

  /** Another trader's marketable order (the fake's way to give our quotes maker fills). */
  externalTrade(coinName: string, side: "B" | "A", sz: Decimal.Value, user = "0x00000000000000000000000000000000000f10e5"): LegStatus {
    const coin = this.coin(coinName)!;
    this.deposit(user, D(coin.mark).mul(sz).mul(2).add(1000));
    const px = side === "B" ? D(coin.mark).mul(1.5) : D(coin.mark).mul(0.5);
    const tick = this.tick(coin);
    return this.place(user, { a: this.coins.indexOf(coin), b: side === "B", p: px.div(tick).floor().mul(tick).toString(), s: D(sz).toString(), r: false, t: { limit: { tif: "Ioc" } } });
  }
}
