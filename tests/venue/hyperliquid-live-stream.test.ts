// Live behaviours of the Hyperliquid adapter around the connection (../shared/notes/live-venues.md,
// behaviours 4, 5, 6, 7 and 8), against the wire-level fake. Waits are on states the system reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { parseStrategyParams } from "@/lib/strategy";
import { wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig } from "@/server/runner/runner";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { RateLimitExceeded, VenueUnavailable } from "@/server/venue/errors";
import type { CreateOrderRequest } from "@/server/venue/types";
import { connect, runnerOn, until, type Connected } from "../fakes/hyperliquid/harness";
import { startFakeHyperliquid } from "../fakes/hyperliquid/server";

let n = 0;
const id = (tag: string) => `ls-${tag}-${++n}-${Date.now().toString(36)}`;

async function passive(c: Connected, clientOrderId: string, ticks = 30): Promise<CreateOrderRequest> {
  const book = await c.venue.fetchOrderBook();
  return { clientOrderId, side: "buy", type: "limit", price: book.bids[0]!.price.sub(c.venue.market.tickSize.mul(ticks)), size: c.venue.market.minSize, postOnly: true };
}

const exchangeCount = (c: Connected) => c.fake.requests.filter((r) => r.route === "exchange").length;

test("4. a 429 backs off with jitter: new orders are refused locally (no storm) while cancels still go out", async () => {
  const c = await connect();
  try {
    const resting = await passive(c, id("rest"));
    await c.venue.createOrder(resting);
    c.fake.faults.rateLimit("exchange", 2);
    await assert.rejects(c.venue.createOrder(await passive(c, id("throttled"))), RateLimitExceeded);
    const first = c.venue.calls.backoffUntil - Date.now();
    assert.ok(first > 100 && first <= 500, `first backoff ${first} ms within [250, 500] (jittered)`);
    const sent = exchangeCount(c);
    for (let i = 0; i < 20; i++) await assert.rejects(c.venue.createOrder(await passive(c, id("storm"))), RateLimitExceeded);
    assert.equal(exchangeCount(c), sent, "twenty refused orders, not one request");
    // A cancel goes out during the backoff (it answers 429 too here: the second scripted one).
    await assert.rejects(c.venue.cancelOrder(resting.clientOrderId), RateLimitExceeded);
    assert.equal(exchangeCount(c), sent + 1);
    const second = c.venue.calls.backoffUntil - Date.now();
    assert.ok(second > first, `a second throttle backs off longer (${second} > ${first} ms)`);
    await until("the backoff to end", () => Date.now() > c.venue.calls.backoffUntil);
    assert.equal((await c.venue.cancelOrder(resting.clientOrderId)).status, "cancelled");
    assert.equal((await c.venue.createOrder(await passive(c, id("after")))).status, "open");
  } finally {
    await c.close();
  }
});

test("5. a WebSocket drop makes the book stale at once and reconnects; a silent stall forces a reconnect", async () => {
  const c = await connect({ venue: { stallMs: 400 } });
  try {
    const states: string[] = [];
    c.venue.watchConnection((s) => states.push(s));
    const before = await c.venue.fetchOrderBook();
    c.fake.dropWebSockets();
    await until("the drop to be noticed", () => states.includes("disconnected"));
    if (c.venue.stream.state === "disconnected") await assert.rejects(c.venue.fetchOrderBook(), VenueUnavailable, "no stale book is served");
    await until("the reconnect", () => states.at(-1) === "connected" && c.venue.stream.book !== null);
    assert.ok((await c.venue.fetchOrderBook()).ts >= before.ts);
    // Silent stall: the socket stays open but nothing arrives (not even pongs).
    const reconnects = c.venue.stream.reconnects;
    c.fake.stallWebSockets();
    await until("the stall to force a reconnect", () => c.venue.stream.reconnects > reconnects && c.venue.stream.state === "connected", 10_000);
    assert.deepEqual(states.slice(-2), ["disconnected", "connected"]);
    const book = await c.venue.fetchOrderBook();
    await until("books to flow on the new connection", () => c.venue.stream.book !== null && c.venue.stream.book.ts > book.ts);
  } finally {
    await c.close();
  }
});

test("5b. while the stream is down the desk takes its quotes down at once (REST still works), and quotes again after it is back", async () => {
  const c = await connect({ fake: { houseHalfSpreadTicks: 100, houseSize: "1" } });
  try {
    const runner = await runnerOn(c, "hl-stream-down");
    const tick = () => runner.tick(Date.now());
    await until("quotes resting on the fake", async () => (await tick(), c.fake.engine.openOrders(c.user).length === 2), 20_000);
    c.fake.faults.refuseWebSockets = true;
    c.fake.dropWebSockets();
    await until("the adapter to see the drop", () => c.venue.stream.state === "disconnected");
    await tick();
    await until("our quotes cancelled over REST", async () => (await tick(), c.fake.engine.openOrders(c.user).length === 0), 10_000);
    c.fake.faults.refuseWebSockets = false;
    await until("quoting again after the reconnect", async () => (await tick(), c.fake.engine.openOrders(c.user).length === 2), 30_000);
    await runner.shutdown("test");
  } finally {
    await c.close();
  }
});

