// A strategy's account on the shared paper venue, seen from a runner over socket.io (RemoteVenue against
// paper-venue-server), passes the contract every venue passes; a malformed or unknown call is refused with
// a message and changes nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { RemoteVenue } from "@/server/cluster/remote-venue";
import { startPaperVenueServer, type PaperVenueServer } from "@/server/cluster/paper-venue-server";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { ManualClock } from "@/server/venue/clock";
import { venueContract } from "../venue/contract";

const clock = new ManualClock(1_700_000_000_000);
const dir = mkdtempSync(join(tmpdir(), "skewdesk-remote-venue-"));
let server: PaperVenueServer;
let n = 0;

before(async () => {
  server = await startPaperVenueServer({ dir, clock });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

venueContract("shared paper venue over socket.io (story market, falling)", async () => {
  const venue = await RemoteVenue.open(server.url, { account: `contract-${++n}`, market: "story", seed: 42, regime: "falling" }, PAPER_MARKETS.story.market, 5_000);
  return {
    venue,
    makerFillWithinMs: 60_000,
    // Venue time moves; a call after it brings the account up to it, and the pushes it caused arrive before its answer.
    advance: async (ms: number) => {
      clock.advanceBy(ms);
      await venue.fetchOpenOrders();
    },
  };
});

test("the shared paper venue refuses a bad hello and a malformed call, and changes nothing", async () => {
  const bad = io(server.url, { auth: { account: "../escape", market: "story", seed: 1 }, transports: ["websocket"], reconnection: false });
  const refused = await new Promise<string>((resolve) => bad.once("refused", resolve));
  assert.match(refused, /account/);
  bad.close();

  const venue = await RemoteVenue.open(server.url, { account: "malformed", market: "story", seed: 1 }, PAPER_MARKETS.story.market, 5_000);
  const raw = io(server.url, { auth: { account: "malformed", market: "story", seed: 1 }, transports: ["websocket"] });
  try {
    const r1 = (await raw.emitWithAck("call", "createOrder", [{ clientOrderId: "x", side: "buy", type: "limit", price: "1e999999", size: "1" }])) as { ok: boolean; error?: { message: string } };
    assert.equal(r1.ok, false);
    const r2 = (await raw.emitWithAck("call", "close", [])) as { ok: boolean; error?: { message: string } };
    assert.equal(r2.ok, false);
    assert.match(r2.error!.message, /unknown call/);
    assert.deepEqual(await venue.fetchOpenOrders(), []);
  } finally {
    raw.close();
    await venue.close();
  }
});
