// The paper venue as the paper-*.test.ts suites make it: on a manual clock from T0, the falling story market
// unless told otherwise, and the book as one string, to compare books.
import Decimal from "decimal.js";
import { ManualClock } from "@/server/venue/clock";
import { PaperVenue, storyPaperOptions, type PaperVenueOptions, type RegimeSetting } from "@/server/venue/paper";

export const T0 = 1_700_000_000_000;

export function paper(opts: Partial<PaperVenueOptions> & { seed?: number; regime?: RegimeSetting } = {}, clock = new ManualClock(T0)) {
  const venue = new PaperVenue({ ...storyPaperOptions(opts.seed ?? 42, opts.regime ?? "falling"), clock, ...opts });
  return { venue, clock };
}

export const d = (v: Decimal.Value) => new Decimal(v);
export const fmtBook = (b: Awaited<ReturnType<PaperVenue["fetchOrderBook"]>>) =>
  `${b.ts}|${b.bids.map((l) => `${l.price}:${l.size}`).join(",")}|${b.asks.map((l) => `${l.price}:${l.size}`).join(",")}`;
