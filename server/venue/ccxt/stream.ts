// The adapter's WebSocket side through ccxt.pro: the book (watchOrderBook: ccxt syncs Binance's diff
// stream against a REST snapshot by update id), our orders (watchOrders) and our fills (watchMyTrades,
// both from Binance's executionReport on the user data stream), kept subscribed through drops.
// - A drop (a pending watch rejects) reports "disconnected" at once; the book is then stale.
// - Reconnects back off with jitter; "connected" is reported when the book flows again and the user
//   stream is subscribed again (ccxt resubscribes on the next watch).
// - A silent stall (no book for stallMs; the depth stream restates the touch every 100 ms) is a drop.
// - Fills are deduplicated by trade id (the REST reconcile and the stream may both bring one).
import Decimal from "decimal.js";
import type { Exchange } from "ccxt";
import type { OrderBook } from "@/lib/market";
import { NetworkError } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import type { VenueFill, VenueOrder } from "@/server/venue/types";
import { z } from "zod";
import { ccxtTradeSchema, type CcxtTrade } from "./wire";

export interface StreamConfig {
  venue: string;
  symbol: string;
  stallMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  log: (line: string) => void;
  /** A ccxt order as it came (checked at the boundary by the adapter). */
  toOrder: (raw: unknown) => VenueOrder;
  toFill: (t: CcxtTrade) => VenueFill;
}

type ConnState = "connected" | "disconnected";
const levelsSchema = z.array(z.tuple([z.number(), z.number()]).rest(z.unknown()));
const bookSchema = z.object({ bids: levelsSchema, asks: levelsSchema, timestamp: z.number().nullish() });

export class CcxtStream {
  book: OrderBook | null = null;
  lastBookAt = 0;
  state: ConnState | "starting" = "starting";
  reconnects = 0;
  readonly fillListeners = new Set<(f: VenueFill) => void>();
  readonly orderListeners = new Set<(o: VenueOrder) => void>();
  readonly connListeners = new Set<(s: ConnState) => void>();
  readonly bookListeners = new Set<(b: OrderBook) => void>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private userReady = false;
  private closed = false;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private started: Promise<void> | null = null;

  constructor(
    private readonly client: Exchange,
    private readonly cfg: StreamConfig,
  ) {}

  /** Opens the streams; resolves when the first book arrived and the user stream is subscribed. */
  start(): Promise<void> {
    this.started ??= new Promise<void>((resolve, reject) => {
      let pending = true;
      const ready = () => {
        if (!this.book || !this.userReady) return;
        if (this.state !== "connected") this.setState("connected");
        if (pending) {
          pending = false;
          resolve();
        }
      };
      const loop = async (name: string, once: () => Promise<void>) => {
        let attempt = 0;
        while (!this.closed) {
          try {
            await once();
            attempt = 0;
            ready();
          } catch (err) {
            if (this.closed) return;
            this.cfg.log(`WebSocket ${name}: ${err instanceof Error ? err.message : String(err)}`);
            this.setState("disconnected");
            if (pending && attempt >= 3) {
              pending = false;
              reject(new NetworkError(`WebSocket ${name}: ${err instanceof Error ? err.message : String(err)}`, { venue: this.cfg.venue, cause: err }));
            }
            const wait = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffMinMs * 2 ** attempt++) * (0.5 + Math.random() / 2);
            await new Promise((r) => setTimeout(r, wait).unref?.());
          }
        }
      };
      void loop("book", async () => this.onBook(await this.client.watchOrderBook(this.cfg.symbol)));
      void loop("orders", async () => {
        if (!this.userReady) {
          // Binance spot: the user data stream is subscribed (WebSocket API, signed) before any order event.
          const auth = (this.client as unknown as { authenticate?: (p: Record<string, unknown>) => Promise<unknown> }).authenticate;
          if (typeof auth === "function") await auth.call(this.client, { type: "spot" });
          this.userReady = true;
          ready();
        }
        for (const o of await this.client.watchOrders(this.cfg.symbol)) this.onOrder(o);
      });
      void loop("trades", async () => {
        for (const t of await this.client.watchMyTrades(this.cfg.symbol)) this.onTrade(t);
      });
      this.watchdog = setInterval(() => this.checkStall(), Math.max(50, Math.floor(this.cfg.stallMs / 4)));
      this.watchdog.unref?.();
    });
    return this.started;
  }

  private checkStall(): void {
    if (this.state !== "connected" || !this.lastBookAt) return;
    const silent = Date.now() - this.lastBookAt;
    if (silent < this.cfg.stallMs) return;
    this.cfg.log(`no book for ${silent} ms: reconnecting`);
    this.lastBookAt = Date.now();
    this.setState("disconnected");
    // Closing every socket rejects the pending watches; the loops reconnect and resubscribe.
    const clients = (this.client as unknown as { clients: Record<string, { reset?(e: unknown): void; close?(): unknown }> }).clients;
    for (const [url, c] of Object.entries(clients)) {
      delete clients[url];
      c.reset?.(new NetworkError(`stream stalled: no book for ${silent} ms`, { venue: this.cfg.venue }));
      void Promise.resolve(c.close?.()).catch(() => {});
    }
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    if (s === "disconnected") {
      this.book = null; // stale at once: the next book comes from a fresh snapshot
      this.userReady = false;
    }
    if (s === "connected" && this.state === "disconnected") this.reconnects++;
    this.state = s;
    for (const l of this.connListeners) l(s);
  }

  private onBook(raw: unknown): void {
    const b = parseVenueData(bookSchema, raw, "watchOrderBook", this.cfg.venue);
    const side = (levels: z.output<typeof levelsSchema>) => levels.filter((l) => l[1] > 0).map((l) => ({ price: new Decimal(String(l[0])), size: new Decimal(String(l[1])) }));
    const book: OrderBook = { bids: side(b.bids), asks: side(b.asks), ts: b.timestamp ?? Date.now() };
    this.lastBookAt = Date.now();
    this.book = book;
    for (const l of this.bookListeners) l(book);
  }

  // One unreadable message is logged and skipped: it must not drop the connection or silence the others.
  private onOrder(raw: unknown): void {
    let o: VenueOrder;
    try {
      o = this.cfg.toOrder(raw);
    } catch (err) {
      return this.cfg.log(`watchOrders: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const l of this.orderListeners) l(o);
  }

  private onTrade(raw: unknown): void {
    let f: VenueFill;
    try {
      const t = parseVenueData(ccxtTradeSchema, raw, "watchMyTrades", this.cfg.venue);
      if (!this.remember(t.id)) return;
      f = this.cfg.toFill(t);
    } catch (err) {
      return this.cfg.log(`watchMyTrades: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const l of this.fillListeners) l(f);
  }

  /** True the first time a trade id is seen; keeps the last 20 000 ids. */
  remember(tradeId: string): boolean {
    if (this.seen.has(tradeId)) return false;
    this.seen.add(tradeId);
    this.seenOrder.push(tradeId);
    if (this.seenOrder.length > 20_000) this.seen.delete(this.seenOrder.shift()!);
    return true;
  }

  /** Something happened that the stream cannot replay (the dead-man fired): the desk must reconcile. */
  signalResync(): void {
    if (this.state !== "connected") return;
    for (const l of this.connListeners) l("disconnected");
    for (const l of this.connListeners) l("connected");
  }

  close(): void {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
  }
}
