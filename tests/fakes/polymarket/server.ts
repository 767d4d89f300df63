// A wire-level fake Polymarket CLOB V2 on 127.0.0.1: the REST routes the adapter uses and the market and
// user WebSocket channels, in the venue's JSON shapes and error shapes ({error} with an HTTP status), with
// L1 (ClobAuth), L2 (HMAC) and the V2 order signature checked independently of the client (verify.ts).
// Heartbeats are a real dead-man: no heartbeat for `deadmanMs` and the account's orders are cancelled.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { WebSocketServer, type WebSocket } from "ws";
import { Engine, type WSide } from "./engine";
import { Faults } from "./faults";
import { l2SignatureValid, recoverClobAuth, recoverOrderSigner, v2OrderHash, type WireOrderV2 } from "./verify";

/** A well-known test key (the first Hardhat account). Never holds anything real. */
export const TEST_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const CONDITION_ID = `0x${"c0".repeat(32)}`;
export const YES_TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
export const NO_TOKEN = "52114319501245915516055106046884209969926127482827954674443846427813813222426";

export interface FakeOptions {
  port?: number;
  chainId?: number;
  /** No heartbeat for this long after the first one: all the account's orders are cancelled (10 s on the venue). */
  deadmanMs?: number;
  /** Page size of /data/orders and /data/trades (the venue's is larger; small pages exercise the cursor). */
  pageSize?: number;
  /** Addresses whose orders are refused with the venue's "deposit wallet flow" message. */
  makersNotAllowed?: string[];
  settleMs?: number;
  /** Shares of each token the test account starts with (default 1000). */
  startShares?: number;
}

interface Creds { key: string; secret: string; passphrase: string; address: string }

export interface FakePolymarket {
  url: string;
  wsUrl: string;
  port: number;
  engine: Engine;
  faults: Faults;
  /** API keys created, by key. */
  creds: Map<string, Creds>;
  /** Requests by route, and requests refused for a bad signature or auth. */
  counts: Map<string, number>;
  authFailures: string[];
  heartbeatsMissed: number;
  /** Drops every WebSocket (they may reconnect). */
  dropSockets(path?: "/ws/market" | "/ws/user"): void;
  /** Current sockets stop getting anything (not even PONG) until they reconnect. */
  stallSockets(path?: "/ws/market" | "/ws/user"): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};
const END = "LTE=";
const cursorOf = (n: number) => Buffer.from(String(n)).toString("base64");
const offsetOf = (c: string | null) => (c ? Number(Buffer.from(c, "base64").toString()) || 0 : 0);

