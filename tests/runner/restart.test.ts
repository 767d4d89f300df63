// The restart of issue 8, done the way a user does it, on the real product: start the server on a data
// folder, let it trade, stop it with SIGTERM (Ctrl-C), start it again on the same folder, let it trade
// again; then kill -9 it and start it once more. Afterwards the database must hold every fill exactly once
// (every trade the paper account made, no trade id twice), every order's filled size must be the sum of
// its booked fills, the inventory the signed sum of the fills and the paper account's position, and the
// desk never HALTED by a reconciliation mismatch. Waits are on what the product reports (its fills in the
// database through /api/fills, its status), never on fixed sleeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import type { FillDTO, StatusDTO } from "@/lib/events";
import { createDb } from "@/server/db";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { createPrismaStore } from "@/server/store";
import { openPaperAccount } from "@/server/venue/paper";

const root = new URL("../..", import.meta.url).pathname;
const password = "restart-operator-pw";
const SEED = 42;

interface Server {
  url: string;
  origin: string;
  cookie: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts `server/main.ts` (what `npm start` runs, without the pages) on `dir` and logs in as the operator. */
async function startServer(dir: string): Promise<Server> {
  const child = spawn(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      SKEWDESK_PAGES: "0",
      SKEWDESK_DATA_DIR: dir,
      SKEWDESK_OPERATOR_PASSWORD: password,
      SKEWDESK_BCRYPT_ROUNDS: "4",
      SKEWDESK_TICK_MS: "100",
      SKEWDESK_SEED: String(SEED),
      // A two-sided market with twice the usual trading: fills come both ways, the inventory stays small.
      SKEWDESK_REGIME: "volatile",
      SKEWDESK_RECONCILE_EVERY_MS: "2000",
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 50);
    void exited.then(({ code }) => {
      clearInterval(t);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  const origin = new URL(url).origin;
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ username: "operator", password }),
  });
  assert.equal(login.status, 200, await login.text());
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  return { url, origin, cookie, child, exited, output: () => out };
}

