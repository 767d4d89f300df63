// Any ccxt exchange's spot market behind the Venue interface (proven on Binance against its wire-level
// fake). ccxt signs, rounds and transports; this class checks every order against the exchange's grid
// before sending it (ccxt would silently round an off-grid price), sends our client id with every order
// (recorded before the request leaves), never re-sends an order whose answer was lost (it asks the venue
// by client id instead), and keeps the dead-man (the exchange's, or our watchdog process).
import Decimal from "decimal.js";
import type { Exchange } from "ccxt";
import type { MarketSpec, OrderBook } from "@/lib/market";
import { ExchangeError, InvalidOrder, MarketDataDown, NetworkError, OrderNotFound, RateLimitExceeded, type VenueError } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import type { CreateOrderRequest, MarketRules, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "@/server/venue/types";
import { z } from "zod";
import { Calls } from "./calls";
import { createClient } from "./client";
import { Deadman } from "./deadman";
import { mapError } from "./errors";
import { ClientIdMap } from "./ids";
import { marketRules, venueGrid, type CcxtMarketLike, type VenueGrid } from "./market";
import { CcxtStream } from "./stream";
import { ccxtOrderSchema, ccxtTradeSchema, feeInQuote, toVenueFill, toVenueOrder, type CcxtTrade, type SentOrder } from "./wire";

export interface CcxtVenueConfig {
  /** ccxt's exchange id: "binance", "okx", … */
  exchangeId: string;
  apiKey: string;
  secret: string;
  password?: string;
  /** ccxt's unified spot symbol, "ETH/USDT". */
  symbol: string;
  /** Origins replacing the exchange's API hosts (a local fake: http://127.0.0.1:PORT, ws://127.0.0.1:PORT). */
  restUrl?: string;
  wsUrl?: string;
  sandbox?: boolean;
  deadlineMs?: number;
  /** No book for this long forces a reconnect. */
  stallMs?: number;
  /** Dead-man armed at open for this long and refreshed every third of it; null = off (armDeadman still works). */
  deadmanMs?: number | null;
  /** Base asset held that is not the desk's: the position is the holding beyond it (default 0). */
  baseReserve?: Decimal;
  log?: (line: string) => void;
}

const balanceSchema = z.object({ total: z.record(z.string(), z.union([z.number(), z.string()]).nullish()).optional(), timestamp: z.number().nullish(), info: z.unknown() });
const commissionSchema = z.object({ commissionRates: z.object({ maker: z.string(), taker: z.string() }) });

/** Spot cannot be sold short: the position (the holding beyond the reserve) goes no lower than −reserve. */
function withFloor(rules: MarketRules, reserve: Decimal | undefined): MarketRules {
  return { ...rules, minPosition: (reserve ?? new Decimal(0)).neg() };
}

export class CcxtVenue implements Venue {
  readonly id: string;
  readonly ids = new ClientIdMap();
  readonly calls: Calls;
  readonly stream: CcxtStream;
  readonly deadman: Deadman;
  private readonly sent = new Map<string, SentOrder>();
  /** Venue order id → our client order id (trades over REST carry only the venue's). */
  private readonly byVenueId = new Map<string, string>();
  private closed = false;

  private readonly marketListeners = new Set<(m: MarketSpec) => void>();

  private constructor(
    readonly client: Exchange,
    private rules: MarketRules,
    /** What the band is re-derived from when the market leaves it. */
    private readonly source: { market: CcxtMarketLike; grid: VenueGrid; fees: { maker: Decimal; taker: Decimal } },
    private readonly cfg: CcxtVenueConfig & { deadlineMs: number },
  ) {
    this.id = `ccxt:${cfg.exchangeId}`;
    const log = cfg.log ?? (() => {});
    this.calls = new Calls({ venue: this.id, deadlineMs: cfg.deadlineMs, backoffMinMs: 500, backoffMaxMs: 30_000, now: Date.now, lastHeaders: () => (client as unknown as { last_response_headers?: Record<string, string> }).last_response_headers });
    this.stream = new CcxtStream(client, {
      venue: this.id,
      symbol: cfg.symbol,
      stallMs: cfg.stallMs ?? 10_000,
      backoffMinMs: 250,
      backoffMaxMs: 10_000,
      log,
      toOrder: (o) => this.order(o),
      toFill: (t) => this.fill(t, this.byVenueId.get(t.order ?? "") ?? this.clientIdOfTrade(t)),
    });
    this.deadman = new Deadman({
      ms: cfg.deadmanMs ?? null,
      client,
      symbol: cfg.symbol,
      venue: this.id,
      watchdog: { exchangeId: cfg.exchangeId, apiKey: cfg.apiKey, secret: cfg.secret, password: cfg.password, restUrl: cfg.restUrl, wsUrl: cfg.wsUrl, sandbox: cfg.sandbox, symbol: cfg.symbol, timeoutMs: cfg.deadlineMs },
      run: (what, fn) => this.calls.run(what, fn),
      onFired: () => this.stream.signalResync(),
      log,
    });
    // First of the book's listeners: a book that has left the band moves it before anyone quotes on it.
    this.stream.bookListeners.add((book) => this.reband(book));
  }

  /**
   * The band is a quarter either side of the mid at start (so the minimum size stays small); a market that
   * leaves it gets the band around where it is now, and the desk is told (watchMarket) before it quotes on
   * that book. The tick and lot are the exchange's and do not change.
   */
  private reband(book: OrderBook): void {
    const bid = book.bids[0]?.price;
    const ask = book.asks[0]?.price;
    const r = this.rules;
    if (!bid || !ask || (bid.gte(r.minPrice) && ask.lte(r.maxPrice))) return;
    const next = withFloor(marketRules(this.source.market, this.source.grid, bid.add(ask).div(2), this.source.fees), this.cfg.baseReserve);
    this.rules = next;
    this.cfg.log?.(`the market (${bid}–${ask}) left the band [${r.minPrice}, ${r.maxPrice}]: band now [${next.minPrice}, ${next.maxPrice}], minimum size ${next.minSize}`);
    for (const l of this.marketListeners) l(next);
  }

  watchMarket(listener: (market: MarketSpec) => void): () => void {
    this.marketListeners.add(listener);
    return () => this.marketListeners.delete(listener);
  }

  /** Connects, loads the market, checks the key (a signed balance read), opens the streams, arms the dead-man. */
  static async open(cfg: CcxtVenueConfig): Promise<CcxtVenue> {
    const deadlineMs = cfg.deadlineMs ?? 5_000;
    const venue = `ccxt:${cfg.exchangeId}`;
    const client = createClient({ exchangeId: cfg.exchangeId, apiKey: cfg.apiKey, secret: cfg.secret, password: cfg.password, restUrl: cfg.restUrl, wsUrl: cfg.wsUrl, sandbox: cfg.sandbox, timeoutMs: deadlineMs });
    const calls = new Calls({ venue, deadlineMs: Math.max(deadlineMs, 15_000), backoffMinMs: 500, backoffMaxMs: 30_000, now: Date.now });
    try {
      // ccxt refuses plain ws:// (a local fake) until its HTTP agent is loaded.
      if (cfg.wsUrl?.startsWith("ws://")) await client.loadHttpProxyAgent();
      await calls.run("loadMarkets", () => client.loadMarkets());
      const m = (client.markets as Record<string, CcxtMarketLike | undefined>)[cfg.symbol];
      if (!m || m.spot === false) {
        const listed = Object.keys(client.markets ?? {}).slice(0, 20).join(", ");
        throw new ExchangeError(`spot market ${cfg.symbol} is not listed by ${cfg.exchangeId} (listed: ${listed}, …)`, { venue });
      }
      const grid = venueGrid(m);
      const balance = await calls.run("fetchBalance", () => client.fetchBalance());
      const reserve = cfg.baseReserve ?? new Decimal(0);
      const held = new Decimal(String(parseVenueData(balanceSchema, balance, "fetchBalance", venue).total?.[m.base] ?? 0));
      if (held.lt(reserve)) throw new ExchangeError(`the account holds ${held} ${String(m.base)}, less than the reserve SKEWDESK_CCXT_BASE_RESERVE=${reserve} the desk must leave alone`, { venue });
      const rates = commissionSchema.safeParse((balance as { info?: unknown }).info);
      const fees = rates.success
        ? { maker: new Decimal(rates.data.commissionRates.maker), taker: new Decimal(rates.data.commissionRates.taker) }
        : { maker: new Decimal(String(m.maker ?? "0.001")), taker: new Decimal(String(m.taker ?? "0.001")) };
      const top = await calls.run("fetchOrderBook", () => client.fetchOrderBook(cfg.symbol, 5));
      const bid = top.bids[0]?.[0];
      const ask = top.asks[0]?.[0];
      if (bid === undefined || ask === undefined) throw new ExchangeError(`${cfg.symbol}: the book is empty; cannot place a band around the market`, { venue });
      const mid = new Decimal(String(bid)).add(String(ask)).div(2);
      const v = new CcxtVenue(client, withFloor(marketRules(m, grid, mid, fees), reserve), { market: m, grid, fees }, { ...cfg, deadlineMs });
      await calls.run("WebSocket", () => v.stream.start());
      await v.deadman.start();
      return v;
    } catch (err) {
      await client.close().catch(() => {});
      throw err;
    }
  }

  get market(): MarketSpec {
    return this.rules;
  }

  async loadMarkets(): Promise<MarketRules> {
    return this.rules;
  }

  private run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.calls.run(what, fn);
  }

  private order(raw: unknown): VenueOrder {
    const o = toVenueOrder(parseVenueData(ccxtOrderSchema, raw, "order", this.id), this.ids, (id) => this.sent.get(id));
    this.byVenueId.set(o.venueOrderId, o.clientOrderId);
    return o;
  }

  private fill(t: CcxtTrade, clientOrderId: string): VenueFill {
    const fee = feeInQuote(t, this.rules.baseCurrency!, this.rules.quoteCurrency!, (cur, cost) => this.cfg.log?.(`trade ${t.id}: fee ${cost} ${cur} is not in ${this.rules.quoteCurrency}; not counted as quote money`));
    return toVenueFill(t, clientOrderId, fee);
  }

  /** Binance's executionReport names our client id ("c"); REST trades name only the venue's order id. */
  private clientIdOfTrade(t: CcxtTrade): string {
    const c = (t.info as { c?: unknown } | null)?.c;
    return typeof c === "string" && c ? this.ids.clientOrderId(c) : `venue-${t.order ?? t.id}`;
  }

  async fetchOrderBook(): Promise<OrderBook> {
    if (this.stream.state === "disconnected") throw new MarketDataDown("the market data stream is down: the book is stale until it reconnects", { venue: this.id });
    if (this.stream.book) return this.stream.book;
    const b = await this.run("fetchOrderBook", () => this.client.fetchOrderBook(this.cfg.symbol, 100));
    const side = (levels: unknown[][]) => levels.map((l) => ({ price: new Decimal(String(l[0])), size: new Decimal(String(l[1])) }));
    return { bids: side(b.bids), asks: side(b.asks), ts: b.timestamp ?? Date.now() };
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    const raw = await this.run("fetchOpenOrders", () => this.client.fetchOpenOrders(this.cfg.symbol));
    return raw.map((o) => this.order(o));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    const raw = await this.run(`fetchOrder ${clientOrderId}`, () => this.client.fetchOrder(undefined as unknown as string, this.cfg.symbol, { origClientOrderId: this.ids.wire(clientOrderId) }));
    return this.order(raw);
  }

  private async balances(): Promise<{ base: Decimal; quote: Decimal; ts: number }> {
    const b = parseVenueData(balanceSchema, await this.run("fetchBalance", () => this.client.fetchBalance()), "fetchBalance", this.id);
    const total = (cur: string) => new Decimal(String(b.total?.[cur] ?? 0));
    return { base: total(this.rules.baseCurrency!), quote: total(this.rules.quoteCurrency!), ts: b.timestamp ?? Date.now() };
  }

  /** Spot has no position: the base asset the account holds beyond the reserve is the position. */
  async fetchPosition(): Promise<VenuePosition> {
    const b = await this.balances();
    return { qty: b.base.sub(this.cfg.baseReserve ?? 0), ts: b.ts };
  }

  async fetchBalance(): Promise<VenueBalance> {
    return this.balances();
  }

  /**
   * Binance answers a startTime with at most the next 24 hours: windows are walked forward from `since` to
   * the first trade, then pages follow by trade id (fromId) to the end. Without `since`, from the first trade.
   */
  async fetchMyTrades(opts: { since?: number } = {}): Promise<VenueFill[]> {
    const out = new Map<string, VenueFill>();
    const page = async (since: number | undefined, params: Record<string, unknown>) => {
      const raw = await this.run("fetchMyTrades", () => this.client.fetchMyTrades(this.cfg.symbol, since, 1000, params));
      const trades = raw.map((t) => parseVenueData(ccxtTradeSchema, t, "fetchMyTrades", this.id));
      for (const t of trades) if (opts.since === undefined || t.timestamp >= opts.since) out.set(t.id, this.fill(t, await this.clientIdOfOrder(t.order)));
      return trades;
    };
    let trades: CcxtTrade[] = [];
    if (opts.since === undefined) trades = await page(undefined, { fromId: 0 });
    else {
      const DAY = 86_400_000;
      for (let start = opts.since; start <= Date.now() && !trades.length; start += DAY) {
        if ((start - opts.since) / DAY > 400) throw new ExchangeError(`fetchMyTrades: more than 400 days to walk since ${opts.since}`, { venue: this.id });
        trades = await page(start, {});
      }
    }
    // Trade ids that are not integers (other exchanges) have no fromId paging: one page is what there is.
    while (trades.length && trades.every((t) => /^\d+$/.test(t.id))) {
      const last = Math.max(...trades.map((t) => Number(t.id)));
      trades = await page(undefined, { fromId: last + 1 });
    }
    for (const f of out.values()) this.stream.remember(f.tradeId);
    return [...out.values()].sort((a, b) => a.ts - b.ts || Number(a.tradeId) - Number(b.tradeId));
  }

  /** Our client id for a venue order id: remembered, or asked of the venue once (orders of an earlier run). */
  private async clientIdOfOrder(venueOrderId: string | null | undefined): Promise<string> {
    if (!venueOrderId) return "venue-unknown";
    const known = this.byVenueId.get(venueOrderId);
    if (known) return known;
    const o = this.order(await this.run(`fetchOrder #${venueOrderId}`, () => this.client.fetchOrder(venueOrderId, this.cfg.symbol)));
    return o.clientOrderId;
  }

  /** Checks an order against the grid before anything is sent; throws InvalidOrder. */
  private check(req: CreateOrderRequest): void {
    const m = this.rules;
    const bad = (why: string) => new InvalidOrder(`${req.clientOrderId}: ${why}`, { venue: this.id });
    if (this.sent.has(req.clientOrderId)) throw bad("client order id already used");
    if (!req.size.gt(0) || !req.size.div(m.lotSize).isInteger()) throw bad(`size ${req.size} is not a positive multiple of ${m.lotSize}`);
    if (req.size.lt(m.minSize)) throw bad(`size ${req.size} below the minimum ${m.minSize}`);
    if (req.reduceOnly && req.side === "buy") throw bad("a spot account holds no short to reduce: a reduce-only buy cannot exist");
    if (req.type === "market") return;
    if (!req.price) throw bad("a limit order needs a price");
    if (!req.price.div(m.tickSize).isInteger()) throw bad(`price ${req.price} is not on the tick ${m.tickSize}`);
    if (req.price.lt(m.minPrice) || req.price.gt(m.maxPrice)) throw bad(`price ${req.price} outside [${m.minPrice}, ${m.maxPrice}]`);
    if (req.price.mul(req.size).lt(m.minNotional)) throw bad(`value ${req.price.mul(req.size)} below the minimum ${m.minNotional}`);
  }

  async createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    this.calls.gate("createOrder");
    this.check(req);
    this.sent.set(req.clientOrderId, { type: req.type }); // recorded before the request leaves
    const params: Record<string, unknown> = { newClientOrderId: this.ids.wire(req.clientOrderId) };
    if (req.postOnly && req.type === "limit") params.postOnly = true; // Binance: type=LIMIT_MAKER
    try {
      const raw = await this.run(`createOrder ${req.clientOrderId}`, () =>
        // Strings, not numbers: the exact decimal reaches ccxt's precision formatting (on grid, it is unchanged).
        this.client.createOrder(this.cfg.symbol, req.type, req.side, req.size.toString() as unknown as number, req.type === "limit" ? (req.price!.toString() as unknown as number) : undefined, params),
      );
      return this.order(raw);
    } catch (err) {
      if (err instanceof NetworkError && !(err instanceof RateLimitExceeded)) return this.afterLostAnswer(req, err);
      throw err;
    }
  }

  /**
   * The answer to an order was lost (connection dropped, deadline passed): the venue may hold it. Never
   * re-sent: asked for by client id a few times; resolves with it when the venue knows it, else the
   * original NetworkError stands (outcome unknown; the desk reconciles later, and the id is never reused).
   */
  private async afterLostAnswer(req: CreateOrderRequest, err: NetworkError): Promise<VenueOrder> {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100 * (i + 1)).unref?.());
      try {
        const o = await this.fetchOrder(req.clientOrderId);
        this.cfg.log?.(`${req.clientOrderId}: the answer was lost but the venue holds the order (${o.status})`);
        return o;
      } catch (e) {
        if (!(e instanceof OrderNotFound) && !(e instanceof NetworkError)) break;
      }
    }
    throw err;
  }

  /** Binance has no batch order endpoint for spot: one request per leg, in parallel, a result per leg. */
  async createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]> {
    return Promise.all(reqs.map((r) => this.createOrder(r).catch((e: unknown) => mapError(e, `createOrder ${r.clientOrderId}`, this.id))));
  }

  /** A confirmed cancel; an order that already ended reports its final state (final, never retried). */
  async cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    try {
      const raw = await this.run(`cancelOrder ${clientOrderId}`, () => this.client.cancelOrder(undefined as unknown as string, this.cfg.symbol, { origClientOrderId: this.ids.wire(clientOrderId) }));
      return { ...this.order(raw), status: "cancelled" };
    } catch (err) {
      if (!(err instanceof OrderNotFound)) throw err;
      // -2011: not open. Either it never existed (OrderNotFound stands) or it ended: its final state.
      return this.fetchOrder(clientOrderId);
    }
  }

  async cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]> {
    return Promise.all(clientOrderIds.map((id) => this.cancelOrder(id).catch((e: unknown) => mapError(e, `cancel ${id}`, this.id))));
  }

  async cancelAllOrders(): Promise<VenueOrder[]> {
    const open = await this.fetchOpenOrders();
    if (!open.length) return [];
    const raw = await this.run("cancelAllOrders", () => this.client.cancelAllOrders(this.cfg.symbol));
    const done = new Map(raw.map((o) => this.order(o)).map((o) => [o.clientOrderId, o]));
    return Promise.all(open.map(async (o) => (done.has(o.clientOrderId) ? { ...done.get(o.clientOrderId)!, status: "cancelled" as const } : this.fetchOrder(o.clientOrderId))));
  }

  watchOrders(listener: (order: VenueOrder) => void): () => void {
    this.stream.orderListeners.add(listener);
    return () => this.stream.orderListeners.delete(listener);
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

  /** Arms (or refreshes) the dead-man: the exchange's countdown, or a heartbeat to our watchdog process. */
  async armDeadman(ms: number): Promise<void> {
    if (!(ms >= 200)) throw new InvalidOrder(`dead-man: ${ms} ms is too short to refresh in time`, { venue: this.id });
    await this.deadman.arm(ms);
  }

  async disarmDeadman(): Promise<void> {
    await this.deadman.disarm();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.deadman.stop().catch((err) => this.cfg.log?.(`dead-man stop failed: ${err instanceof Error ? err.message : String(err)}`));
    this.stream.close();
    await this.client.close().catch(() => {});
  }
}
