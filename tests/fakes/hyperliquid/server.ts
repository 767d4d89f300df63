// A wire-level fake Hyperliquid on 127.0.0.1: POST /info, POST /exchange and the WebSocket at /ws, in the
// venue's JSON shapes, with every signed action checked independently of ccxt (verify.ts). `faults` is the
// scripting handle tests use to make the venue misbehave the ways the real one does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { privateKeyToAccount } from "viem/accounts";
import { Engine, type EngineOptions, type Order, type RawFill } from "./engine";
import { ExchangeActions, type ExchangeBody } from "./exchange-actions";
import { InfoError, handleInfo, l2Book, orderUpdate } from "./info";

/** A well-known test key (the first Hardhat account). Never holds anything real. */
export const TEST_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface FakeOptions extends Partial<Omit<EngineOptions, "now">> {
  port?: number;
  network?: "mainnet" | "testnet";
  /** How often each l2Book subscriber gets a snapshot even when nothing changed (the venue's block cadence). */
  bookEveryMs?: number;
  /** Users to create, with their USDC deposit and the agent keys allowed to trade for them. */
  users?: { privateKey: string; usd: string; agents?: string[] }[];
  now?: () => number;
}

type Route = "info" | "exchange";
interface Rule {
  route: Route;
  match?: (body: Record<string, unknown>) => boolean;
  count: number;
}

/** The scripting handle: each method arms one misbehaviour; `clear()` disarms them all. */
export class Faults {
  rateLimited: Rule[] = [];
  lost: Rule[] = [];
  delays: (Rule & { ms: number })[] = [];
  /** While true, WebSocket upgrades are refused (the venue's stream endpoint is down). */
  refuseWebSockets = false;
  /** Sockets that stay open but get nothing more (a silently stalled stream). */
  readonly stalled = new Set<unknown>();
  /** Answer every request with HTTP 429 (`count` times) when it matches. */
  rateLimit(route: Route, count = 1, match?: Rule["match"]): void {
    this.rateLimited.push({ route, count, match });
  }
  /** Process the request (the venue accepts it) and then drop the connection without an answer. */
  loseResponse(route: Route, count = 1, match?: Rule["match"]): void {
    this.lost.push({ route, count, match });
  }
  /** Hold matching requests `ms` before processing them. */
  delay(route: Route, ms: number, count = 1, match?: Rule["match"]): void {
    this.delays.push({ route, ms, count, match });
  }
  clear(): void {
    this.rateLimited = [];
    this.lost = [];
    this.delays = [];
    this.stalled.clear();
    this.refuseWebSockets = false;
  }
  take<T extends Rule>(rules: T[], route: Route, body: Record<string, unknown>): T | undefined {
    const r = rules.find((x) => x.route === route && x.count > 0 && (!x.match || x.match(body)));
    if (r) r.count--;
    return r;
  }
}

interface Sub {
  ws: WebSocket;
  subscription: Record<string, unknown>;
}

export interface FakeHyperliquid {
  url: string;
  wsUrl: string;
  port: number;
  engine: Engine;
  exchange: ExchangeActions;
  faults: Faults;
  /** Addresses of the configured users, in order (lower-case). */
  users: string[];
  /** Every request received, for tests that check what the client sent. */
  requests: { route: Route; body: Record<string, unknown>; status: number }[];
  /** Close every WebSocket abruptly (code 1006 on the client). */
  dropWebSockets(): void;
  /** Stop sending anything on the WebSockets open now (pongs included) while keeping them open. New ones work. */
  stallWebSockets(): void;
  /** Number of open WebSocket connections. */
  connections(): number;
  /** The dead-man fires now for `user`, if armed. */
  fireDeadman(user: string): void;
  close(): Promise<void>;
}

export const DEFAULT_COINS = [
  { name: "BTC", szDecimals: 5, mark: "60000", maxLeverage: 40 },
  { name: "ETH", szDecimals: 4, mark: "2000", maxLeverage: 25 },
];

