import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { io as connectClient, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, SnapshotDTO, StatusDTO } from "@/lib/events";
import { WebHarness } from "@/tests/support/web-harness";
import { ManualClock } from "@/tests/support/manual-clock";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(
  h: WebHarness,
  opts: { cookie?: string; origin?: string | null; transports?: ("polling" | "websocket")[]; listen?: (s: Client) => void } = {},
): Promise<Client> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  const origin = opts.origin === undefined ? h.origin : opts.origin;
  if (origin !== null) headers.origin = origin;
  const socket: Client = connectClient(h.origin, {
    transports: opts.transports ?? ["websocket"],
    extraHeaders: headers,
    reconnection: false,
    timeout: 5000,
    forceNew: true,
  });
  opts.listen?.(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function backfill(socket: Client, since: unknown): Promise<SnapshotDTO[] | { error: string }> {
  return new Promise((resolve) => socket.emit("backfill", since as { since: number }, resolve));
}

describe("socket handshake", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  for (const transports of [["websocket"], ["polling"]] as const) {
    test(`${transports[0]}: refused without a session`, async () => {
      await assert.rejects(connect(h, { transports: [...transports] }));
    });

    test(`${transports[0]}: refused with a session but a foreign Origin`, async () => {
      await assert.rejects(connect(h, { cookie: h.viewerCookie, origin: "http://evil.example", transports: [...transports] }));
    });

    test(`${transports[0]}: accepted with a session and this Origin`, async () => {
      const s = await connect(h, { cookie: h.viewerCookie, transports: [...transports] });
      assert.ok(s.connected);
      s.close();
    });
  }

  test("websocket without Origin is refused even with a session", async () => {
    await assert.rejects(connect(h, { cookie: h.viewerCookie, origin: null }));
  });

  test("a raw WebSocket upgrade from a foreign Origin gets no 101", async () => {
    const status = await new Promise<number | "closed">((resolve) => {
      const req = request({
        host: "127.0.0.1",
        port: h.server.port,
        path: "/socket.io/?EIO=4&transport=websocket",
        headers: {
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-version": "13",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          origin: "http://evil.example",
          cookie: h.operatorCookie,
        },
      });
      req.on("upgrade", () => resolve(101));
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", () => resolve("closed"));
      req.end();
    });
    assert.notEqual(status, 101);
  });

  test("a polling handshake without Origin passes only with Sec-Fetch-Site: same-origin (what browsers send)", async () => {
    const handshake = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: h.server.port, path: "/socket.io/?EIO=4&transport=polling", headers: { cookie: h.viewerCookie, ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    assert.equal(await handshake({}), 403);
    assert.equal(await handshake({ "sec-fetch-site": "cross-site" }), 403);
    assert.equal(await handshake({ "sec-fetch-site": "same-origin" }), 200);
  });

  test("logout disconnects the session's sockets", async () => {
    const cookie = await h.login("viewer", "viewer-pass-1234");
    const s = await connect(h, { cookie });
    const gone = new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));
    await h.send("/api/auth/logout", { method: "POST", cookie });
    assert.equal(await gone, "io server disconnect");
  });
});

// Coalescing on a clock the test advances (issue 14, item 13): "status at most ~4/s" failed 3 of 9 runs
// with the other core busy when it counted broadcasts over a second of wall time. Here the hub's time is
// the test's, and the waits are for the broadcasts the hub reports having sent.
describe("coalescing", () => {
  let h: WebHarness;
  const clock = new ManualClock();
  before(async () => {
    h = await WebHarness.start({ hub: { clock } });
  });
  after(() => h.close());

  /** Waits for the client to have received what the hub says it sent (a state, not a duration). */
  async function received(what: () => number, sent: () => number): Promise<void> {
    // The bound only turns a lost message into a failure instead of a hang; it is not a speed assumption.
    const giveUp = Date.now() + 30_000;
    while (what() < sent()) {
      if (Date.now() > giveUp) assert.fail(`the client got ${what()} of the ${sent()} broadcasts the hub sent`);
      await sleep(5);
    }
  }

  test("many host snapshots → one broadcast per batch period, carrying all of them, in order", async () => {
    const s = await connect(h, { cookie: h.viewerCookie });
    const batches: SnapshotDTO[][] = [];
    s.on("snapshots", (b) => batches.push(b));
    const before = h.server.hub.stats().snapshotBatches;
    const sent: number[] = [];
    // 400 snapshots over one second of the hub's time: one every 2.5 ms, batched every 250 ms.
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 10; j++) sent.push(h.fake.pushSnapshot().ts);
      clock.advance(25);
    }
    assert.equal(h.server.hub.stats().snapshotBatches - before, 4);
    await received(() => batches.length, () => h.server.hub.stats().snapshotBatches - before);
    assert.deepEqual(batches.flat().map((x) => x.ts), sent);
    s.close();
  });

  test("status at most one per 250 ms, latest wins; a new client gets the latest at once", async () => {
    const s = await connect(h, { cookie: h.viewerCookie });
    const got: StatusDTO[] = [];
    s.on("status", (x) => got.push(x));
    clock.advance(1000); // past the previous test's status, if any
    const before = h.server.hub.stats().statusBroadcasts;
    let last: StatusDTO | null = null;
    // 100 statuses over one second: sent at once, then at +250, +500, +750 and +1000 (the latest each time).
    for (let i = 0; i < 100; i++) {
      h.fake.inventory = h.fake.inventory.plus(1);
      last = h.fake.statusNow();
      h.fake.emit("status", last);
      clock.advance(10);
    }
    const broadcasts = h.server.hub.stats().statusBroadcasts - before;
    assert.equal(broadcasts, 5);
    await received(() => got.length, () => broadcasts);
    assert.equal(got.length, 5);
    assert.deepEqual(got.at(-1), last);
    let first!: Promise<StatusDTO>;
    const fresh = await connect(h, {
      cookie: h.viewerCookie,
      listen: (c) => (first = new Promise<StatusDTO>((resolve) => c.once("status", resolve))),
    });
    assert.deepEqual(await first, last);
    s.close();
    fresh.close();
  });

  test("fills are batched; an alert goes out at once, after the fills that preceded it", async () => {
    const s = await connect(h, { cookie: h.viewerCookie });
    const events: string[] = [];
    s.on("fills", (f) => events.push(`fills:${f.length}`));
    s.on("alert", (a) => events.push(`alert:${a.kind}`));
    clock.advance(300); // any earlier batch out of the way
    const t0 = clock.now();
    for (let i = 0; i < 5; i++) h.fake.emit("fill", { tradeId: `T${i}`, clientOrderId: "c", side: "buy", price: "0.5", size: "1", fee: "0", liquidity: "maker", inventoryAfter: "1", ts: Date.now() });
    h.fake.raiseAlert("emergency", "critical", "flatten");
    await new Promise<void>((resolve) => s.once("alert", () => resolve()));
    // The hub's clock did not move: the alert did not wait for a batch period, and took its fills along.
    assert.equal(clock.now(), t0);
    assert.deepEqual(events, ["fills:5", "alert:emergency"]);
    s.close();
  });

  test("the hub unsubscribes from the host on close", async () => {
    const other = await WebHarness.start({ login: false });
    assert.equal(other.fake.listenerCount("snapshot"), 1);
    await other.close();
    assert.equal(other.fake.listenerCount("snapshot"), 0);
  });
});

