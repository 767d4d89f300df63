// The Hyperliquid adapter (ccxt underneath) passes the same contract as the paper and replay venues,
// over the wire against the fake Hyperliquid: real JSON, real signatures, the venue's own rules.
import { connect } from "../fakes/hyperliquid/harness";
import { venueContract } from "./contract";

venueContract("hyperliquid (ccxt) against the wire-level fake", async () => {
  const c = await connect();
  const venue = c.venue;
  const close = venue.close.bind(venue);
  // The contract closes the venue: close the fake with it (and check that no fee action ever arrived).
  venue.close = async () => {
    await close();
    await c.close();
  };
  return {
    venue,
    makerFillWithinMs: 5_000,
    // The fake's dead-man fires on demand (as if its time had come) rather than after seconds of wall time.
    deadman: { ms: 10_000, expire: async () => c.fake.fireDeadman(c.user) },
    // Another trader sells a little into the best bid, the house re-quotes, and we wait until every fill
    // of ours the fake made has been delivered.
    advance: async () => {
      c.fake.engine.externalTrade("ETH", "A", "0.05");
      c.fake.engine.replenish("ETH");
      await c.settled();
    },
  };
});
