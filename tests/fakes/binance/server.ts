// A wire-level fake Binance spot on 127.0.0.1: the REST API under /api/v3 (signed requests checked with
// node:crypto, sign.ts), the market streams under /ws/… (diff depth "depthUpdate" with update ids, as
// ccxt.pro syncs them against GET /api/v3/depth), the WebSocket API at /ws-api/v3 (the user data stream
// by `userDataStream.subscribe.signature`, which ccxt 4.5.84 uses for spot) and the older listenKey
// stream (POST /api/v3/userDataStream, then /ws/<listenKey>). `faults` scripts the venue's misbehaviour.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { BinanceError, Engine, type EngineOptions, type SymbolSpec } from "./engine";
import { exchangeInfo, handleSigned } from "./rest";
import { authenticate, authenticateWsParams, type ApiKey } from "./sign";
import { DepthFeed, executionReport } from "./streams";

/** Test credentials: they open nothing real. */
export const TEST_API_KEY = "skewdesk-fake-binance-key-0000000000000000000000000000000000000000";
export const TEST_API_SECRET = "skewdesk-fake-binance-secret-000000000000000000000000000000000000";

export const DEFAULT_SYMBOLS: SymbolSpec[] = [
  { symbol: "ETHUSDT", base: "ETH", quote: "USDT", tickSize: "0.01", stepSize: "0.0001", minQty: "0.0001", minPrice: "0.01", maxPrice: "1000000", minNotional: "5", mark: "2000" },
  { symbol: "BTCUSDT", base: "BTC", quote: "USDT", tickSize: "0.01", stepSize: "0.00001", minQty: "0.00001", minPrice: "0.01", maxPrice: "1000000", minNotional: "5", mark: "60000" },
  { symbol: "LTCUSDT", base: "LTC", quote: "USDT", tickSize: "0.01", stepSize: "0.001", minQty: "0.001", minPrice: "0.01", maxPrice: "100000", minNotional: "5", mark: "55" },
  { symbol: "SOLUSDT", base: "SOL", quote: "USDT", tickSize: "0.01", stepSize: "0.001", minQty: "0.001", minPrice: "0.01", maxPrice: "100000", minNotional: "5", mark: "240" },
];

export interface FakeOptions extends Partial<Omit<EngineOptions, "now">> {
  port?: number;
  /** How often the depth stream sends an update (it restates the touch even when nothing changed). */
  depthEveryMs?: number;
  /** The test account's starting assets (default 100000 USDT, 10 ETH, 1 BTC, 100 LTC, 100 SOL). */
  balances?: Record<string, string>;
  now?: () => number;
}

interface Rule {
  route: string;
  count: number;
  match?: (params: URLSearchParams) => boolean;
}

/** The scripting handle: each method arms one misbehaviour; `clear()` disarms them all. */
export class Faults {
  rateLimited: (Rule & { retryAfterS: number })[] = [];
  lost: Rule[] = [];
  delays: (Rule & { ms: number })[] = [];
  refuseWebSockets = false;
  readonly stalled = new Set<unknown>();
  /** Answer matching requests ("POST /api/v3/order") with HTTP 429 and Retry-After. */
  rateLimit(route: string, count = 1, retryAfterS = 1, match?: Rule["match"]): void {
    this.rateLimited.push({ route, count, retryAfterS, match });
  }
  /** Execute the request (the venue accepts it), then drop the connection without an answer. */
  loseResponse(route: string, count = 1, match?: Rule["match"]): void {
    this.lost.push({ route, count, match });
  }
  delay(route: string, ms: number, count = 1, match?: Rule["match"]): void {
    this.delays.push({ route, ms, count, match });
  }
  clear(): void {
    this.rateLimited = [];
    this.lost = [];
    this.delays = [];
    this.stalled.clear();
    this.refuseWebSockets = false;
  }
  take<T extends Rule>(rules: T[], route: string, params: URLSearchParams): T | undefined {
    const r = rules.find((x) => x.route === route && x.count > 0 && (!x.match || x.match(params)));
    if (r) r.count--;
    return r;
  }
}

export interface FakeBinance {
  url: string;
  wsUrl: string;
  port: number;
  engine: Engine;
  faults: Faults;
  user: string;
  /** Every REST request: route, its parameters as sent (signature included), the HTTP status answered (0 = lost). */
  requests: { route: string; params: URLSearchParams; status: number }[];
  dropWebSockets(): void;
  stallWebSockets(): void;
  connections(): number;
  close(): Promise<void>;
}