export async function startFakeHyperliquid(opts: FakeOptions = {}): Promise<FakeHyperliquid> {
  const now = opts.now ?? Date.now;
  const engine = new Engine({
    coins: (opts.coins ?? DEFAULT_COINS).map((c) => ({ ...c })),
    makerFeeRate: opts.makerFeeRate ?? "0.00015",
    takerFeeRate: opts.takerFeeRate ?? "0.00045",
    houseLevels: opts.houseLevels ?? 20,
    houseSize: opts.houseSize ?? "2.5",
    houseHalfSpreadTicks: opts.houseHalfSpreadTicks ?? 5,
    now,
  });
  const exchange = new ExchangeActions(engine, (opts.network ?? "mainnet") === "mainnet", now);
  const users: string[] = [];
  for (const u of opts.users ?? [{ privateKey: TEST_PRIVATE_KEY, usd: "100000" }]) {
    const addr = privateKeyToAccount(u.privateKey as `0x${string}`).address.toLowerCase();
    users.push(addr);
    engine.deposit(addr, u.usd);
    exchange.authorize(addr, addr);
    for (const a of u.agents ?? []) exchange.authorize(privateKeyToAccount(a as `0x${string}`).address, addr);
  }
  const faults = new Faults();
  const requests: FakeHyperliquid["requests"] = [];
  const subs = new Set<Sub>();

  const send = (ws: WebSocket, msg: unknown) => {
    if (!faults.stalled.has(ws) && ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const pushBook = (coin: string) => {
    for (const s of subs) if (s.subscription.type === "l2Book" && s.subscription.coin === coin) send(s.ws, { channel: "l2Book", data: l2Book(engine, coin, now()) });
  };
  const pendingBooks = new Set<string>();
  engine.onBook = (coin) => {
    if (pendingBooks.size === 0) setImmediate(() => {
      for (const c of pendingBooks) pushBook(c);
      pendingBooks.clear();
    });
    pendingBooks.add(coin);
  };
  engine.onFills = (user: string, fills: RawFill[]) => {
    for (const s of subs) if (s.subscription.type === "userFills" && String(s.subscription.user).toLowerCase() === user) send(s.ws, { channel: "userFills", data: { user, fills } });
  };
  engine.onOrders = (user: string, orders: Order[]) => {
    for (const s of subs) if (s.subscription.type === "orderUpdates" && String(s.subscription.user).toLowerCase() === user) send(s.ws, { channel: "orderUpdates", data: orders.map(orderUpdate) });
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
    const route: Route | null = req.url === "/info" ? "info" : req.url === "/exchange" ? "exchange" : null;
    const reply = (status: number, value: unknown, body: Record<string, unknown> = {}) => {
      if (route) requests.push({ route, body, status });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof value === "string" ? value : JSON.stringify(value));
    };
    if (req.method !== "POST" || !route) return reply(404, "Not Found");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return reply(422, "Failed to deserialize the JSON body into the target type");
    }
    exchange.checkDeadman();
    if (faults.take(faults.rateLimited, route, body)) return reply(429, "null", body);
    const delay = faults.take(faults.delays, route, body);
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    const lose = faults.take(faults.lost, route, body);
    let answer: unknown;
    try {
      answer = route === "info" ? handleInfo(engine, body, now(), exchange.agents) : await exchange.handle(body as unknown as ExchangeBody);
    } catch (e) {
      if (e instanceof InfoError) return reply(422, e.message, body);
      return reply(500, String(e), body);
    }
    if (lose) {
      // Accepted and executed, but the answer never arrives: the client sees the connection drop.
      requests.push({ route, body, status: 0 });
      req.socket.destroy();
      return;
    }
    reply(200, answer, body);
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (req.url !== "/ws" || faults.refuseWebSockets) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  wss.on("connection", (ws: WebSocket) => {
    ws.on("message", (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(raw)) as Record<string, unknown>;
      } catch {
        return send(ws, { channel: "error", data: `Invalid message: ${String(raw)}` });
      }
      if (msg.method === "ping") return send(ws, { channel: "pong" });
      const subscription = (msg.subscription ?? {}) as Record<string, unknown>;
      if (msg.method === "subscribe") {
        for (const s of subs) if (s.ws === ws && JSON.stringify(s.subscription) === JSON.stringify(subscription)) return send(ws, { channel: "error", data: `Already subscribed: ${JSON.stringify(subscription)}` });
        subs.add({ ws, subscription });
        send(ws, { channel: "subscriptionResponse", data: { method: "subscribe", subscription } });
        const user = String(subscription.user ?? "").toLowerCase();
        if (subscription.type === "l2Book") send(ws, { channel: "l2Book", data: l2Book(engine, String(subscription.coin), now()) });
        // The venue re-sends recent fills on every (re)subscribe, flagged isSnapshot: clients must dedupe.
        if (subscription.type === "userFills") send(ws, { channel: "userFills", data: { isSnapshot: true, user, fills: engine.fills(user).slice(-2000) } });
        return;
      }
      if (msg.method === "unsubscribe") {
        for (const s of subs) if (s.ws === ws && JSON.stringify(s.subscription) === JSON.stringify(subscription)) subs.delete(s);
        return send(ws, { channel: "subscriptionResponse", data: { method: "unsubscribe", subscription } });
      }
      send(ws, { channel: "error", data: `Unknown method: ${String(msg.method)}` });
    });
    ws.on("close", () => {
      faults.stalled.delete(ws);
      for (const s of subs) if (s.ws === ws) subs.delete(s);
    });
  });

  const bookTimer = setInterval(() => {
    exchange.checkDeadman();
    const coins = new Set([...subs].filter((s) => s.subscription.type === "l2Book").map((s) => String(s.subscription.coin)));
    for (const c of coins) pushBook(c);
  }, opts.bookEveryMs ?? 500);
  bookTimer.unref();

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    engine,
    exchange,
    faults,
    users,
    requests,
    dropWebSockets() {
      for (const ws of wss.clients) ws.terminate();
    },
    stallWebSockets() {
      for (const ws of wss.clients) faults.stalled.add(ws);
    },
    connections: () => wss.clients.size,
    fireDeadman: (user: string) => exchange.checkDeadman(user.toLowerCase()),
    async close() {
      clearInterval(bookTimer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