test("6. nonces stay unique and increasing under 50 concurrent actions and across a restart", async () => {
  const fake = await startFakeHyperliquid();
  try {
    const a = await connect({ fakeInstance: fake });
    const reqs = await Promise.all(Array.from({ length: 50 }, (_, i) => passive(a, id(`n${i}`), 20 + (i % 10))));
    const results = await Promise.all(reqs.map((r) => a.venue.createOrder(r)));
    assert.ok(results.every((r) => r.status === "open"));
    const nonces = fake.exchange.actions.filter((x) => x.body.action.type === "order").map((x) => x.body.nonce);
    assert.equal(new Set(nonces).size, 50);
    assert.deepEqual(fake.exchange.actions.filter((x) => /nonce/i.test(JSON.stringify(x.answer))), [], "no nonce refused");
    await a.venue.cancelAllOrders();
    await a.close();
    const last = Math.max(...fake.exchange.actions.map((x) => x.body.nonce));
    const b = await connect({ fakeInstance: fake, venue: { nonceFloor: last } });
    try {
      await b.venue.createOrder(await passive(b, id("restart")));
      const next = fake.exchange.actions.at(-1)!;
      assert.ok(next.body.nonce > last, `after a restart ${next.body.nonce} > ${last}`);
      assert.equal((next.answer as { status: string }).status, "ok");
    } finally {
      await b.close();
    }
  } finally {
    await fake.close();
  }
});

test("7. the dead-man is armed at start, refreshed, disarmed on a clean stop; when it fires the adapter resyncs", async () => {
  const c = await connect({ venue: { deadmanMs: 6_000 } });
  const user = c.user;
  let closed = false;
  try {
    const armed = c.fake.exchange.deadman.get(user)!.at;
    assert.ok(armed >= Date.now() + 5_000, "armed about 6 s ahead");
    await until("a refresh", () => c.venue.deadman.refreshes >= 2, 6_000);
    assert.ok(c.fake.exchange.deadman.get(user)!.at > armed, "refreshed later");
    const states: string[] = [];
    c.venue.watchConnection((s) => states.push(s));
    await c.venue.createOrder(await passive(c, id("dm")));
    c.fake.fireDeadman(user);
    await until("the adapter to notice", () => c.venue.deadman.fired === 1 && states.join() === "disconnected,connected");
    assert.deepEqual(await c.venue.fetchOpenOrders(), []);
    await until("re-armed", () => (c.fake.exchange.deadman.get(user)?.at ?? 0) > Date.now());
    await c.close();
    closed = true;
    const last = c.fake.exchange.actions.at(-1)!.body.action;
    assert.deepEqual(last, { type: "scheduleCancel" }, `disarmed with no time: ${JSON.stringify(c.fake.exchange.actions.slice(-3).map((x) => [x.body.action, x.answer]))}`);
  } finally {
    if (!closed) await c.close();
  }
});

test("8. at start, orders a previous run left on the venue are ours by client id and are cancelled, never duplicated", async () => {
  const fake = await startFakeHyperliquid();
  try {
    const first = await connect({ fakeInstance: fake });
    const leftover = `sd-${randomUUID()}`;
    await first.venue.createOrder(await passive(first, leftover));
    await first.close(); // no cancel: the process "died" with the order resting
    assert.equal(fake.engine.openOrders(first.user).length, 1);
    const c = await connect({ fakeInstance: fake });
    try {
      const listed = await c.venue.fetchOpenOrders();
      assert.deepEqual(listed.map((o) => o.clientOrderId), [leftover], "a new process reads the desk's own id back from the cloid");
      const paper = PAPER_MARKETS.story;
      const store = createMemoryStore();
      const strategy = await store.ensureStrategy({ name: "hl-restart", market: c.venue.market.symbol, symbol: c.venue.market.symbol, venue: "hyperliquid", mode: "live", initialParams: parseStrategyParams(paper.params) as unknown as JsonObject });
      const journal = new FillJournal(join(mkdtempSync(join(tmpdir(), "skewdesk-hl-")), "fills.journal"), false);
      const runner = new Runner({ venue: c.venue, store, strategy, market: c.venue.market, time: wallTime, journal, config: { ...defaultRunnerConfig(500), reconcileEveryMs: 3_600_000, reconcileTolerance: new Decimal("0.0001") } });
      await runner.open();
      await until("the leftover to be cancelled", () => fake.engine.openOrders(c.user).length === 0);
      assert.equal(fake.engine.byCloid(c.user, c.venue.ids.cloid(leftover))?.status, "canceled");
      assert.equal(fake.exchange.actions.filter((x) => x.body.action.type === "order").length, 1, "nothing re-sent");
      await runner.shutdown("test");
    } finally {
      await c.close();
    }
  } finally {
    await fake.close();
  }
});