export async function startFakeBinance(opts: FakeOptions = {}): Promise<FakeBinance> {
  const now = opts.now ?? Date.now;
  const engine = new Engine({
    symbols: (opts.symbols ?? DEFAULT_SYMBOLS).map((s) => ({ ...s })),
    makerFeeRate: opts.makerFeeRate ?? "0.00075",
    takerFeeRate: opts.takerFeeRate ?? "0.001",
    houseLevels: opts.houseLevels ?? 20,
    houseSize: opts.houseSize ?? "2.5",
    houseHalfSpreadTicks: opts.houseHalfSpreadTicks ?? 5,
    now,
  });
  const user = "account-1";
  for (const [asset, amount] of Object.entries(opts.balances ?? { USDT: "100000", ETH: "10", BTC: "1", LTC: "100", SOL: "100" })) engine.deposit(user, asset, amount);
  const keys = new Map<string, ApiKey>([[TEST_API_KEY, { key: TEST_API_KEY, secret: TEST_API_SECRET, user }]]);
  const faults = new Faults();
  const requests: FakeBinance["requests"] = [];
  const listenKeys = new Map<string, string>();
  /** User-stream sockets: the WebSocket API subscription (with its id) or a listenKey stream. */
  const userSockets = new Map<WebSocket, { user: string; subscriptionId?: number }>();
  let nextSubscription = 0;

  const send = (ws: WebSocket, msg: unknown) => {
    if (!faults.stalled.has(ws) && ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const depth = new DepthFeed(engine, now, send);
  engine.onEvent = (u, e) => {
    for (const [ws, s] of userSockets) {
      if (s.user !== u) continue;
      const report = executionReport(e, now());
      send(ws, s.subscriptionId === undefined ? report : { subscriptionId: s.subscriptionId, event: report });
    }
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let s = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (s += c));
      req.on("end", () => resolve(s));
      req.on("error", reject);
    });

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const route = `${method} ${u.pathname}`;
    const query = u.search.slice(1);
    const body = await readBody(req);
    const params = new URLSearchParams(query && body ? `${query}&${body}` : query || body);
    const reply = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      requests.push({ route, params, status });
      res.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers });
      res.end(JSON.stringify(value));
    };
    const rl = faults.take(faults.rateLimited, route, params);
    if (rl) return reply(429, { code: -1003, msg: `Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.` }, { "retry-after": String(rl.retryAfterS) });
    const delay = faults.take(faults.delays, route, params);
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    const lose = faults.take(faults.lost, route, params);
    let answer: unknown;
    try {
      if (route === "GET /api/v3/ping") answer = {};
      else if (route === "GET /api/v3/time") answer = { serverTime: now() };
      else if (route === "GET /api/v3/exchangeInfo") answer = exchangeInfo(engine, now());
      else if (route === "GET /api/v3/depth") answer = depth.snapshot(params.get("symbol") ?? "", Number(params.get("limit") ?? 100));
      else if (u.pathname === "/api/v3/userDataStream") {
        const k = keys.get(String(req.headers["x-mbx-apikey"] ?? ""));
        if (!k) throw new BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401);
        if (method === "POST") {
          const listenKey = randomBytes(30).toString("base64url");
          listenKeys.set(listenKey, k.user);
          answer = { listenKey };
        } else answer = {};
      } else {
        const auth = authenticate(keys, req.headers["x-mbx-apikey"] as string | undefined, query, body, now());
        answer = handleSigned(engine, auth.user, method, u.pathname, auth.params, now());
      }
    } catch (e) {
      if (e instanceof BinanceError) return reply(e.status, { code: e.code, msg: e.message });
      return reply(500, { code: -1000, msg: String(e) });
    }
    if (lose) {
      // Accepted and executed, but the answer never arrives: the client sees the connection drop.
      requests.push({ route, params, status: 0 });
      req.socket.destroy();
      return;
    }
    reply(200, answer);
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (faults.refuseWebSockets || !(path.startsWith("/ws/") || path === "/ws" || path === "/ws-api/v3")) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, path));
  });
  wss.on("connection", (ws: WebSocket, path: string) => {
    const listenUser = listenKeys.get(path.slice("/ws/".length));
    if (listenUser) userSockets.set(ws, { user: listenUser });
    ws.on("message", (raw) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return send(ws, { code: 3, msg: "Invalid JSON: expected value at line 1 column 1" });
      }
      if (path === "/ws-api/v3") {
        const p = (msg.params ?? {}) as Record<string, unknown>;
        try {
          if (msg.method === "ping") return send(ws, { id: msg.id, status: 200, result: {} });
          if (msg.method === "userDataStream.subscribe.signature") {
            const owner = authenticateWsParams(keys, p, now());
            const subscriptionId = nextSubscription++;
            userSockets.set(ws, { user: owner, subscriptionId });
            return send(ws, { id: msg.id, status: 200, result: { subscriptionId } });
          }
          throw new BinanceError(-1000, `Unknown method ${String(msg.method)}`);
        } catch (e) {
          const err = e instanceof BinanceError ? e : new BinanceError(-1000, String(e));
          return send(ws, { id: msg.id, status: err.status, error: { code: err.code, msg: err.message } });
        }
      }
      if (msg.method === "SUBSCRIBE" && Array.isArray(msg.params)) {
        for (const s of msg.params as string[]) depth.subscribe(ws, s);
        return send(ws, { result: null, id: msg.id });
      }
      if (msg.method === "UNSUBSCRIBE" && Array.isArray(msg.params)) {
        for (const s of msg.params as string[]) depth.unsubscribe(ws, s);
        return send(ws, { result: null, id: msg.id });
      }
      send(ws, { code: 2, msg: "Invalid request: unknown variant", id: msg.id ?? null });
    });
    ws.on("close", () => {
      faults.stalled.delete(ws);
      userSockets.delete(ws);
      depth.drop(ws);
    });
  });

  const depthTimer = setInterval(() => depth.tick(), opts.depthEveryMs ?? 100);
  depthTimer.unref();

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    engine,
    faults,
    user,
    requests,
    dropWebSockets() {
      for (const ws of wss.clients) ws.terminate();
    },
    stallWebSockets() {
      for (const ws of wss.clients) faults.stalled.add(ws);
    },
    connections: () => wss.clients.size,
    async close() {
      clearInterval(depthTimer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
