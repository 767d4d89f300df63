// Hyperliquid behind the Venue interface. ccxt (client.ts) signs and transports; this class checks every
// order against the venue's grid before sending it, sends a client order id with every order (recorded
// before the request leaves), reads the venue's raw answers leg by leg, and keeps the dead-man switch.
import Decimal from "decimal.js";
import type { MarketSpec, OrderBook } from "@/lib/market";
import { AuthenticationError, ExchangeError, InvalidOrder, MarketDataDown, OrderNotFound, VenueError, VenueUnavailable } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import type { CreateOrderRequest, MarketRules, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "@/server/venue/types";
import { Calls } from "./calls";
import { HyperliquidClient } from "./client";
import { CloidMap } from "./cloid";
import { VENUE, mapError, venueRefusal } from "./errors";
import { MIN_NOTIONAL, marketSpec, roundPrice, validPrice, type PerpInfo } from "./market";
import { HyperliquidStream } from "./stream";
import { clearinghouseSchema, exchangeAnswerSchema, fillSchema, l2BookSchema, openOrderSchema, orderStatusSchema, orderUpdatesSchema, toVenueFill, toVenueOrder, type Leg, type SentOrder } from "./wire";
import { Deadman } from "./deadman";
import { orderAction, type OrderLeg } from "./order-action";
import { NonceFloorFile, readNonceFloor } from "./nonce-floor";
import { z } from "zod";

export interface HyperliquidConfig {
  /** The account (master wallet) address. */
  walletAddress: string;
  /** The signing key: an agent (API) wallet approved for the account, or the account's own key. */
  privateKey: string;
  network: "mainnet" | "testnet";
  /** REST base; the WebSocket is derived (http→ws, + /ws) unless wsUrl is given. */
  restUrl?: string;
  wsUrl?: string;
  /** ccxt symbol ("ETH/USDC:USDC") or the coin ("ETH"). */
  symbol: string;
  deadlineMs?: number;
  /** No WebSocket message for this long forces a reconnect. */
  stallMs?: number;
  /** Dead-man: the venue cancels all our orders if not refreshed within this (>= 5 s); null disables. */
  deadmanMs?: number | null;
  /** The desk's client id prefix (ids "<prefix><uuid>" map to cloids both ways). */
  idPrefix?: string;
  /** ccxt's spacing of REST requests, ms (default 50: the venue's 1200 requests a minute). */
  rateLimitMs?: number;
  /** A nonce below which none is used (e.g. the last one of a previous run). */
  nonceFloor?: number;
  /** Where the highest nonce used is kept between runs (see nonce-floor.ts); read at open. */
  nonceFile?: string;
  log?: (line: string) => void;
}

const URLS = { mainnet: "https://api.hyperliquid.xyz", testnet: "https://api.hyperliquid-testnet.xyz" };
const roleSchema = z.object({ role: z.string(), data: z.object({ user: z.string() }).optional() });

export class HyperliquidVenue implements Venue {
  readonly id = VENUE;
  readonly ids: CloidMap;
  readonly calls: Calls;
  readonly stream: HyperliquidStream;
  readonly deadman: Deadman;
  private readonly sent = new Map<string, SentOrder>();
  private readonly nonces: NonceFloorFile | null;
  private readonly marketListeners = new Set<(m: MarketSpec) => void>();
  /**
   * Where the newest book the grid was judged on stands in the venue's order: its time (ms), then when we
   * learned of it (`bookOrder`: a stream book's arrival, a REST read's request). Only a newer book may move
   * the grid: one the venue timed in the same millisecond as the book that moved it, but read before it
   * arrived, would otherwise move it back.
   */
  private newestBookTs = -Infinity;
  private newestBookOrder = 0;
  private bookOrder = 0;
  /** Bumped on each new grid (tests, logs). */
  gridVersion = 0;
  private closed = false;

  private constructor(
    readonly client: HyperliquidClient,
    private grid: MarketSpec,
    readonly perp: PerpInfo,
    private readonly cfg: Required<Pick<HyperliquidConfig, "deadlineMs" | "walletAddress">> & HyperliquidConfig,
  ) {
    this.ids = new CloidMap(cfg.idPrefix ?? "sd-");
    this.nonces = cfg.nonceFile ? new NonceFloorFile(cfg.nonceFile, () => this.lastNonce()) : null;
    const log = cfg.log ?? (() => {});
    this.calls = new Calls({ deadlineMs: cfg.deadlineMs, backoffMinMs: 500, backoffMaxMs: 30_000, now: Date.now });
    this.stream = new HyperliquidStream(client, this.ids, { coin: perp.coin, stallMs: cfg.stallMs ?? 10_000, backoffMinMs: 250, backoffMaxMs: 10_000, log });
    // First of the book's listeners: a book that has left the grid's band moves the grid before anyone quotes on it.
    this.stream.bookListeners.add((book) => this.regrid(book, ++this.bookOrder));
    this.deadman = new Deadman({
      ms: cfg.deadmanMs ?? null,
      send: (time) => this.exchange(time === undefined ? "disarm dead-man" : "arm dead-man", { type: "scheduleCancel", ...(time === undefined ? {} : { time }) }),
      stream: this.stream,
      log,
    });
  }

  /** Connects, loads the market, checks the key, opens the stream and arms the dead-man. Refuses an unlisted market. */
  static async open(cfg: HyperliquidConfig): Promise<HyperliquidVenue> {
    const restUrl = (cfg.restUrl ?? URLS[cfg.network]).replace(/\/+$/, "");
    const wsUrl = cfg.wsUrl ?? `${restUrl.replace(/^http/, "ws")}/ws`;
    const deadlineMs = cfg.deadlineMs ?? 5_000;
    const client = new HyperliquidClient({ walletAddress: cfg.walletAddress.toLowerCase(), privateKey: cfg.privateKey, restUrl, wsUrl, testnet: cfg.network === "testnet", timeoutMs: deadlineMs, rateLimitMs: cfg.rateLimitMs });
    const floor = Math.max(cfg.nonceFloor ?? 0, cfg.nonceFile ? (readNonceFloor(cfg.nonceFile) ?? 0) : 0);
    if (floor) (client.options as Record<string, unknown>).lastNonce = floor;
    const calls = new Calls({ deadlineMs: Math.max(deadlineMs, 15_000), backoffMinMs: 500, backoffMaxMs: 30_000, now: Date.now });
    try {
      // ccxt refuses plain ws:// (a local fake) until its HTTP agent is loaded.
      if (wsUrl.startsWith("ws://")) await client.loadHttpProxyAgent();
      await calls.run("loadMarkets", () => client.loadMarkets());
      const markets = Object.values(client.markets ?? {}) as { symbol: string; baseName?: string; baseId?: string; precision: { amount?: number }; maker?: number; taker?: number; info: { markPx?: string; szDecimals?: string | number } }[];
      const m = markets.find((x) => x.symbol === cfg.symbol || x.baseName === cfg.symbol);
      if (!m) {
        const listed = markets.map((x) => x.symbol).slice(0, 20).join(", ");
        throw new ExchangeError(`market ${cfg.symbol} is not listed by Hyperliquid ${cfg.network} (listed: ${listed}${markets.length > 20 ? ", …" : ""})`, { venue: VENUE });
      }
      const perp: PerpInfo = {
        symbol: m.symbol,
        coin: m.baseName ?? m.symbol.split("/")[0]!,
        asset: Number(m.baseId),
        szDecimals: Number(m.info.szDecimals),
        mark: new Decimal(String(m.info.markPx)),
        makerFeeRate: new Decimal(String(m.maker ?? "0.00015")),
        takerFeeRate: new Decimal(String(m.taker ?? "0.00045")),
      };
      const venue = new HyperliquidVenue(client, marketSpec(perp), perp, { ...cfg, deadlineMs, walletAddress: cfg.walletAddress.toLowerCase() });
      await venue.checkKey();
      client.signer.warm();
      await client.sender.warm();
      await calls.run("WebSocket", () => venue.stream.start());
      await venue.deadman.start();
      return venue;
    } catch (err) {
      await client.close().catch(() => {});
      throw err;
    }
  }

  /** The signing key must be the account's or an agent approved for it: else every action would fail. */
  private async checkKey(): Promise<void> {
    const agent = this.client.signerAddress();
    if (agent === this.cfg.walletAddress) return;
    const raw = await this.calls.run("userRole", () => this.client.info({ type: "userRole", user: agent }));
    const role = parseVenueData(roleSchema, raw, "userRole", VENUE);
    if (role.role === "agent" && role.data?.user?.toLowerCase() === this.cfg.walletAddress) return;
    if (role.role === "user" && agent === this.cfg.walletAddress) return;
    throw new AuthenticationError(`the signing key's address ${agent} is not an agent (API wallet) of ${this.cfg.walletAddress} (venue says role "${role.role}")`, { venue: VENUE });
  }

  private info(what: string, body: Record<string, unknown>): Promise<unknown> {
    return this.calls.run(what, () => this.client.info(body));
  }

  /** Signs and sends one action; returns the per-leg statuses (a whole-request refusal throws). */
  private async exchange(what: string, action: Record<string, unknown>): Promise<Leg[]> {
    const raw = await this.calls.run(what, () => {
      const p = this.client.signAndSend(action);
      this.nonces?.touch();
      return p;
    });
    const a = parseVenueData(exchangeAnswerSchema, raw, what, VENUE);
    if (a.status === "err") throw venueRefusal(a.response);
    return a.response.data?.statuses ?? [];
  }

  /** The grid the desk quotes on: read near the mark at start, moved when the market leaves its band (regrid). */
  get market(): MarketSpec {
    return this.grid;
  }

  async fetchOrderBook(): Promise<OrderBook> {
    if (this.stream.state === "disconnected") throw new MarketDataDown("the market data stream is down: the book is stale until it reconnects", { venue: VENUE });
    if (this.stream.book) return this.stream.book;
    // The read's answer is at least as new as every stream book that arrived before it was asked, and no
    // newer than one that arrives while it travels (the venue may have answered before sending it).
    const order = ++this.bookOrder;
    const raw = parseVenueData(l2BookSchema, await this.info("l2Book", { type: "l2Book", coin: this.perp.coin }), "l2Book", VENUE);
    const book = { bids: raw.levels[0], asks: raw.levels[1], ts: raw.time };
    this.regrid(book, order);
    return book;
  }

  /**
   * Prices have five significant figures: the tick depends on the price (0.1 below 10 000 for ETH, 1 above).
   * The grid is the one near the market, within a band where the tick is one; a market that leaves the band
   * gets the grid near where it is now, and the desk is told (watchMarket) so that it re-rounds its quotes
   * to the new tick before it quotes on this book.
   */
  private regrid(book: OrderBook, order: number): void {
    // A book older than the newest one judged (a REST read answered after a newer stream message, in the same
    // millisecond or before) must not move the grid back: the desk would re-round its quotes to a tick the
    // market has left. Stream books arrive in the venue's order; a read sits where it was asked.
    if (book.ts < this.newestBookTs || (book.ts === this.newestBookTs && order < this.newestBookOrder)) return;
    this.newestBookTs = book.ts;
    this.newestBookOrder = order;
    const bid = book.bids[0]?.price;
    const ask = book.asks[0]?.price;
    const m = this.grid;
    if (!bid || !ask || (bid.gte(m.minPrice) && ask.lte(m.maxPrice))) return;
    const next = marketSpec({ ...this.perp, mark: bid.add(ask).div(2) });
    if (next.tickSize.eq(m.tickSize) && next.minPrice.eq(m.minPrice) && next.maxPrice.eq(m.maxPrice)) return;
    this.grid = next;
    this.gridVersion++;
    this.cfg.log?.(`the market (${bid}–${ask}) left the band [${m.minPrice}, ${m.maxPrice}]: grid now [${next.minPrice}, ${next.maxPrice}] on tick ${next.tickSize} (was ${m.tickSize})`);
    for (const l of this.marketListeners) l(next);
  }

  /** Listeners told of each new grid (tick, band, minimum size), before the book that caused it is delivered. */
  watchMarket(listener: (market: MarketSpec) => void): () => void {
    this.marketListeners.add(listener);
    return () => this.marketListeners.delete(listener);
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    const raw = parseVenueData(z.array(openOrderSchema), await this.info("frontendOpenOrders", { type: "frontendOpenOrders", user: this.cfg.walletAddress }), "frontendOpenOrders", VENUE);
    return raw.filter((o) => o.coin === this.perp.coin).map((o) => toVenueOrder(o, "open", o.timestamp, this.ids, this.sent.get(this.ids.clientOrderId(o.cloid, o.oid))));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    const cloid = this.ids.cloid(clientOrderId);
    const raw = parseVenueData(orderStatusSchema, await this.info("orderStatus", { type: "orderStatus", user: this.cfg.walletAddress, oid: cloid }), "orderStatus", VENUE);
    if (raw.status === "unknownOid") throw new OrderNotFound(`order ${clientOrderId} (${cloid}) is not known to the venue`, { venue: VENUE });
    return toVenueOrder(raw.order.order, raw.order.status, raw.order.statusTimestamp, this.ids, this.sent.get(clientOrderId));
  }

  private async account() {
    return parseVenueData(clearinghouseSchema, await this.info("clearinghouseState", { type: "clearinghouseState", user: this.cfg.walletAddress }), "clearinghouseState", VENUE);
  }

  async fetchPosition(): Promise<VenuePosition> {
    const a = await this.account();
    return { qty: a.assetPositions.find((p) => p.position.coin === this.perp.coin)?.position.szi ?? new Decimal(0), ts: a.time };
  }

  async fetchBalance(): Promise<VenueBalance> {
    const a = await this.account();
    const base = a.assetPositions.find((p) => p.position.coin === this.perp.coin)?.position.szi ?? new Decimal(0);
    // Raw USD: deposits, minus what positions cost, plus what they paid, minus fees (accountValue adds the positions at mark).
    return { quote: a.marginSummary.totalRawUsd, base, ts: a.time };
  }

  async fetchMyTrades(opts: { since?: number } = {}): Promise<VenueFill[]> {
    const out = new Map<string, VenueFill>();
    let start = opts.since ?? 0;
    for (let page = 0; page < 50; page++) {
      const raw = parseVenueData(z.array(fillSchema), await this.info("userFillsByTime", { type: "userFillsByTime", user: this.cfg.walletAddress, startTime: start }), "userFillsByTime", VENUE);
      for (const f of raw) if (f.coin === this.perp.coin) out.set(f.tid, toVenueFill(f, this.ids));
      if (raw.length < 2000) break;
      start = Math.max(...raw.map((f) => f.time));
    }
    return [...out.values()].sort((a, b) => a.ts - b.ts || Number(a.tradeId) - Number(b.tradeId));
  }

  /** Checks an order against the grid; returns the price to send. Throws InvalidOrder before anything is sent. */
  private check(req: CreateOrderRequest, book: OrderBook | null): Decimal {
    const m = this.market;
    const bad = (why: string) => new InvalidOrder(`${req.clientOrderId}: ${why}`, { venue: VENUE });
    if (this.sent.has(req.clientOrderId)) throw bad("client order id already used");
    if (!req.size.gt(0) || !req.size.div(m.lotSize).isInteger()) throw bad(`size ${req.size} is not a positive multiple of ${m.lotSize}`);
    if (req.size.lt(m.minSize)) throw bad(`size ${req.size} below the minimum ${m.minSize} (the venue's $10)`);
    if (req.type === "market") {
      const touch = req.side === "buy" ? book?.asks[0]?.price : book?.bids[0]?.price;
      if (!touch) throw new VenueUnavailable("no book to price a market order", { venue: VENUE });
      // The venue has no market orders: an IOC limit 5 % through the touch, on the venue's price grid.
      return roundPrice(touch.mul(req.side === "buy" ? 1.05 : 0.95), this.perp.szDecimals, req.side === "buy" ? "up" : "down");
    }
    if (!req.price) throw bad("a limit order needs a price");
    if (!req.price.div(m.tickSize).isInteger() || !validPrice(req.price, this.perp.szDecimals)) throw bad(`price ${req.price} is not on the tick ${m.tickSize}`);
    if (req.price.lt(m.minPrice) || req.price.gt(m.maxPrice)) throw bad(`price ${req.price} outside [${m.minPrice}, ${m.maxPrice}]`);
    return req.price;
  }

  async createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    const [r] = await this.createOrders([req]);
    if (r instanceof Error) throw r;
    return r!;
  }

  /** One signed batch; a result per leg, in order: the order, or the error that leg got. Never one throw for all. */
  async createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]> {
    this.calls.gate("createOrders");
    const results: (VenueOrder | VenueError | null)[] = [];
    const legs: { i: number; req: CreateOrderRequest; order: OrderLeg }[] = [];
    const book = this.stream.book ?? (reqs.some((r) => r.type === "market") ? await this.fetchOrderBook() : null);
    for (const req of reqs) {
      try {
        const px = this.check(req, book);
        this.sent.set(req.clientOrderId, { type: req.type }); // recorded before the request leaves
        const order: OrderLeg = { asset: this.perp.asset, buy: req.side === "buy", price: px, size: req.size, reduceOnly: !!req.reduceOnly, tif: req.type === "market" ? "Ioc" : req.postOnly ? "Alo" : "Gtc", cloid: this.ids.cloid(req.clientOrderId) };
        legs.push({ i: results.length, req, order });
        results.push(null);
      } catch (err) {
        if (reqs.length === 1) throw err;
        results.push(err as VenueError);
      }
    }
    if (!legs.length) return results as VenueError[];
    const statuses = await this.exchange("createOrders", orderAction(legs.map((l) => l.order)));
    const now = Date.now();
    legs.forEach((l, k) => (results[l.i] = this.legResult(l.req, statuses[k], now)));
    return results as (VenueOrder | VenueError)[];
  }

  private legResult(req: CreateOrderRequest, leg: Leg | undefined, now: number): VenueOrder | VenueError {
    if (leg === undefined) return new ExchangeError(`${req.clientOrderId}: the venue answered no status for this leg`, { venue: VENUE });
    if (typeof leg === "string") return new ExchangeError(`${req.clientOrderId}: unexpected status ${leg}`, { venue: VENUE });
    if ("error" in leg) return venueRefusal(leg.error) as VenueError;
    const base = { clientOrderId: req.clientOrderId, side: req.side, type: req.type, price: req.type === "market" ? undefined : req.price, size: req.size, ts: now };
    if ("resting" in leg) return { ...base, venueOrderId: String(leg.resting.oid), filledSize: new Decimal(0), status: "open" };
    const filled = leg.filled.totalSz;
    return { ...base, venueOrderId: String(leg.filled.oid), filledSize: filled, status: filled.eq(req.size) ? "filled" : "cancelled" };
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    const [leg] = await this.exchange("cancelByCloid", { type: "cancelByCloid", cancels: [{ asset: this.perp.asset, cloid: this.ids.cloid(clientOrderId) }] });
    return this.afterCancel(clientOrderId, leg);
  }

  /** The final state after a cancel: asked, never assumed; a cancel of a finished order is final, not retried. */
  private async afterCancel(clientOrderId: string, leg: Leg | undefined): Promise<VenueOrder> {
    if (leg !== "success" && !(typeof leg === "object" && "error" in leg && venueRefusal(leg.error) instanceof OrderNotFound)) {
      throw typeof leg === "object" && "error" in leg ? venueRefusal(leg.error) : new ExchangeError(`cancel ${clientOrderId}: unexpected answer ${JSON.stringify(leg)}`, { venue: VENUE });
    }
    const o = await this.fetchOrder(clientOrderId);
    return leg === "success" && (o.status === "open" || o.status === "partially_filled") ? { ...o, status: "cancelled" } : o;
  }

  /** One signed batch of cancels by client id: a result per leg (its final state, asked; or its error). */
  async cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]> {
    if (!clientOrderIds.length) return [];
    const statuses = await this.exchange("cancelByCloid", { type: "cancelByCloid", cancels: clientOrderIds.map((id) => ({ asset: this.perp.asset, cloid: this.ids.cloid(id) })) });
    return Promise.all(clientOrderIds.map((id, i) => this.afterCancel(id, statuses[i]).catch((e: unknown) => mapError(e, `cancel ${id}`))));
  }

  /** The venue's rules for our market now: the grid the desk quotes on, and the venue's $10 order minimum. */
  async loadMarkets(): Promise<MarketRules> {
    return { ...this.grid, minNotional: MIN_NOTIONAL };
  }

  /** Our order updates from the stream (placed, filled, cancelled, the dead-man's "scheduledCancel"). */
  watchOrders(listener: (order: VenueOrder) => void): () => void {
    const l = (raw: unknown) => {
      let updates: z.output<typeof orderUpdatesSchema>;
      try {
        updates = parseVenueData(orderUpdatesSchema, raw, "orderUpdates", VENUE);
      } catch (err) {
        // One unreadable message must not silence the others' listeners (the dead-man's among them).
        this.cfg.log?.(`orderUpdates: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      for (const u of updates) if (u.order.coin === this.perp.coin) listener(toVenueOrder(u.order, u.status, u.statusTimestamp, this.ids, this.sent.get(this.ids.clientOrderId(u.order.cloid, u.order.oid))));
    };
    this.stream.orderListeners.add(l);
    return () => this.stream.orderListeners.delete(l);
  }

  /** Arms (or refreshes) the venue's dead-man for `ms` ahead (the venue wants at least 5 s from its receipt). */
  async armDeadman(ms: number): Promise<void> {
    if (!(ms >= 6_000)) throw new InvalidOrder(`dead-man: ${ms} ms is under the venue's 5 s minimum (with a second for the trip)`, { venue: VENUE });
    await this.exchange("arm dead-man", { type: "scheduleCancel", time: Date.now() + ms });
  }

  /** Disarms the venue's dead-man (a scheduleCancel without a time). */
  async disarmDeadman(): Promise<void> {
    await this.exchange("disarm dead-man", { type: "scheduleCancel" });
  }

  async cancelAllOrders(): Promise<VenueOrder[]> {
    const open = await this.fetchOpenOrders();
    if (!open.length) return [];
    // The venue has no cancel-all: one batched cancel by client id.
    const statuses = await this.exchange("cancelByCloid", { type: "cancelByCloid", cancels: open.map((o) => ({ asset: this.perp.asset, cloid: this.ids.cloid(o.clientOrderId) })) });
    const now = Date.now();
    return Promise.all(open.map((o, i) => (statuses[i] === "success" ? { ...o, status: "cancelled" as const, ts: now } : this.afterCancel(o.clientOrderId, statuses[i]))));
  }

  watchFills(listener: (fill: VenueFill) => void): () => void {
    this.stream.fillListeners.add(listener);
    return () => this.stream.fillListeners.delete(listener);
  }

  watchConnection(listener: (state: "connected" | "disconnected") => void): () => void {
    this.stream.connListeners.add(listener);
    return () => this.stream.connListeners.delete(listener);
  }

  /** Listeners called with each new book as it arrives (live quoting on book updates). */
  watchOrderBook(listener: (book: OrderBook) => void): () => void {
    this.stream.bookListeners.add(listener);
    return () => this.stream.bookListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.deadman.stop().catch((err) => this.cfg.log?.(`dead-man disarm failed: ${err instanceof Error ? err.message : String(err)}`));
    this.stream.close();
    this.nonces?.close();
    await this.client.close().catch(() => {});
  }

  /** The highest nonce this process has signed with (0 before any). */
  lastNonce(): number {
    return Number((this.client.options as Record<string, unknown>).lastNonce ?? 0);
  }
}
