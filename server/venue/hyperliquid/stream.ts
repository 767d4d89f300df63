// The adapter's WebSocket side: the book and our fills and order updates, kept subscribed through drops.
// - A drop (the pending watch rejects) reports "disconnected" at once; the book is then stale.
// - Reconnects back off with jitter; "connected" is reported when our fills channel has resubscribed.
// - A silent stall (no message at all for stallMs) is treated as a drop: the socket is closed and reopened.
// - The venue re-sends recent fills on every (re)subscribe: fills are deduplicated by trade id, and the
//   first snapshot (history from before we started) is only remembered, never delivered as new.
import type { OrderBook } from "@/lib/market";
import { parseVenueData } from "@/server/venue/schemas";
import type { VenueFill } from "@/server/venue/types";
import { NetworkError } from "@/server/venue/errors";
import type { HyperliquidClient } from "./client";
import type { CloidMap } from "./cloid";
import { VENUE } from "./errors";
import { fillSchema, toVenueFill, userFillsMessageSchema } from "./wire";
import { BookReader } from "./book-reader";

export interface StreamConfig {
  coin: string;
  stallMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  log: (line: string) => void;
}

type ConnState = "connected" | "disconnected";

export class HyperliquidStream {
  book: OrderBook | null = null;
  lastMessageAt = 0;
  state: ConnState | "starting" = "starting";
  reconnects = 0;
  readonly fillListeners = new Set<(f: VenueFill) => void>();
  readonly connListeners = new Set<(s: ConnState) => void>();
  readonly bookListeners = new Set<(b: OrderBook) => void>();
  /** Order updates (raw), e.g. the dead-man's "scheduledCancel". */
  readonly orderListeners = new Set<(raw: unknown) => void>();
  /** Reads each book, reusing the Decimals of level texts that repeat (book-reader.ts). */
  private readonly books = new BookReader();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private snapshotSeen = false;
  private closed = false;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private started: Promise<void> | null = null;

  constructor(
    private readonly client: HyperliquidClient,
    private readonly ids: CloidMap,
    private readonly cfg: StreamConfig,
  ) {
    client.hooks = {
      ...client.hooks,
      onMessage: () => (this.lastMessageAt = Date.now()),
      onBook: (d) => this.onBook(d),
      onFills: (d) => this.onFills(d),
      onOrders: (d) => {
        for (const l of this.orderListeners) l(d);
      },
    };
  }

  /** Opens the stream; resolves when the first fills snapshot and book arrived. */
  start(): Promise<void> {
    this.started ??= new Promise<void>((resolve, reject) => {
      let first = true;
      const loop = async (kind: "l2Book" | "userFills" | "orderUpdates") => {
        let attempt = 0;
        while (!this.closed) {
          try {
            await this.client.watchRaw(kind, this.cfg.coin);
            attempt = 0;
            if (kind === "userFills" && this.state !== "connected") this.setState("connected");
            if (first && kind === "userFills") {
              first = false;
              resolve();
            }
          } catch (err) {
            if (this.closed) return;
            this.setState("disconnected");
            if (first && attempt >= 3) {
              first = false;
              reject(new NetworkError(`WebSocket ${kind}: ${err instanceof Error ? err.message : String(err)}`, { venue: VENUE, cause: err }));
            }
            const wait = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffMinMs * 2 ** attempt++) * (0.5 + Math.random() / 2);
            await new Promise((r) => setTimeout(r, wait).unref?.());
          }
        }
      };
      void loop("userFills");
      void loop("l2Book");
      void loop("orderUpdates");
      this.watchdog = setInterval(() => this.checkStall(), Math.max(50, Math.floor(this.cfg.stallMs / 4)));
      this.watchdog.unref?.();
    });
    return this.started;
  }

  private checkStall(): void {
    if (this.state !== "connected" || !this.lastMessageAt) return;
    const silent = Date.now() - this.lastMessageAt;
    if (silent < this.cfg.stallMs) return;
    this.cfg.log(`WebSocket silent for ${silent} ms: reconnecting`);
    this.lastMessageAt = Date.now();
    this.setState("disconnected");
    this.client.dropStream(new NetworkError(`stream stalled: no message for ${silent} ms`, { venue: VENUE }));
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    if (s === "disconnected") this.book = null; // stale at once: the next book comes from a fresh snapshot
    if (s === "connected" && this.state === "disconnected") this.reconnects++;
    this.state = s;
    for (const l of this.connListeners) l(s);
  }

  private onBook(data: unknown): void {
    const raw = this.books.read(data);
    if (raw.coin !== this.cfg.coin) return;
    const book: OrderBook = { bids: raw.levels[0], asks: raw.levels[1], ts: raw.time };
    this.book = book;
    for (const l of this.bookListeners) l(book);
  }

  private onFills(data: unknown): void {
    const msg = parseVenueData(userFillsMessageSchema, data, "userFills", VENUE);
    const deliver = !(msg.isSnapshot && !this.snapshotSeen);
    if (msg.isSnapshot) this.snapshotSeen = true;
    for (const raw of msg.fills) {
      const f = parseVenueData(fillSchema, raw, "userFills fill", VENUE);
      if (f.coin !== this.cfg.coin || !this.remember(f.tid)) continue;
      if (!deliver) continue;
      const fill = toVenueFill(f, this.ids);
      for (const l of this.fillListeners) l(fill);
    }
  }

  /** True the first time a trade id is seen; keeps the last 20 000 ids. */
  private remember(tid: string): boolean {
    if (this.seen.has(tid)) return false;
    this.seen.add(tid);
    this.seenOrder.push(tid);
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
