// Issue 9, item 11: one viewer's flood of backfills. 6,005 sequential `since: 0` requests each read 5000
// snapshots through the runner's thread. Now each session has a backfill budget (answers from memory are cheap,
// history reads cost more), shared by all its sockets; the budget's clock is injected.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io as connectClient, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, SnapshotDTO } from "@/lib/events";
import { WebHarness } from "@/tests/support/web-harness";
import { ManualClock } from "@/tests/support/manual-clock";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(h: WebHarness, cookie: string): Promise<Client> {
  const socket: Client = connectClient(h.origin, {
    transports: ["websocket"],
    extraHeaders: { cookie, origin: h.origin },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const backfill = (s: Client, since: number) => new Promise<SnapshotDTO[] | { error: string }>((resolve) => s.emit("backfill", { since }, resolve));

describe("backfill budget per session", () => {
  let h: WebHarness;
  // The hub's batches and the budget run on a clock the test moves: a busy machine cannot leave the ring
  // empty when the tests start (it waited 50 ms of wall time for one 10 ms batch before).
  const clock = new ManualClock();
  before(async () => {
    h = await WebHarness.start({ hub: { batchMs: 10, ringSize: 50, clock, now: () => clock.now() } });
    for (let i = 0; i < 100; i++) h.fake.pushSnapshot();
    clock.advance(10); // one batch period: the ring holds the newest 50
  });
  after(() => h.close());

  const hostReads = () => h.fake.calls.filter((c) => c.method === "snapshots").length;

  test("200 history backfills from one session reach the host 5 times, not 200; its other sockets share the budget", async () => {
    const a = await connect(h, h.viewerCookie);
    const b = await connect(h, h.viewerCookie);
    try {
      const before = hostReads();
      let refused = 0;
      for (let i = 0; i < 200; i++) {
        const r = await backfill(i % 2 ? a : b, 0);
        if (!Array.isArray(r)) {
          refused++;
          assert.match(r.error, /Too many backfill requests: retry in \d+ s/);
        }
      }
      assert.equal(hostReads() - before, 5);
      assert.equal(refused, 195);
      // Another session is not held back by this one.
      const op = await connect(h, h.operatorCookie);
      assert.ok(Array.isArray(await backfill(op, 0)));
      op.close();
      // The budget refills with time.
      clock.advance(4_000);
      assert.ok(Array.isArray(await backfill(a, 0)));
    } finally {
      a.close();
      b.close();
    }
  });

  test("answers from memory cost little: a reconnect's backfill from the ring is served even after history reads", async () => {
    clock.advance(60_000);
    const s = await connect(h, h.viewerCookie);
    try {
      for (let i = 0; i < 5; i++) assert.ok(Array.isArray(await backfill(s, 0)));
      assert.equal(Array.isArray(await backfill(s, 0)), false, "history budget spent");
      const recent = h.fake.snapshotLog.at(-10)!.ts;
      for (let i = 0; i < 10; i++) assert.ok(Array.isArray(await backfill(s, recent)), "from the ring");
    } finally {
      s.close();
    }
  });
});
