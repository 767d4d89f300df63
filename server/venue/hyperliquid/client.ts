// The thin ccxt subclass: ccxt signs, nonces and transports; this class removes what must never happen on
// a user's account and hands raw venue messages to the adapter without ccxt's float parsing.
//
// - No fees the user did not choose: ccxt's initializeClient() signs approveBuilderFee (its builder, 0.01 %)
//   and setReferrer "CCXT1", and then attaches builder:{b, f} to every order (even with builderFee=false).
//   Overriding initializeClient (and the two helpers, in case another path calls them) sends none of it.
// - Per-leg results: ccxt's handleErrors throws for a whole batch when one leg failed, leaving the other
//   legs resting with their ids lost (an orphan). Here an "ok" answer is always returned for the adapter to
//   read leg by leg; a whole-request "err" still throws.
// - WebSocket data goes to listeners synchronously as it arrives (no message lost between two awaits).
// - Signed actions leave on a short path (signer.ts, sender.ts): ccxt's nonce, ccxt's msgpack bytes (msgpack.ts
//   writes the same), ccxt's request budget, but no generic signing and fetch pipeline between a book and the wire.
import { pro } from "ccxt";
import { ExchangeSender } from "./sender";
import { L1Signer } from "./signer";

export interface ClientConfig {
  walletAddress: string;
  privateKey: string;
  /** REST base, e.g. https://api.hyperliquid.xyz or a local fake. */
  restUrl: string;
  wsUrl: string;
  /** Testnet signs with source "b" (ccxt's sandboxMode option), mainnet with "a". */
  testnet: boolean;
  timeoutMs: number;
  /** ccxt's spacing of REST requests (its token bucket); default 50 ms = the venue's 1200 per minute. */
  rateLimitMs?: number;
}

export interface RawHooks {
  onBook?: (data: unknown) => void;
  onFills?: (data: unknown) => void;
  onOrders?: (data: unknown) => void;
  /** Any WebSocket message (liveness). */
  onMessage?: () => void;
  /** A REST request leaves for the venue (after ccxt's throttle, as it is handed to the HTTP client). */
  onRequest?: (url: string, body: unknown) => void;
}

/** ccxt 4.5.84's rolling-window throttler, as far as takeBudget reads and writes it. */
interface RollingWindow {
  timestamps: { timestamp: number; cost: number }[];
  totalCost: number;
  running: boolean;
  queue: unknown[];
  queueHead: number;
  config: { algorithm: string; maxWeight: number; windowSize: number };
}

type WsClient = { resolve(v: unknown, hash: string): void; reset(e: unknown): void; close(): void; url: string };

export class HyperliquidClient extends pro.hyperliquid {
  hooks: RawHooks = {};
  readonly signer: L1Signer;
  readonly sender: ExchangeSender;

  constructor(cfg: ClientConfig) {
    super({
      walletAddress: cfg.walletAddress,
      privateKey: cfg.privateKey,
      timeout: cfg.timeoutMs,
      enableRateLimit: true,
      rateLimit: cfg.rateLimitMs ?? 50,
      // ccxt's default for Hyperliquid is a leaky bucket that credits no idle time: every request after
      // another waits rateLimit × its weight (a re-quote's cancel 50 ms). The venue's rule is a budget of
      // 1200 weight a minute (60 000 / rateLimit): a rolling window says exactly that and lets a burst out.
      rollingWindowSize: 60_000,
      rateLimiterAlgorithm: "rollingWindow",
      options: {
        // Perpetuals only: no spot or builder-deployed (hip3) market calls at start.
        fetchMarkets: { types: ["swap"] },
        builderFee: false,
        approvedBuilderFee: false,
        refSet: true,
        enableUnifiedMargin: false,
        sandboxMode: cfg.testnet,
      },
    });
    const urls = this.urls as Record<string, unknown> & { api: Record<string, unknown> };
    urls.api = { ...urls.api, public: cfg.restUrl, private: cfg.restUrl, ws: { public: cfg.wsUrl } };
    this.signer = new L1Signer(cfg.privateKey, cfg.testnet);
    this.sender = new ExchangeSender(cfg.restUrl, cfg.timeoutMs);
  }

  override async close(): Promise<void> {
    this.signer.close();
    await this.sender.close().catch(() => {});
    await super.close();
  }

  // ccxt 4.5.84 sends a throttled subscription with `throttle().then(() => client.send(m))` and no catch:
  // a socket that closes before the send becomes an unhandled rejection, which ends a Node process.
  // Our three subscriptions need no throttle; without one, ccxt takes the path that catches.
  override client(url: string): ReturnType<InstanceType<typeof pro.hyperliquid>["client"]> {
    const c = super.client(url);
    (c as unknown as { throttle: unknown }).throttle = undefined;
    return c;
  }

  override async initializeClient(): Promise<boolean> {
    return true;
  }
  override async handleBuilderFeeApproval(): Promise<boolean> {
    return true;
  }
  override async setRef(): Promise<undefined> {
    return undefined;
  }
  override async approveBuilderFee(): Promise<never> {
    throw new Error("approveBuilderFee is never sent: Skewdesk's users pay no fee they did not choose");
  }