describe("backfill", () => {
  test("a reconnecting client gets every snapshot it missed: no gap, from the ring", async () => {
    const h = await WebHarness.start({ hub: { batchMs: 50 } });
    try {
      const all: number[] = [];
      const push = (n: number) => {
        for (let i = 0; i < n; i++) all.push(h.fake.pushSnapshot().ts);
      };
      push(20);
      let s = await connect(h, { cookie: h.viewerCookie });
      const seen = new Map<number, SnapshotDTO>();
      s.on("snapshots", (b) => b.forEach((x) => seen.set(x.ts, x)));
      push(30);
      await sleep(150);
      const lastSeen = Math.max(...seen.keys());
      s.close();
      push(40); // missed while away
      await sleep(150);
      s = await connect(h, { cookie: h.viewerCookie });
      s.on("snapshots", (b) => b.forEach((x) => seen.set(x.ts, x)));
      const hostCalls = h.fake.calls.filter((c) => c.method === "snapshots").length;
      const missed = await backfill(s, { since: lastSeen });
      assert.ok(Array.isArray(missed));
      missed.forEach((x) => seen.set(x.ts, x));
      push(10);
      await sleep(150);
      const afterFirst = [...seen.keys()].filter((t) => t > all[19]!).sort((a, b) => a - b);
      assert.deepEqual(afterFirst, all.slice(20));
      assert.equal(h.fake.calls.filter((c) => c.method === "snapshots").length, hostCalls, "served from memory");
      s.close();
    } finally {
      await h.close();
    }
  });

  test("older than the ring: from the host's store, completed from the ring when the store lags", async () => {
    const h = await WebHarness.start({ hub: { batchMs: 20, ringSize: 10 } });
    try {
      const all: number[] = [];
      for (let i = 0; i < 50; i++) all.push(h.fake.pushSnapshot().ts);
      await sleep(80);
      // The store has persisted only up to #40: the last 10 are only in the hub's ring.
      h.fake.snapshotLog.splice(40);
      const s = await connect(h, { cookie: h.viewerCookie });
      const got = await backfill(s, { since: all[4]! });
      assert.ok(Array.isArray(got));
      assert.deepEqual(
        got.map((x) => x.ts),
        all.slice(5),
      );
      const call = h.fake.calls.findLast((c) => c.method === "snapshots")!;
      assert.deepEqual(call.args[0], { from: all[4]! + 1, limit: 5000 });
      s.close();
    } finally {
      await h.close();
    }
  });

  test("malformed backfill requests are answered with an error, not a crash", async () => {
    const h = await WebHarness.start();
    try {
      const s = await connect(h, { cookie: h.viewerCookie });
      for (const bad of [null, "x", { since: -1 }, { since: 1.5 }, { since: "1" }, { since: 1, extra: true }, [1]]) {
        const r = await backfill(s, bad);
        assert.ok(!Array.isArray(r) && r.error.length > 0, JSON.stringify(bad));
      }
      // A backfill without an ack callback is ignored; the socket stays usable.
      (s.emit as (event: string, ...args: unknown[]) => Client)("backfill", { since: 0 });
      assert.ok(Array.isArray(await backfill(s, { since: 0 })));
      s.close();
    } finally {
      await h.close();
    }
  });
});
