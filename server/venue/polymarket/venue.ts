// Polymarket CLOB V2 behind the Venue interface, for one outcome token. The client package signs (L1
// ClobAuth, L2 HMAC, V2 orders); our own transport (http.ts) gives every call a deadline; our own
// WebSocket client (stream.ts) keeps the book and our fills; heartbeats are the dead-man (heartbeat.ts).
// The venue has no client order ids: the order's id is its EIP-712 hash, known before the request leaves,
// so the map from our id to it is recorded first and a lost answer can be asked about, never re-sent.
import Decimal from "decimal.js";
import type { ApiKeyCreds } from "@polymarket/clob-client-v2";
import { createWalletClient, custom, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { MarketSpec, OrderBook } from "@/lib/market";
import { ExchangeError, InvalidOrder, MarketDataDown, OrderNotFound, RequestTimeout, VenueUnavailable, type VenueError } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import { withDeadline } from "@/server/venue/deadline";
import type { CreateOrderRequest, MarketRules, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "@/server/venue/types";
import { VENUE, venueRefusal } from "./errors";
import { fillsOf } from "./fills";
import { Heartbeat } from "./heartbeat";
import { PolymarketHttp } from "./http";
import { LOT, onTick, tokenSpec, type TokenInfo } from "./market";
import { OrderSigner, orderBody } from "./orders";
import { PolymarketStream } from "./stream";
import { apiKeySchema, balanceSchema, bestFirst, bookSummarySchema, cancelSchema, fromUnits, openOrderSchema, orderResponseSchema, pageSchema, tradeSchema, type WireOrder } from "./wire";

export interface PolymarketConfig {
  /** The EOA key that signs orders and derives the API key. Never logged. */
  privateKey: string;
  /** 137 (Polygon) or 80002 (Amoy). */
  chainId: number;
  restUrl?: string;
  /** WebSocket base; the channels are <base>/ws/market and <base>/ws/user. */
  wsUrl?: string;
  /** The outcome token quoted. */
  tokenId: string;
  /** The market (condition id) of the token: the user channel subscribes by it. */
  conditionId?: string;
  symbol?: string;
  /** L2 credentials; derived (or created) with an L1 signature when absent. Never logged. */
  creds?: ApiKeyCreds;
  /** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (deposit wallet). */
  signatureType?: number;
  funderAddress?: string;
  makerFeeRate?: string;
  takerFeeRate?: string;
  deadlineMs?: number;
  stallMs?: number;
  /** Heartbeat period (<= 5000 ms); null: no heartbeats (the venue's dead-man stays off). */
  heartbeatMs?: number | null;
  /** The venue's dead-man window, ms (10 s on Polymarket). */
  heartbeatWindowMs?: number;
  log?: (line: string) => void;
}

const URLS = { rest: "https://clob.polymarket.com", ws: "wss://ws-subscriptions-clob.polymarket.com" };
const END_CURSOR = "LTE=";

interface Sent {
  hash: string;
  req: CreateOrderRequest;
}

export class PolymarketVenue implements Venue {
  readonly id = VENUE;
  market: MarketSpec;
  readonly stream: PolymarketStream;
  readonly heartbeat: Heartbeat;
  /** Our id → what was sent (recorded before the request leaves); hash → our id. */
  private readonly sent = new Map<string, Sent>();
  private readonly byHash = new Map<string, string>();
  private readonly orderListeners = new Set<(order: VenueOrder) => void>();
  private closed = false;
  /** Orders pulled because a tick-size change left them off the grid. */
  pulledOnTick = 0;

  private constructor(
    readonly http: PolymarketHttp,
    private readonly signer: OrderSigner,
    private token: TokenInfo,
    private readonly cfg: PolymarketConfig & { wsUrl: string },
  ) {
    this.market = tokenSpec(token);
    const log = cfg.log ?? (() => {});
    const creds = http.creds!;
    this.stream = new PolymarketStream({
      wsUrl: cfg.wsUrl,
      tokenId: token.tokenId,
      conditionId: cfg.conditionId,
      creds,
      fills: { tokenId: token.tokenId, apiKey: creds.key, ids: { clientOrderId: (h) => this.byHash.get(h) } },
      stallMs: cfg.stallMs ?? 15_000,
      // Often enough that a quiet book's age (the last PONG) stays well inside the desk's 5 s staleness.
      pingMs: Math.max(50, Math.min(2_000, Math.floor((cfg.stallMs ?? 15_000) / 3))),
      backoffMinMs: 250,
      backoffMaxMs: 10_000,
      connectMs: cfg.deadlineMs ?? 5_000,
      log,
    });
    this.stream.tickListeners.add((tick) => void this.onTickChange(tick));
    this.heartbeat = new Heartbeat({ periodMs: cfg.heartbeatMs === undefined ? 5_000 : cfg.heartbeatMs, windowMs: cfg.heartbeatWindowMs ?? 10_000, http, onFired: () => this.stream.signalResync(), log });
  }

  /** Derives the API key, reads the token's grid, checks the credentials, opens the stream, starts heartbeats. */
  static async open(cfg: PolymarketConfig): Promise<PolymarketVenue> {
    const restUrl = (cfg.restUrl ?? URLS.rest).replace(/\/+$/, "");
    const wsUrl = cfg.wsUrl ?? (cfg.restUrl ? restUrl.replace(/^http/, "ws") : URLS.ws);
    const account = privateKeyToAccount(cfg.privateKey as `0x${string}`);
    // Signing only: the CLOB signer never talks to a chain.
    const signer: WalletClient = createWalletClient({ account, transport: custom({ request: async () => Promise.reject(new Error("the CLOB signer has no chain RPC")) }) });
    const http = new PolymarketHttp({ baseUrl: restUrl, chainId: cfg.chainId, signer, deadlineMs: cfg.deadlineMs ?? 5_000, backoffMinMs: 500, backoffMaxMs: 30_000, now: Date.now });
    http.creds = cfg.creds ?? (await deriveCreds(http));
    const book = parseVenueData(bookSummarySchema, await http.request("book", "GET", "/book", { query: { token_id: cfg.tokenId } }), "book", VENUE);
    const token: TokenInfo = {
      tokenId: cfg.tokenId,
      symbol: cfg.symbol ?? `PM-${cfg.tokenId.slice(0, 8)}`,
      tickSize: book.tick_size ?? new Decimal("0.01"),
      minOrderSize: book.min_order_size ?? new Decimal(5),
      negRisk: book.neg_risk ?? false,
      makerFeeRate: new Decimal(cfg.makerFeeRate ?? "0"),
      takerFeeRate: new Decimal(cfg.takerFeeRate ?? "0"),
    };
    const venue = new PolymarketVenue(http, new OrderSigner(signer, cfg.chainId, cfg.signatureType ?? 0, cfg.funderAddress), token, { ...cfg, wsUrl });
    try {
      // A read with L2 auth: wrong or revoked credentials fail here, at start, with AuthenticationError.
      await venue.fetchCollateral();
      await withDeadline(venue.stream.start(), Math.max(cfg.deadlineMs ?? 5_000, 10_000), "the WebSocket channels", { venue: VENUE, expired: "not connected" });
      await venue.heartbeat.start();
      return venue;
    } catch (err) {
      await venue.close().catch(() => {});
      throw err;
    }
  }

  /** A neg-risk market merges through the NegRiskAdapter. */
  get negRisk(): boolean {
    return this.token.negRisk;
  }

  /** Our id for a venue order id (an order of a previous run shows as "pm-<hash>"). */
  private cid(hash: string): string {
    return this.byHash.get(hash.toLowerCase()) ?? `pm-${hash.toLowerCase()}`;
  }

  private hashOf(clientOrderId: string): string | undefined {
    return this.sent.get(clientOrderId)?.hash ?? (clientOrderId.startsWith("pm-0x") ? clientOrderId.slice(3) : undefined);
  }

  async fetchOrderBook(): Promise<OrderBook> {
    if (this.stream.state === "disconnected") throw new MarketDataDown("the market data stream is down: the book is stale until it reconnects", { venue: VENUE });
    // A quiet market sends nothing while its book stands still, and the channel is ordered: a book whose
    // channel answered since (a PONG included) is as current as that answer. Without this a market with no
    // trade for a few seconds read as stale data and the desk took its quotes down.
    const held = this.stream.book;
    if (held) return this.stream.state === "connected" && this.stream.marketHeardAt > held.ts ? { ...held, ts: this.stream.marketHeardAt } : held;
    const b = parseVenueData(bookSummarySchema, await this.http.request("book", "GET", "/book", { query: { token_id: this.token.tokenId } }), "book", VENUE);
    return { bids: bestFirst(b.bids, "bids"), asks: bestFirst(b.asks, "asks"), ts: b.timestamp ?? Date.now() };
  }

  private toOrder(o: WireOrder): VenueOrder {
    const cid = this.cid(o.id);
    const sent = this.sent.get(cid)?.req;
    const s = o.status.toUpperCase();
    const filled = o.size_matched;
    const status: VenueOrder["status"] =
      s === "LIVE" || s === "DELAYED" || s === "UNMATCHED" ? (filled.gt(0) ? "partially_filled" : "open")
      : s === "MATCHED" ? (filled.gte(o.original_size) ? "filled" : "cancelled")
      : s === "INVALID" ? "rejected"
      : s.startsWith("CANCELED") || s.startsWith("CANCELLED") ? "cancelled"
      : s === "EXPIRED" ? "expired" : "open";
    const type = sent?.type ?? (o.order_type === "FAK" || o.order_type === "FOK" ? "market" : "limit");
    return { clientOrderId: cid, venueOrderId: o.id.toLowerCase(), side: o.side === "BUY" ? "buy" : "sell", type, price: type === "market" ? undefined : o.price, size: o.original_size, filledSize: filled, status, ts: o.created_at ?? 0 };
  }

  /** Follows the venue's cursor to the end (at most `max` pages). */
  private async pages<T>(what: string, path: string, schema: import("zod").ZodType<T>, query: Record<string, string | number | undefined>, max = 50): Promise<T[]> {
    const out: T[] = [];
    let cursor = "MA==";
    for (let i = 0; i < max && cursor !== END_CURSOR; i++) {
      const page = parseVenueData(pageSchema(schema), await this.http.request(what, "GET", path, { auth: "l2", query: { ...query, next_cursor: cursor } }), what, VENUE);
      out.push(...(page.data as T[]));
      if (page.next_cursor === cursor) break;
      cursor = page.next_cursor;
    }
    return out;
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    const raw = await this.pages("open orders", "/data/orders", openOrderSchema, { asset_id: this.token.tokenId });
    return raw.filter((o) => o.asset_id === this.token.tokenId).map((o) => this.toOrder(o));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    const hash = this.hashOf(clientOrderId);
    if (!hash) throw new OrderNotFound(`order ${clientOrderId} was never sent by this process`, { venue: VENUE });
    let raw: unknown;
    try {
      raw = await this.http.request("order", "GET", `/data/order/${hash}`, { auth: "l2" });
    } catch (err) {
      if (err instanceof ExchangeError && /not found/i.test(err.message)) throw new OrderNotFound(`order ${clientOrderId} (${hash}) is not known to the venue`, { venue: VENUE, cause: err });
      throw err;
    }
    if (raw === null || (typeof raw === "object" && Object.keys(raw as object).length === 0)) throw new OrderNotFound(`order ${clientOrderId} (${hash}) is not known to the venue`, { venue: VENUE });
    return this.toOrder(parseVenueData(openOrderSchema, raw, "order", VENUE));
  }

  private async units(what: string, query: Record<string, string | number>): Promise<Decimal> {
    const raw = parseVenueData(balanceSchema, await this.http.request(what, "GET", "/balance-allowance", { auth: "l2", query: { ...query, signature_type: this.cfg.signatureType ?? 0 } }), what, VENUE);
    return fromUnits(raw.balance);
  }

  /** The account's pUSD (collateral) balance. */
  fetchCollateral(): Promise<Decimal> {
    return this.units("collateral balance", { asset_type: "COLLATERAL" });
  }

  async fetchPosition(): Promise<VenuePosition> {
    return { qty: await this.units("token balance", { asset_type: "CONDITIONAL", token_id: this.token.tokenId }), ts: Date.now() };
  }

  async fetchBalance(): Promise<VenueBalance> {
    const [quote, base] = await Promise.all([this.units("collateral balance", { asset_type: "COLLATERAL" }), this.units("token balance", { asset_type: "CONDITIONAL", token_id: this.token.tokenId })]);
    return { quote, base, ts: Date.now() };
  }

  async fetchMyTrades(opts: { since?: number } = {}): Promise<VenueFill[]> {
    const after = opts.since === undefined ? undefined : Math.max(0, Math.floor(opts.since / 1000) - 1);
    const raw = await this.pages("trades", "/data/trades", tradeSchema, { asset_id: this.token.tokenId, after });
    const ctx = { tokenId: this.token.tokenId, apiKey: this.http.creds!.key, ids: { clientOrderId: (h: string) => this.byHash.get(h) } };
    const out = new Map<string, VenueFill>();
    for (const t of raw) for (const f of fillsOf(t, ctx)) if (opts.since === undefined || f.ts >= opts.since) out.set(f.tradeId, f);
    return [...out.values()].sort((a, b) => a.ts - b.ts || (a.tradeId < b.tradeId ? -1 : 1));
  }

  /** Checks an order against the grid; returns the limit price to sign. Throws InvalidOrder before anything is sent. */
  private check(req: CreateOrderRequest, book: OrderBook | null): Decimal {
    const m = this.market;
    const bad = (why: string) => new InvalidOrder(`${req.clientOrderId}: ${why}`, { venue: VENUE });
    if (this.sent.has(req.clientOrderId)) throw bad("client order id already used");
    if (!req.size.gt(0) || !req.size.div(LOT).isInteger()) throw bad(`size ${req.size} is not a positive multiple of ${LOT}`);
    if (req.size.lt(m.minSize)) throw bad(`size ${req.size} below the market's minimum ${m.minSize}`);
    if (req.type === "market") {
      if (req.reduceOnly) throw bad("reduce-only is not a Polymarket order flag");
      const touch = req.side === "buy" ? book?.asks[0]?.price : book?.bids[0]?.price;
      if (!touch) throw new VenueUnavailable("no book to price a market order", { venue: VENUE });
      // The venue's market orders are marketable limits (FAK): ten ticks through the touch, inside the band.
      const px = req.side === "buy" ? Decimal.min(m.maxPrice, touch.plus(m.tickSize.mul(10))) : Decimal.max(m.minPrice, touch.minus(m.tickSize.mul(10)));
      return px;
    }
    if (!req.price) throw bad("a limit order needs a price");
    if (!onTick(req.price, m.tickSize)) throw bad(`price ${req.price} is not on the tick ${m.tickSize}`);
    if (req.price.lt(m.minPrice) || req.price.gt(m.maxPrice)) throw bad(`price ${req.price} outside [${m.minPrice}, ${m.maxPrice}]`);
    if (req.reduceOnly) throw bad("reduce-only is not a Polymarket order flag");
    return req.price;
  }

  async createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    this.http.gate("createOrder");
    const book = req.type === "market" ? await this.fetchOrderBook() : null;
    const price = this.check(req, book);
    const { order, hash } = await this.signer.sign({ tokenId: this.token.tokenId, side: req.side, price, size: req.size, tickSize: this.market.tickSize, negRisk: this.token.negRisk });
    this.sent.set(req.clientOrderId, { hash, req }); // recorded before the request leaves
    this.byHash.set(hash, req.clientOrderId);
    const type = req.type === "market" ? "FAK" : "GTC";
    let raw: unknown;
    try {
      raw = await this.http.request("createOrder", "POST", "/order", { auth: "l2", body: orderBody(order, this.http.creds!.key, type, !!req.postOnly && type === "GTC") });
    } catch (err) {
      if (err instanceof RequestTimeout) err.message = `${req.clientOrderId}: ${err.message}; ask fetchOrder before quoting that side again`;
      throw err;
    }
    const r = parseVenueData(orderResponseSchema, raw, "createOrder", VENUE);
    if (r.success === false || r.errorMsg) throw venueRefusal(r.errorMsg || `order ${req.clientOrderId} not accepted (status ${r.status || "?"})`);
    if (r.orderID && r.orderID.toLowerCase() !== hash) {
      // Trust the venue's id, keep ours mapped to it.
      this.sent.set(req.clientOrderId, { hash: r.orderID.toLowerCase(), req });
      this.byHash.set(r.orderID.toLowerCase(), req.clientOrderId);
    }
    const base = { clientOrderId: req.clientOrderId, venueOrderId: (r.orderID || hash).toLowerCase(), side: req.side, type: req.type, price: req.type === "market" ? undefined : req.price, size: req.size, ts: Date.now() };
    const status = r.status.toLowerCase();
    if (status === "live") return this.pushed({ ...base, filledSize: new Decimal(0), status: "open" });
    // Matched (wholly or partly), delayed or unmatched: the venue's own record says how much.
    return this.pushed(await this.fetchOrder(req.clientOrderId));
  }

  async createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]> {
    // One request per leg, in parallel: a refused leg cannot hide the legs that rest.
    return Promise.all(reqs.map((r) => this.createOrder(r).catch((e: unknown) => e as VenueError)));
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    const hash = this.hashOf(clientOrderId);
    if (!hash) throw new OrderNotFound(`order ${clientOrderId} was never sent by this process`, { venue: VENUE });
    const raw = parseVenueData(cancelSchema, await this.http.request("cancelOrder", "DELETE", "/order", { auth: "l2", body: { orderID: hash } }), "cancelOrder", VENUE);
    const refused = raw.not_canceled[hash];
    const o = await this.fetchOrder(clientOrderId); // the final state: asked, never assumed
    if (raw.canceled.map((h) => h.toLowerCase()).includes(hash)) return this.pushed(o.status === "open" || o.status === "partially_filled" ? { ...o, status: "cancelled" } : o);
    if (o.status === "open" || o.status === "partially_filled") throw venueRefusal(refused ?? `cancel ${clientOrderId}: the venue neither cancelled nor refused it`);
    return this.pushed(o); // already finished: a cancel of a finished order is final, not retried
  }

  async cancelAllOrders(): Promise<VenueOrder[]> {
    const open = await this.fetchOpenOrders();
    if (!open.length) return [];
    // Only this token's orders (DELETE /cancel-all would take every market of the account down).
    const raw = parseVenueData(cancelSchema, await this.http.request("cancelOrders", "DELETE", "/orders", { auth: "l2", body: open.map((o) => o.venueOrderId) }), "cancelOrders", VENUE);
    const done = new Set(raw.canceled.map((h) => h.toLowerCase()));
    const now = Date.now();
    return Promise.all(open.map((o) => (done.has(o.venueOrderId) ? { ...o, status: "cancelled" as const, ts: now } : this.cancelOrder(o.clientOrderId))));
  }

  /**
   * The venue moved the tick (it tightens near 0.04/0.96 and widens back). The grid is rebuilt; resting
   * quotes off the new grid are pulled (the venue would no longer match them at a price the desk chose),
   * and the desk is told to reconcile.
   */
  private async onTickChange(tick: Decimal): Promise<void> {
    if (tick.eq(this.token.tickSize)) return;
    this.cfg.log?.(`tick size ${this.token.tickSize} → ${tick}`);
    this.token = { ...this.token, tickSize: tick };
    this.market = tokenSpec(this.token);
    try {
      const off = (await this.fetchOpenOrders()).filter((o) => o.price && !onTick(o.price, tick));
      for (const o of off) {
        await this.cancelOrder(o.clientOrderId).catch((err) => this.cfg.log?.(`pulling ${o.clientOrderId} after the tick change failed: ${err instanceof Error ? err.message : String(err)}`));
        this.pulledOnTick++;
      }
    } finally {
      this.stream.signalResync();
    }
  }

  watchFills(listener: (fill: VenueFill) => void): () => void {
    this.stream.fillListeners.add(listener);
    return () => this.stream.fillListeners.delete(listener);
  }

  watchConnection(listener: (state: "connected" | "disconnected") => void): () => void {
    this.stream.connListeners.add(listener);
    return () => this.stream.connListeners.delete(listener);
  }

  watchOrderBook(listener: (book: OrderBook) => void): () => void {
    this.stream.bookListeners.add(listener);
    return () => this.stream.bookListeners.delete(listener);
  }

  /**
   * Our orders as our own calls learn their state (placed, cancelled, found). The user channel's order events
   * are not parsed yet; fills come through watchFills, which is the source of truth for them anyway.
   */
  watchOrders(listener: (order: VenueOrder) => void): () => void {
    this.orderListeners.add(listener);
    return () => this.orderListeners.delete(listener);
  }

  private pushed(o: VenueOrder): VenueOrder {
    for (const l of this.orderListeners) l(o);
    return o;
  }

  /** Polymarket states a minimum order size in shares and no minimum notional. */
  async loadMarkets(): Promise<MarketRules> {
    return { ...this.market, minNotional: new Decimal(0) };
  }

  cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]> {
    // One request per leg, in parallel: an unknown id cannot hide the cancels that went through.
    return Promise.all(clientOrderIds.map((id) => this.cancelOrder(id).catch((e: unknown) => e as VenueError)));
  }

  /**
   * The venue's dead-man is its heartbeat chain: it cancels every order of ours once no heartbeat arrived for
   * its window (10 s, fixed by the venue). Arming starts (or refreshes) the chain, beating every period.
   */
  async armDeadman(ms: number): Promise<void> {
    const window = this.cfg.heartbeatWindowMs ?? 10_000;
    if (ms !== window) throw new InvalidOrder(`Polymarket's dead-man window is fixed at ${window} ms by the venue (asked ${ms} ms)`, { venue: VENUE });
    await this.heartbeat.start();
  }

  /** Stops the heartbeats. Polymarket has no way to end a chain: once its window passes it cancels our orders. */
  async disarmDeadman(): Promise<void> {
    await this.heartbeat.stop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.heartbeat.stop();
    this.stream.close();
  }
}

/** L2 credentials from an L1 (ClobAuth) signature: derive the existing key, or create one. */
async function deriveCreds(http: PolymarketHttp): Promise<ApiKeyCreds> {
  let raw: unknown;
  try {
    raw = await http.request("derive API key", "GET", "/auth/derive-api-key", { auth: "l1" });
  } catch (err) {
    if (!(err instanceof ExchangeError) || /credentials|Invalid L1/i.test(err.message)) throw err;
    raw = await http.request("create API key", "POST", "/auth/api-key", { auth: "l1" });
  }
  const k = parseVenueData(apiKeySchema, raw, "API key", VENUE);
  return { key: k.apiKey, secret: k.secret, passphrase: k.passphrase };
}