async function get<T>(s: Server, path: string): Promise<T> {
  const res = await fetch(`${s.url}${path}`, { headers: { cookie: s.cookie } });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function post<T>(s: Server, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${s.url}${path}`, { method: "POST", headers: { cookie: s.cookie, origin: s.origin, "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** Polls what the product reports until `done` holds; fails with the last value seen. */
async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

const fillCount = async (s: Server) => (await get<FillDTO[]>(s, "/api/fills?limit=1000")).length;

/** Trades until `more` new fills are in the database, re-arming after an emergency close so it keeps trading. */
async function trade(s: Server, more: number): Promise<void> {
  const start = await fillCount(s);
  await until(
    `${more} more fills in the database`,
    async () => {
      const st = await get<StatusDTO>(s, "/api/status");
      assert.notEqual(st.riskState, "HALTED", `HALTED: ${JSON.stringify(st.reconciliation)}\n${s.output().slice(-3000)}`);
      if (st.riskState === "REDUCING" && Math.abs(st.ratio) < 0.5) await post(s, "/api/control", { action: "rearm" });
      return { fills: (await fillCount(s)) - start, risk: st.riskState, inventory: st.inventory };
    },
    (v) => v.fills >= more,
    90_000,
  );
}

/** The desk has compared its books with the venue since it started, and they agree. */
async function reconciled(s: Server): Promise<StatusDTO> {
  const st = await until("a reconciliation", () => get<StatusDTO>(s, "/api/status"), (v) => v.reconciliation?.checkedAt != null, 30_000);
  assert.equal(st.reconciliation?.state, "ok", JSON.stringify(st.reconciliation));
  assert.notEqual(st.riskState, "HALTED");
  return st;
}

async function stop(s: Server, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  s.child.kill(signal);
  const { code, signal: got } = await s.exited;
  if (signal === "SIGTERM") assert.equal(code, 0, `SIGTERM exit ${code}:\n${s.output().slice(-3000)}`);
  else assert.equal(got, "SIGKILL");
}

test("restart like a user (SIGTERM, then kill -9): every fill booked once, orders filled by their fills, books = venue", { timeout: 420_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-restart-"));
  const servers: Server[] = [];
  try {
    // First run: quote closer to the touch (as a user tunes from the dashboard), trade.
    const a = await startServer(dir);
    servers.push(a);
    const current = await get<{ current: { params: Record<string, unknown> } }>(a, "/api/params");
    await post(a, "/api/params", { params: { ...current.current.params, minSpread: "0.2", spread: "0.4" }, reason: "trade more for the restart test" });
    await reconciled(a);
    await trade(a, 12);
    await stop(a, "SIGTERM");

    // Second run on the same folder: the paper account continues, the books agree, it trades again.
    const b = await startServer(dir);
    servers.push(b);
    await reconciled(b);
    await trade(b, 12);
    await stop(b, "SIGKILL");

    // Third run after kill -9: the same.
    const c = await startServer(dir);
    servers.push(c);
    await reconciled(c);
    await trade(c, 8);
    await stop(c, "SIGTERM");

    // The books, from the database and the paper account's folder.
    const db = await createDb({ dataDir: join(dir, "pglite") });
    try {
      const store = createPrismaStore(db);
      const strategy = (await store.listStrategies())[0]!;
      assert.notEqual(strategy.riskState, "HALTED", `HALTED: ${strategy.riskReason}`);
      const alerts = await store.listAlerts(strategy.id, { kinds: ["reconciliation"], limit: 1000 });
      assert.deepEqual(alerts.map((x) => x.message), [], "a reconciliation alert");

      const fills = await store.listFills(strategy.id, { limit: 10_000 });
      assert.ok(fills.length >= 32, `only ${fills.length} fills`);
      const ids = fills.map((f) => f.venueTradeId);
      assert.equal(new Set(ids).size, ids.length, "a venue trade id stored twice");
      assert.ok(fills.every((f) => f.kind === "trade"), "an adjustment was booked");
      const inventory = fills.reduce((q, f) => (f.side === "buy" ? q.add(f.size) : q.sub(f.size)), new Decimal(0));
      const newest = [...fills].sort((x, y) => Number(BigInt(y.id) - BigInt(x.id)))[0]!;
      assert.equal(newest.inventoryAfter.toString(), inventory.toString(), "the inventory the runner recorded differs from the signed sum of the fills");
      const lastSnapshot = (await store.loadRecoveryState(strategy.id)).lastSnapshot;
      assert.equal(lastSnapshot?.inventory.toString(), inventory.toString(), "the last snapshot's inventory differs from the fills");

      const byOrder = new Map<string, Decimal>();
      for (const f of fills) if (f.clientOrderId) byOrder.set(f.clientOrderId, (byOrder.get(f.clientOrderId) ?? new Decimal(0)).add(f.size));
      const orders = await store.listOrders(strategy.id, { limit: 10_000 });
      assert.ok(orders.length > 0);
      for (const o of orders) {
        const booked = byOrder.get(o.clientOrderId) ?? new Decimal(0);
        assert.equal(o.filledSize.toString(), booked.toString(), `order ${o.clientOrderId} (${o.status}): filled ${o.filledSize}, fills booked ${booked}`);
        if (o.status === "filled") assert.equal(booked.toString(), o.size.toString(), `order ${o.clientOrderId} filled with fills of ${booked} of ${o.size}`);
      }
      assert.deepEqual(await store.listOpenOrders(strategy.id), [], "orders left open after the last SIGTERM");
      const runs = await store.lastRun(strategy.id);
      assert.equal(runs?.stopReason, "SIGTERM");

      // The paper account: every trade it made is booked, none that it did not make, and its position is the desk's.
      const accounts = readdirSync(join(dir, "paper-account"));
      assert.equal(accounts.length, 1, accounts.join(", "));
      const paper = PAPER_MARKETS.story;
      const venue = openPaperAccount({ ...paper.venueOptions(SEED, "volatile"), dir: join(dir, "paper-account", accounts[0]!) });
      try {
        const trades = await venue.fetchMyTrades();
        assert.deepEqual([...ids].sort(), trades.map((t) => t.tradeId).sort(), "the database's fills and the account's trades differ");
        assert.equal(venue.position.toString(), inventory.toString(), "the paper account's position differs from the desk's inventory");
      } finally {
        await venue.close();
      }
    } finally {
      await db.close();
    }
  } finally {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
