// The adapter's streaming side: our own client for the venue's market and user channels (the client
// package has none). State the desk relies on:
// - "connected" once both channels are subscribed and a fresh book snapshot arrived; "disconnected" at
//   once when either drops or stalls (the book is then stale and dropped). The venue replays nothing, so
//   every "connected" after a "disconnected" makes the desk reconcile over REST.
// - The book: `book` replaces it, `price_change` sets a level's new aggregate size (0 removes it).
// - `tick_size_change` is reported to the venue, which pulls quotes that left the grid.
// - `trade` events become fills through the ledger (each fill once; FAILED reversed).
import type { ApiKeyCreds } from "@polymarket/clob-client-v2";
import type Decimal from "decimal.js";
import type { BookLevel, OrderBook } from "@/lib/market";
import { parseVenueData } from "@/server/venue/schemas";
import type { VenueFill } from "@/server/venue/types";
import { VENUE } from "./errors";
import { FillLedger, fillsOf, type FillContext } from "./fills";
import { ChannelSocket } from "./socket";
import { bestFirst, tradeSchema, wsBookSchema, wsLastTradeSchema, wsPriceChangeSchema, wsTickSizeSchema } from "./wire";

export interface StreamConfig {
  wsUrl: string;
  tokenId: string;
  conditionId: string | undefined;
  creds: ApiKeyCreds;
  fills: FillContext;
  stallMs: number;
  pingMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  connectMs: number;
  log: (line: string) => void;
}

type ConnState = "connected" | "disconnected";

export class PolymarketStream {
  book: OrderBook | null = null;
  lastTradePrice: Decimal | null = null;
  state: ConnState | "starting" = "starting";
  reconnects = 0;
  /** Events the stream could not parse (logged, skipped). */
  badEvents = 0;
  readonly ledger = new FillLedger();
  readonly fillListeners = new Set<(f: VenueFill) => void>();
  readonly connListeners = new Set<(s: ConnState) => void>();
  readonly bookListeners = new Set<(b: OrderBook) => void>();
  readonly tickListeners = new Set<(tick: Decimal) => void>();
  private readonly market: ChannelSocket;
  private readonly user: ChannelSocket;
  private bids = new Map<string, BookLevel>();
  private asks = new Map<string, BookLevel>();
  private bookFresh = false;
  private started: Promise<void> | null = null;
  private onFirst: (() => void) | null = null;

  constructor(private readonly cfg: StreamConfig) {
    const base = cfg.wsUrl.replace(/\/+$/, "");
    const common = { stallMs: cfg.stallMs, pingMs: cfg.pingMs, backoffMinMs: cfg.backoffMinMs, backoffMaxMs: cfg.backoffMaxMs, connectMs: cfg.connectMs, log: cfg.log };
    this.market = new ChannelSocket({
      ...common,
      url: `${base}/ws/market`,
      subscribe: () => ({ assets_ids: [cfg.tokenId], type: "market" }),
      onEvents: (evs) => this.each(evs, (e) => this.onMarket(e)),
      onState: (s) => this.onSocket("market", s),
    });
    this.user = new ChannelSocket({
      ...common,
      url: `${base}/ws/user`,
      subscribe: () => ({ auth: { apiKey: cfg.creds.key, secret: cfg.creds.secret, passphrase: cfg.creds.passphrase }, markets: cfg.conditionId ? [cfg.conditionId] : [], type: "user" }),
      onEvents: (evs) => this.each(evs, (e) => this.onUser(e)),
      onState: (s) => this.onSocket("user", s),
    });
  }

  /** Opens both channels; resolves at the first "connected" (the caller bounds it with a deadline). */
  start(): Promise<void> {
    this.started ??= new Promise<void>((resolve) => {
      this.onFirst = resolve;
      this.market.start();
      this.user.start();
    });
    return this.started;
  }