  override handleErrors(code: number, reason: string, url: string, method: string, headers: unknown, body: string, response: unknown, requestHeaders: unknown, requestBody: unknown): undefined {
    const r = response as { status?: unknown } | null;
    if (r && typeof r === "object" && r.status === "ok") return undefined;
    return super.handleErrors(code, reason, url, method, headers as never, body, response as never, requestHeaders, requestBody) as undefined;
  }

  override fetch(url: string, method?: string, headers?: unknown, body?: unknown): Promise<unknown> {
    this.hooks.onRequest?.(url, body);
    return super.fetch(url, method, headers, body) as Promise<unknown>;
  }

  override handleMessage(client: never, message: unknown): void {
    this.hooks.onMessage?.();
    super.handleMessage(client, message as never);
  }
  override handleOrderBook(client: WsClient, message: { data?: { coin?: string } }): void {
    this.hooks.onBook?.(message.data);
    client.resolve(true, `raw:l2Book:${message.data?.coin ?? ""}`);
  }
  override handleMyTrades(client: WsClient, message: { data?: unknown }): void {
    this.hooks.onFills?.(message.data);
    client.resolve(true, "raw:userFills");
  }
  override handleOrder(client: WsClient, message: { data?: unknown }): void {
    this.hooks.onOrders?.(message.data);
    client.resolve(true, "raw:orderUpdates");
  }

  /** Subscribes (once per connection) and resolves at the next message of that channel; rejects when the connection fails. */
  watchRaw(kind: "l2Book" | "userFills" | "orderUpdates", coin?: string): Promise<unknown> {
    const url = this.wsUrl();
    const subscription = kind === "l2Book" ? { type: "l2Book", coin } : { type: kind, user: this.walletAddress };
    const hash = kind === "l2Book" ? `raw:l2Book:${coin}` : `raw:${kind}`;
    return this.watch(url, hash, { method: "subscribe", subscription }, `sub:${hash}`) as Promise<unknown>;
  }

  private wsUrl(): string {
    return (this.urls as unknown as { api: { ws: { public: string } } }).api.ws.public;
  }

  /** Drops the WebSocket (a stalled stream): pending watches reject and the next watch reconnects. */
  dropStream(why: Error): void {
    const url = this.wsUrl();
    const client = (this.clients as Record<string, WsClient | undefined>)[url];
    if (!client) return;
    delete (this.clients as Record<string, unknown>)[url];
    client.reset(why);
    client.close();
  }

  /** The (lower-case) address of the signing key. */
  signerAddress(): string {
    return String(this.ethGetAddressFromPrivateKey(this.privateKey)).toLowerCase();
  }

  /** POST /info with a raw JSON answer. */
  info(body: Record<string, unknown>): Promise<unknown> {
    return this.publicPostInfo(body) as Promise<unknown>;
  }

  /**
   * Signs an L1 action with ccxt's nonce and posts it to /exchange; the raw answer. Within ccxt's request
   * budget: while the budget lasts (the usual case) the action is signed and written to the socket before
   * this returns (sender.ts), so when one book causes two actions the first is on the wire before the
   * second is signed; otherwise it waits in ccxt's throttle like any request.
   */
  signAndSend(action: Record<string, unknown>): Promise<unknown> {
    if (this.takeBudget(1)) return this.sendNow(action);
    return (this.throttle(1) as Promise<unknown>).then(() => this.sendNow(action));
  }

  /**
   * ccxt's incrementingNonce (the millisecond, or one past the last nonce when two actions share one), kept
   * in the same option (nonce-floor.ts reads it), without its generic option readers on the way to the wire.
   */
  private nextNonce(): number {
    const options = this.options as { lastNonce?: unknown };
    const now = Date.now();
    const last = typeof options.lastNonce === "number" ? options.lastNonce : Number(this.safeInteger(options, "lastNonce", 0));
    const nonce = now > last ? now : last + 1;
    options.lastNonce = nonce;
    return nonce;
  }

  private sendNow(action: Record<string, unknown>): Promise<unknown> {
    const nonce = this.nextNonce();
    const signature = this.signer.sign(action, nonce);
    this.hooks.onRequest?.(this.sender.href, action);
    return this.sender.post(JSON.stringify({ action, nonce, signature }));
  }

  /**
   * Takes `cost` from ccxt's rolling-window budget (the one its own requests use) at once when it has room
   * and nothing waits in its queue; false otherwise (or if ccxt's throttler is not the one this was written
   * against, 4.5.84's: then every action takes ccxt's ordinary asynchronous path).
   */
  private takeBudget(cost: number): boolean {
    const t = (this as unknown as { throttler?: Partial<RollingWindow> }).throttler;
    if (!t || !Array.isArray(t.timestamps) || typeof t.totalCost !== "number" || !t.config || typeof t.config.maxWeight !== "number" || t.config.algorithm !== "rollingWindow") return false;
    if (t.running || (t.queue && t.queue.length > (t.queueHead ?? 0))) return false;
    const now = Date.now();
    const cut = now - t.config.windowSize;
    let expired = 0;
    while (expired < t.timestamps.length && t.timestamps[expired]!.timestamp <= cut) t.totalCost -= t.timestamps[expired++]!.cost;
    if (expired) t.timestamps.splice(0, expired);
    if (!t.timestamps.length) t.totalCost = 0;
    if (t.totalCost + cost > t.config.maxWeight) return false;
    t.timestamps.push({ timestamp: now, cost });
    t.totalCost += cost;
    return true;
  }
}
