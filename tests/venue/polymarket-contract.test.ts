// The Polymarket adapter (clob-client-v2 signing, our transport and WebSocket client) passes the same
// contract as the paper, replay and Hyperliquid venues, over the wire against the fake Polymarket CLOB V2:
// real JSON, real L1/L2/order signatures checked independently, the venue's own rules.
import { connect } from "../fakes/polymarket/harness";
import { YES_TOKEN } from "../fakes/polymarket/server";
import { venueContract } from "./contract";

venueContract("polymarket (CLOB V2) against the wire-level fake", async () => {
  const c = await connect({ fake: { pageSize: 3 } });
  const venue = c.venue;
  const close = venue.close.bind(venue);
  // The contract closes the venue: close the fake with it (and check that no signature was ever refused).
  venue.close = async () => {
    await close();
    await c.close();
  };
  return {
    venue,
    makerFillWithinMs: 5_000,
    deadmanSkip: "Polymarket's dead-man is its heartbeat chain with a 10 s window fixed by the venue and no way to end a chain: arm → disarm → nothing cancelled cannot hold (heartbeat tests in polymarket-live.test.ts)",
    // Another trader sells a little into the best bid, the house re-quotes, and we wait until every fill
    // of ours the fake made has been delivered.
    advance: async () => {
      c.fake.engine.externalTrade(YES_TOKEN, "SELL", "5");
      c.fake.engine.replenish(YES_TOKEN);
      await c.settled();
    },
  };
});
