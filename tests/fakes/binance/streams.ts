// The fake Binance's pushed messages: the diff depth stream (<symbol>@depth@100ms) and the user data
// stream's executionReport. Depth updates carry absolute quantities per changed level (0 = removed) and
// update ids U..u; each tick also restates the touch, so a client always sees the stream moving and can
// notice when it stops. A REST snapshot flushes pending changes first, so its lastUpdateId is exactly the
// last update sent and the next update continues from it, as ccxt.pro's sync (snapshot + buffered deltas) expects.
import type { WebSocket } from "ws";
import type { Engine, OrderEvent } from "./engine";

type Levels = Map<string, string>;

export class DepthFeed {
  private readonly subs = new Map<WebSocket, Set<string>>();
  private readonly sent = new Map<string, { id: number; bids: Levels; asks: Levels }>();

  constructor(
    private readonly engine: Engine,
    private readonly now: () => number,
    private readonly send: (ws: WebSocket, msg: unknown) => void,
  ) {}

  subscribe(ws: WebSocket, stream: string): void {
    const s = this.subs.get(ws) ?? new Set<string>();
    this.subs.set(ws, s);
    s.add(stream.toLowerCase());
  }
  unsubscribe(ws: WebSocket, stream: string): void {
    this.subs.get(ws)?.delete(stream.toLowerCase());
  }
  drop(ws: WebSocket): void {
    this.subs.delete(ws);
  }

  private state(symbol: string) {
    let s = this.sent.get(symbol);
    if (!s) {
      s = { id: 1_000, bids: new Map(), asks: new Map() };
      this.sent.set(symbol, s);
    }
    return s;
  }

  /** Sends one update for `symbol` (the changes since the last one, and the touch). */
  private flush(symbol: string): void {
    const s = this.state(symbol);
    const bids = new Map(this.engine.levels(symbol, "BUY"));
    const asks = new Map(this.engine.levels(symbol, "SELL"));
    const diff = (before: Levels, after: Levels, touch: [string, string] | undefined): [string, string][] => {
      const out = new Map<string, string>();
      for (const [p, q] of after) if (before.get(p) !== q) out.set(p, q);
      for (const p of before.keys()) if (!after.has(p)) out.set(p, "0.00000000");
      if (touch) out.set(touch[0], touch[1]);
      return [...out.entries()];
    };
    const b = diff(s.bids, bids, [...bids.entries()][0]);
    const a = diff(s.asks, asks, [...asks.entries()][0]);
    const U = s.id + 1;
    s.id = U;
    s.bids = bids;
    s.asks = asks;
    const stream = `${symbol.toLowerCase()}@depth@100ms`;
    const msg = { e: "depthUpdate", E: this.now(), s: symbol, U, u: U, b, a };
    for (const [ws, streams] of this.subs) if (streams.has(stream) || streams.has(`${symbol.toLowerCase()}@depth`)) this.send(ws, msg);
  }

  tick(): void {
    const symbols = new Set<string>();
    for (const streams of this.subs.values()) for (const st of streams) symbols.add(st.split("@")[0]!.toUpperCase());
    for (const sym of symbols) if (this.engine.spec(sym)) this.flush(sym);
  }

  snapshot(symbol: string, limit: number) {
    if (!this.engine.spec(symbol)) return { code: -1121, msg: "Invalid symbol." };
    this.flush(symbol);
    const s = this.state(symbol);
    return { lastUpdateId: s.id, bids: [...s.bids.entries()].slice(0, limit), asks: [...s.asks.entries()].slice(0, limit) };
  }
}

/** The user data stream's order event, field for field as Binance sends it. */
export function executionReport(e: OrderEvent, now: number) {
  const o = e.order;
  const t = e.trade;
  return {
    e: "executionReport",
    E: now,
    s: o.symbol,
    c: e.execType === "CANCELED" ? e.cancelId : o.clientOrderId,
    S: o.side,
    o: o.type,
    f: "GTC",
    q: o.origQty.toFixed(8),
    p: o.price.toFixed(8),
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: e.execType === "CANCELED" ? o.clientOrderId : "",
    x: e.execType,
    X: o.status,
    r: "NONE",
    i: o.orderId,
    l: t ? t.qty : "0.00000000",
    z: o.executedQty.toFixed(8),
    L: t ? t.price : "0.00000000",
    n: t ? t.commission : "0",
    N: t ? t.commissionAsset : null,
    T: t ? t.time : o.updateTime,
    t: t ? t.id : -1,
    v: 0,
    I: 1,
    w: o.status === "NEW" || o.status === "PARTIALLY_FILLED",
    m: t ? t.isMaker : false,
    M: false,
    O: o.time,
    Z: o.cummulativeQuoteQty.toFixed(8),
    Y: t ? t.quoteQty : "0.00000000",
    Q: "0.00000000",
    W: o.time,
    V: "EXPIRE_MAKER",
  };
}