  private each(events: unknown[], fn: (e: Record<string, unknown>) => void): void {
    for (const e of events) {
      try {
        if (typeof e === "object" && e !== null) fn(e as Record<string, unknown>);
      } catch (err) {
        this.badEvents++;
        this.cfg.log(`WebSocket event skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private onSocket(which: "market" | "user", s: "open" | "closed"): void {
    if (s === "closed") {
      if (which === "market") this.bookFresh = false;
      this.setState("disconnected");
      return;
    }
    this.maybeConnected();
  }

  private maybeConnected(): void {
    if (this.market.isOpen() && this.user.isOpen() && this.bookFresh) this.setState("connected");
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    if (s === "disconnected") this.book = null; // stale at once: the next book comes from a fresh snapshot
    if (s === "connected" && this.state === "disconnected") this.reconnects++;
    this.state = s;
    if (s === "connected" && this.onFirst) {
      this.onFirst();
      this.onFirst = null;
    }
    for (const l of this.connListeners) l(s);
  }

  private onMarket(e: Record<string, unknown>): void {
    switch (e.event_type) {
      case "book": {
        const b = parseVenueData(wsBookSchema, e, "market book", VENUE);
        if (b.asset_id !== this.cfg.tokenId) return;
        this.bids = new Map((b.bids ?? b.buys ?? []).map((l) => [l.price.toString(), l]));
        this.asks = new Map((b.asks ?? b.sells ?? []).map((l) => [l.price.toString(), l]));
        this.bookFresh = true;
        this.publish(b.timestamp);
        this.maybeConnected();
        return;
      }
      case "price_change": {
        const p = parseVenueData(wsPriceChangeSchema, e, "market price_change", VENUE);
        const changes = p.price_changes ?? (p.changes ?? []).map((c) => ({ ...c, asset_id: p.asset_id }));
        let touched = false;
        for (const c of changes) {
          if (c.asset_id !== this.cfg.tokenId) continue;
          const side = c.side === "BUY" ? this.bids : this.asks;
          if (c.size.isZero()) side.delete(c.price.toString());
          else side.set(c.price.toString(), { price: c.price, size: c.size });
          touched = true;
        }
        if (touched && this.bookFresh) this.publish(p.timestamp);
        return;
      }
      case "tick_size_change": {
        const t = parseVenueData(wsTickSizeSchema, e, "market tick_size_change", VENUE);
        if (t.asset_id !== this.cfg.tokenId) return;
        for (const l of this.tickListeners) l(t.new_tick_size);
        return;
      }
      case "last_trade_price": {
        const t = parseVenueData(wsLastTradeSchema, e, "market last_trade_price", VENUE);
        if (t.asset_id === this.cfg.tokenId) this.lastTradePrice = t.price;
        return;
      }
      default:
        return;
    }
  }

  private publish(ts: number | undefined): void {
    const bids = bestFirst([...this.bids.values()], "bids");
    const asks = bestFirst([...this.asks.values()], "asks");
    if (bids[0] && asks[0] && bids[0].price.gte(asks[0].price)) {
      // A crossed book is a broken one: drop it until the next snapshot rather than quote on it.
      this.cfg.log(`crossed book from the stream (${bids[0].price} >= ${asks[0].price}): waiting for a fresh snapshot`);
      this.book = null;
      return;
    }
    const book: OrderBook = { bids, asks, ts: ts ?? Date.now() };
    if (this.bookFresh) this.book = book;
    for (const l of this.bookListeners) l(book);
  }

  private onUser(e: Record<string, unknown>): void {
    if (e.event_type !== "trade") return;
    const t = parseVenueData(tradeSchema, e, "user trade", VENUE);
    for (const f of this.ledger.fresh(fillsOf(t, this.cfg.fills))) for (const l of this.fillListeners) l(f);
  }

  /** Something happened that the stream cannot replay (the dead-man fired, quotes pulled): reconcile. */
  signalResync(): void {
    if (this.state !== "connected") return;
    for (const l of this.connListeners) l("disconnected");
    for (const l of this.connListeners) l("connected");
  }

  /** When the market channel was last heard from (an event, or the PONG to our PING), ms. */
  get marketHeardAt(): number {
    return this.market.lastMessageAt;
  }

  /** Test hook and operator tool: drop both sockets now (they reconnect). */
  close(): void {
    this.market.close();
    this.user.close();
  }
}