export async function startFakePolymarket(opts: FakeOptions = {}): Promise<FakePolymarket> {
  const chainId = opts.chainId ?? 137;
  const engine = new Engine();
  engine.settleMs = opts.settleMs ?? 20;
  engine.startShares = BigInt(opts.startShares ?? 1_000);
  engine.addToken({ tokenId: YES_TOKEN, conditionId: CONDITION_ID, outcome: "Yes", tick: new Decimal("0.01"), minSize: new Decimal(5), negRisk: false, mid: new Decimal("0.50") });
  engine.addToken({ tokenId: NO_TOKEN, conditionId: CONDITION_ID, outcome: "No", tick: new Decimal("0.01"), minSize: new Decimal(5), negRisk: false, mid: new Decimal("0.50") });
  const faults = new Faults();
  const creds = new Map<string, Creds>();
  const counts = new Map<string, number>();
  const authFailures: string[] = [];
  const notAllowed = new Set((opts.makersNotAllowed ?? []).map((a) => a.toLowerCase()));
  const beats = new Map<string, { id: string | null; at: number }>();
  let nextFree = 0;
  let heartbeatsMissed = 0;

  const deadman = setInterval(() => {
    for (const [key, b] of beats) {
      if (b.id !== null && Date.now() - b.at > (opts.deadmanMs ?? 10_000)) {
        b.id = null; // the chain is broken: the old id is refused from now on
        heartbeatsMissed++;
        engine.cancelAll(key);
      }
    }
  }, 50);

  const l1 = async (req: IncomingMessage): Promise<string | null> => {
    const h = (n: string) => String(req.headers[n.toLowerCase()] ?? "");
    const address = h("POLY_ADDRESS").toLowerCase();
    const ts = h("POLY_TIMESTAMP");
    if (!address || !/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return null;
    const signer = await recoverClobAuth(chainId, h("POLY_ADDRESS"), ts, h("POLY_NONCE") || "0", h("POLY_SIGNATURE"));
    return signer === address ? address : null;
  };

  const credsFor = (address: string, nonce: string): Creds => {
    const d = createHash("sha256").update(`${address}:${nonce}`).digest();
    const hex = d.toString("hex");
    return { key: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`, secret: d.toString("base64url") + "=", passphrase: hex.slice(32, 64), address };
  };

  const l2 = (req: IncomingMessage, path: string, body: string): Creds | null => {
    const h = (n: string) => String(req.headers[n.toLowerCase()] ?? "");
    const c = creds.get(h("POLY_API_KEY"));
    const ts = h("POLY_TIMESTAMP");
    if (!c || c.passphrase !== h("POLY_PASSPHRASE") || c.address !== h("POLY_ADDRESS").toLowerCase()) return null;
    if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 30) return null;
    return l2SignatureValid(c.secret, ts, req.method!, path, body, h("POLY_SIGNATURE")) ? c : null;
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const method = req.method!;
    const path = url.pathname;
    const q = (k: string) => url.searchParams.get(k);
    let body: unknown = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        return json(res, 400, { error: "Invalid payload" });
      }
    }
    if (method === "GET" && (path === "/ok" || path === "/")) return json(res, 200, "OK");
    if (method === "GET" && path === "/time") return json(res, 200, Math.floor(Date.now() / 1000));
    if (method === "GET" && path === "/version") return json(res, 200, { version: 2 });
    if (method === "GET" && (path === "/book" || path === "/tick-size" || path === "/neg-risk")) {
      const t = engine.tokens.get(q("token_id") ?? "");
      if (!t) return json(res, q("token_id") ? 404 : 400, { error: q("token_id") ? "No orderbook exists for the requested token id" : "Invalid token id" });
      if (path === "/tick-size") return json(res, 200, { minimum_tick_size: Number(t.tick) });
      if (path === "/neg-risk") return json(res, 200, { neg_risk: t.negRisk });
      const { event_type: _e, ...b } = engine.bookEvent(t.tokenId);
      return json(res, 200, b);
    }
    if (path === "/auth/derive-api-key" || path === "/auth/api-key") {
      const address = await l1(req);
      if (!address) {
        authFailures.push(`L1 ${path}`);
        return json(res, 401, { error: "Invalid L1 Request headers" });
      }
      const c = credsFor(address, String(req.headers["poly_nonce"] ?? "0"));
      if (method === "GET" && !creds.has(c.key)) return json(res, 400, { error: "Could not derive api key!" });
      creds.set(c.key, c);
      engine.account(c.key, address);
      return json(res, 200, { apiKey: c.key, secret: c.secret, passphrase: c.passphrase });
    }
    const c = l2(req, path, raw);
    if (!c) {
      authFailures.push(`L2 ${method} ${path}`);
      return json(res, 401, { error: "Unauthorized/Invalid api key" });
    }
    if (method === "POST" && path === "/v1/heartbeats") {
      const b = beats.get(c.key);
      const given = String((body as { heartbeat_id?: unknown })?.heartbeat_id ?? "");
      if (given !== "" && (!b || b.id !== given)) return json(res, 400, { error: "Invalid Heartbeat ID" });
      const id = crypto.randomUUID();
      beats.set(c.key, { id, at: Date.now() });
      return json(res, 200, { heartbeat_id: id });
    }
    if (method === "POST" && path === "/order") return postOrder(res, c, body as Record<string, unknown>);
    if (method === "DELETE" && (path === "/order" || path === "/orders" || path === "/cancel-all" || path === "/cancel-market-orders")) {
      const ids = path === "/order" ? [String((body as { orderID?: unknown })?.orderID ?? "")] : path === "/orders" ? (Array.isArray(body) ? body.map(String) : []) : null;
      if (ids === null) {
        const asset = path === "/cancel-market-orders" ? String((body as { asset_id?: unknown })?.asset_id ?? "") || undefined : undefined;
        return json(res, 200, { canceled: engine.cancelAll(c.key, asset), not_canceled: {} });
      }
      const canceled: string[] = [];
      const notCanceled: Record<string, string> = {};
      for (const id of ids) {
        const why = engine.cancel(c.key, id.toLowerCase());
        if (why) notCanceled[id] = why;
        else canceled.push(id);
      }
      return json(res, 200, { canceled, not_canceled: notCanceled });
    }
    if (method === "GET" && path.startsWith("/data/order/")) {
      const o = engine.orders.get(path.slice("/data/order/".length).toLowerCase());
      return json(res, 200, o && o.owner === c.key ? engine.orderView(o) : null);
    }
    if (method === "GET" && (path === "/data/orders" || path === "/data/trades")) {
      const asset = q("asset_id");
      const items =
        path === "/data/orders"
          ? [...engine.orders.values()].filter((o) => o.owner === c.key && o.status === "LIVE" && (!asset || o.tokenId === asset) && (!q("id") || o.id === q("id"))).map((o) => engine.orderView(o))
          : engine.tradesOf(c.key).filter((t) => (!asset || t.tokenId === asset) && (!q("after") || t.matchTime >= Number(q("after"))) && (!q("id") || t.id === q("id"))).map((t) => engine.tradeView(t, c.key));
      const from = offsetOf(q("next_cursor") === "MA==" ? null : q("next_cursor"));
      const size = opts.pageSize ?? 100;
      const page = items.slice(from, from + size);
      return json(res, 200, { data: page, next_cursor: from + size >= items.length ? END : cursorOf(from + size), limit: size, count: page.length });
    }
    if (method === "GET" && path === "/balance-allowance") {
      const a = engine.accounts.get(c.key)!;
      const units = q("asset_type") === "COLLATERAL" ? a.collateral : (a.tokens.get(q("token_id") ?? "") ?? 0n);
      return json(res, 200, { balance: units.toString(), allowances: { [c.address]: "115792089237316195423570985008687907853269984665640564039457584007913129639935" } });
    }
    return json(res, 404, { error: `no route ${method} ${path}` });
  }

  async function postOrder(res: ServerResponse, c: Creds, body: Record<string, unknown>): Promise<void> {
    const o = body?.order as WireOrderV2 | undefined;
    const type = String(body?.orderType ?? "GTC");
    if (!o || typeof o !== "object" || !["GTC", "GTD", "FOK", "FAK"].includes(type) || !/^\d+$/.test(String(o.makerAmount)) || !/^\d+$/.test(String(o.takerAmount)) || (o.side !== "BUY" && o.side !== "SELL")) return json(res, 400, { error: "Invalid order payload" });
    if (body.owner !== c.key) return json(res, 400, { error: "the order owner has to be the owner of the API KEY" });
    if (String(o.signer).toLowerCase() !== c.address) return json(res, 400, { error: "the order signer address has to be the address of the API KEY" });
    if (notAllowed.has(String(o.maker).toLowerCase())) return json(res, 400, { error: "maker address not allowed, please use the deposit wallet flow" });
    const t = engine.tokens.get(String(o.tokenId));
    if (!t) return json(res, 400, { error: "Invalid order payload: unknown token" });
    if ((await recoverOrderSigner(o, chainId, t.negRisk)) !== c.address) {
      authFailures.push("order signature");
      return json(res, 400, { error: "invalid signature" });
    }
    if (body.postOnly === true && (type === "FOK" || type === "FAK")) return json(res, 400, { error: "invalid post-only order: only GTC and GTD orders can be post-only" });
    const maker = new Decimal(String(o.makerAmount)).div(1e6);
    const taker = new Decimal(String(o.takerAmount)).div(1e6);
    const side = o.side as WSide;
    const size = side === "BUY" ? taker : maker;
    if (size.isZero()) return json(res, 400, { error: "INVALID_ORDER_MIN_SIZE: size must be positive" });
    const price = side === "BUY" ? maker.div(size) : taker.div(size);
    if (!price.div(t.tick).isInteger()) return json(res, 400, { error: `INVALID_ORDER_MIN_TICK_SIZE: order ${price} breaks minimum tick size rule: ${t.tick}` });
    if (price.lt(t.tick) || price.gt(new Decimal(1).minus(t.tick))) return json(res, 400, { error: `invalid price (${price}), min: ${t.tick} - max: ${new Decimal(1).minus(t.tick)}` });
    if (size.lt(t.minSize)) return json(res, 400, { error: `INVALID_ORDER_MIN_SIZE: order size ${size} lower than the minimum: ${t.minSize}` });
    const id = v2OrderHash(o, chainId, t.negRisk);
    const r = engine.place({ id, owner: c.key, maker: String(o.maker).toLowerCase(), tokenId: t.tokenId, side, price, size, type }, body.postOnly === true);
    if ("error" in r) return json(res, 400, { error: r.error });
    const matched = r.order.matched;
    return json(res, 200, { success: true, errorMsg: "", orderID: id, status: r.status, tradeIDs: r.trades.map((x) => x.id), transactionsHashes: [], makingAmount: (side === "BUY" ? matched.mul(price) : matched).toString(), takingAmount: (side === "BUY" ? matched : matched.mul(price)).toString() });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const raw = Buffer.concat(chunks).toString("utf8");
        const key = `${req.method} ${url.pathname.startsWith("/data/order/") ? "/data/order" : url.pathname}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        let parsed: unknown = undefined;
        try {
          parsed = raw ? JSON.parse(raw) : undefined;
        } catch {
          /* route() answers it */
        }
        if (faults.perSecond) {
          // Throttling as latency: the venue queues requests beyond its rate.
          const at = Math.max(Date.now(), nextFree);
          nextFree = at + 1000 / faults.perSecond;
          if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
        }
        const d = faults.take(faults.delays, key, parsed);
        if (d) await new Promise((r) => setTimeout(r, d.ms));
        if (faults.take(faults.rateLimited, key, parsed)) return json(res, 429, { error: "Too Many Requests" });
        const lose = faults.take(faults.lost, key, parsed);
        if (lose) {
          await route(req, { writeHead: () => undefined, end: () => undefined } as unknown as ServerResponse, url, raw);
          req.socket.destroy();
          return;
        }
        await route(req, res, url, raw);
      })().catch((err) => {
        if (!res.headersSent) json(res, 500, { error: String(err) });
      });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  const market = new Map<WebSocket, Set<string>>();
  const user = new Map<WebSocket, string>();
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (faults.refuseWebSockets || (path !== "/ws/market" && path !== "/ws/user")) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      (ws as unknown as { path: string }).path = path;
      ws.on("message", (data) => {
        const text = data.toString();
        if (text === "PING") {
          if (!faults.stalled.has(ws)) ws.send("PONG");
          return;
        }
        let m: Record<string, unknown>;
        try {
          m = JSON.parse(text) as Record<string, unknown>;
        } catch {
          return void ws.send(JSON.stringify({ error: "invalid message" }));
        }
        if (path === "/ws/market") {
          const ids = (Array.isArray(m.assets_ids) ? m.assets_ids : []).map(String).filter((id) => engine.tokens.has(id));
          market.set(ws, new Set(ids));
          ws.send(JSON.stringify(ids.map((id) => engine.bookEvent(id))));
        } else {
          const a = (m.auth ?? {}) as Record<string, unknown>;
          const c = creds.get(String(a.apiKey ?? ""));
          if (!c || c.secret !== a.secret || c.passphrase !== a.passphrase) {
            authFailures.push("user channel");
            return ws.close(4001, "invalid credentials");
          }
          user.set(ws, c.key);
        }
      });
      ws.on("close", () => {
        market.delete(ws);
        user.delete(ws);
      });
    });
  });
  const send = (ws: WebSocket, events: unknown[]) => {
    if (!faults.stalled.has(ws) && ws.readyState === ws.OPEN) ws.send(JSON.stringify(events));
  };
  engine.onMarket = (tokenId, events) => {
    for (const [ws, ids] of market) if (ids.has(tokenId)) send(ws, events);
  };
  engine.onUser = (key, events) => {
    for (const [ws, k] of user) if (k === key) send(ws, events);
  };

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const sockets = (path?: string) => [...market.keys(), ...user.keys()].filter((ws) => !path || (ws as unknown as { path: string }).path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    engine,
    faults,
    creds,
    counts,
    authFailures,
    get heartbeatsMissed() {
      return heartbeatsMissed;
    },
    dropSockets: (path) => sockets(path).forEach((ws) => ws.terminate()),
    stallSockets: (path) => sockets(path).forEach((ws) => faults.stalled.add(ws)),
    async close() {
      clearInterval(deadman);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
