// The paper venue's simulated market: the venue contract on the story and the probability market, the same
// market for the same seed, and the price process with its regimes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "@/server/venue/clock";
import { PaperVenue, REGIMES, probabilityPaperOptions, type RegimeSetting } from "@/server/venue/paper";
import type { VenueFill } from "@/server/venue/types";
import { assertWellFormedBook, venueContract } from "./contract";
import { T0, d, fmtBook, paper } from "./paper-helpers";

const MIN = 60_000;

function harness(make: () => { venue: PaperVenue; clock: ManualClock }) {
  return () => {
    const { venue, clock } = make();
    return {
      venue,
      makerFillWithinMs: 60_000,
      advance: async (ms: number) => {
        clock.advanceBy(ms);
        venue.advanceTo(clock.now());
      },
    };
  };
}

venueContract("paper (story market, falling)", harness(() => paper()));
venueContract("paper (probability market, calm)", harness(() => {
  const clock = new ManualClock(T0);
  return { venue: new PaperVenue({ ...probabilityPaperOptions(7), clock }), clock };
}));

const fmtFill = (f: VenueFill) => `${f.tradeId} ${f.clientOrderId} ${f.side} ${f.price} ${f.size} ${f.fee} ${f.liquidity} ${f.ts}`;

/** A scripted session: quotes around the touch re-placed every second for two minutes. */
async function session(seed: number, stepMs: number): Promise<{ books: string[]; fills: string[] }> {
  const { venue, clock } = paper({ seed });
  const books: string[] = [];
  const fills: string[] = [];
  venue.watchFills((f) => fills.push(fmtFill(f)));
  let n = 0;
  for (let s = 0; s < 120; s++) {
    const book = await venue.fetchOrderBook();
    books.push(fmtBook(book));
    await venue.cancelAllOrders();
    await venue.createOrder({ clientOrderId: `b${++n}`, side: "buy", type: "limit", price: book.bids[0]!.price, size: d("0.2"), postOnly: true }).catch(() => undefined);
    await venue.createOrder({ clientOrderId: `a${++n}`, side: "sell", type: "limit", price: book.asks[0]!.price, size: d("0.2"), postOnly: true }).catch(() => undefined);
    const target = T0 + (s + 1) * 1000;
    while (clock.now() < target) {
      clock.advanceTo(Math.min(target, clock.now() + stepMs));
      venue.advanceTo(clock.now());
    }
  }
  await venue.close();
  return { books, fills };
}

describe("paper venue: determinism", () => {
  test("the same seed gives the same books and fills, however time is chopped up", async () => {
    const a = await session(42, 1000);
    const b = await session(42, 1000);
    const c = await session(42, 7);
    assert.ok(a.fills.length > 5, `the session produces fills (${a.fills.length})`);
    assert.deepEqual(b.books, a.books);
    assert.deepEqual(b.fills, a.fills);
    assert.deepEqual(c.fills, a.fills, "fills do not depend on how often the simulation is advanced");
    assert.deepEqual(c.books, a.books);
  });

  test("a different seed gives a different market", async () => {
    const a = await session(42, 1000);
    const b = await session(43, 1000);
    assert.notDeepEqual(b.books, a.books);
    assert.notDeepEqual(b.fills, a.fills);
  });

  test("fetching the book does not consume randomness", async () => {
    const x = paper({ seed: 5 });
    const y = paper({ seed: 5 });
    for (let i = 0; i < 50; i++) {
      x.clock.advanceBy(1000);
      await x.venue.fetchOrderBook();
    }
    y.clock.advanceBy(50_000);
    assert.equal(fmtBook(await x.venue.fetchOrderBook()), fmtBook(await y.venue.fetchOrderBook()));
    assert.deepEqual(x.venue.stats, y.venue.stats);
  });
});

