// The ccxt adapter on Binance spot passes the same contract as the paper, replay and other live venues,
// over the wire against the fake Binance: real REST and WebSocket routes, HMAC-signed requests checked
// independently of ccxt, the venue's own rules and error codes.
import { connect, until } from "../fakes/binance/harness";
import { venueContract } from "./contract";

venueContract("binance spot (ccxt) against the wire-level fake", async () => {
  const c = await connect();
  const venue = c.venue;
  const close = venue.close.bind(venue);
  venue.close = async () => {
    await close();
    await c.close();
  };
  return {
    venue,
    makerFillWithinMs: 5_000,
    // Binance spot has no dead-man: our watchdog process is the one under test. Armed for 1.5 s and left
    // without a heartbeat, it cancels; we wait until it says it fired (no fixed sleep).
    deadman: {
      ms: 1_500,
      expire: async () => {
        const before = venue.deadman.fired;
        if (!venue.deadman.armedUntil) return new Promise((r) => setTimeout(r, 1_700));
        await until("the watchdog to fire", () => venue.deadman.fired > before, 15_000);
      },
    },
    // Another trader sells a little into the best bid, the house re-quotes, and we wait until every fill
    // of ours the fake made has been delivered.
    advance: async () => {
      c.fake.engine.externalTrade("ETHUSDT", "SELL", "0.05");
      c.fake.engine.replenish("ETHUSDT");
      await c.settled();
    },
  };
});