describe("paper venue: price process and regimes", () => {
  const fairAfter = (regime: RegimeSetting, seed: number, ms: number) => {
    const { venue } = paper({ seed, regime });
    venue.advanceTo(T0 + ms);
    return venue.fairPrice.toNumber();
  };

  test("the falling market falls: 2000 to about 1960 in ten minutes, for every seed", () => {
    for (let seed = 1; seed <= 8; seed++) {
      const p = fairAfter("falling", seed, 10 * MIN);
      assert.ok(p > 1940 && p < 1975, `seed ${seed}: ${p}`);
    }
  });

  test("trending_up rises, calm stays within 1 %, volatile moves more than calm", () => {
    let calmMove = 0;
    let volMove = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const up = fairAfter("trending_up", seed, 10 * MIN);
      assert.ok(up > 2025 && up < 2060, `trending_up seed ${seed}: ${up}`);
      const calm = fairAfter("calm", seed, 10 * MIN);
      assert.ok(Math.abs(calm - 2000) < 20, `calm seed ${seed}: ${calm}`);
      calmMove += Math.abs(calm - 2000);
      volMove += Math.abs(fairAfter("volatile", seed, 10 * MIN) - 2000);
    }
    assert.ok(volMove > 2 * calmMove, `volatile ${volMove} vs calm ${calmMove}`);
  });

  test("the book follows the price and stays on the grid with 20+ levels a side", async () => {
    const { venue, clock } = paper({ seed: 3 });
    for (let i = 0; i < 20; i++) {
      clock.advanceBy(30_000);
      const b = await venue.fetchOrderBook();
      assertWellFormedBook(b, venue);
      assert.ok(b.bids.length >= 20 && b.asks.length >= 20);
      const mid = b.bids[0]!.price.plus(b.asks[0]!.price).div(2);
      assert.ok(mid.minus(venue.fairPrice).abs().lte("0.5"), `mid ${mid} near fair ${venue.fairPrice}`);
      assert.ok(b.ts <= clock.now() && b.ts > clock.now() - 5000, "book timestamp is recent");
    }
  });

  test("a schedule switches regimes at the given offsets", () => {
    const { venue } = paper({ regime: { schedule: [{ atMs: 0, regime: "calm" }, { atMs: 5 * MIN, regime: "falling" }, { atMs: 8 * MIN, regime: REGIMES.volatile }] } });
    venue.advanceTo(T0 + 4 * MIN);
    assert.equal(venue.regime.name, "calm");
    const p5 = venue.fairPrice.toNumber();
    venue.advanceTo(T0 + 5 * MIN + 1000);
    assert.equal(venue.regime.name, "falling");
    venue.advanceTo(T0 + 8 * MIN - 1000);
    assert.ok(venue.fairPrice.toNumber() < p5 - 5, "fell during the falling leg");
    venue.advanceTo(T0 + 8 * MIN + 1000);
    assert.equal(venue.regime.name, "volatile");
  });

  test("a Markov chain visits several regimes, deterministically", () => {
    const run = () => {
      const { venue } = paper({ seed: 11, regime: { markov: { states: ["calm", "falling", "trending_up", "volatile"], meanDwellMs: 30_000 } } });
      const seen: string[] = [];
      for (let s = 0; s < 600; s++) {
        venue.advanceTo(T0 + s * 1000);
        if (seen[seen.length - 1] !== venue.regime.name) seen.push(venue.regime.name);
      }
      return seen;
    };
    const a = run();
    assert.ok(new Set(a).size >= 3, `visited ${a.join(" > ")}`);
    assert.ok(a.length >= 8, "switches many times in ten minutes at a 30 s dwell");
    assert.deepEqual(run(), a);
  });

  test("bad settings fail at construction with a clear message", () => {
    assert.throws(() => paper({ regime: { schedule: [{ atMs: 10, regime: "calm" }] } }), /first step must start at atMs 0/);
    assert.throws(() => paper({ regime: "sideways" as never }), /unknown regime "sideways"/);
    assert.throws(() => paper({ book: { spread: "0.005" } }), /book.spread 0.005 must be a positive multiple of the tick 0.01/);
    assert.throws(() => paper({ initialPrice: "-1" }), /initialPrice -1 is outside/);
    assert.throws(() => paper({ seed: 1.5 }), /seed must be an integer/);
    assert.throws(() => paper({ regime: { markov: { states: ["calm", "falling"], meanDwellMs: 1000, transitions: [[0.5, 0.4], [1, 0]] } } }), /row 0 sums to 0.9/);
  });
});
