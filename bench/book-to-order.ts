// Book-to-order latency in live mode, against the fake Hyperliquid in this process: from a book message
// the adapter received (the market moved) to the first order request (a cancel or a create, signed) handed
// to the HTTP client, through the stream, the book trigger, the strategy, the risk gate and ccxt's
// signing. The fake runs in the same process, so its own work can add to the figures, never subtract.
import { until, connect, runnerOn } from "../tests/fakes/hyperliquid/harness";

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export async function run(moves = 100): Promise<void> {
  const c = await connect({ fake: { houseHalfSpreadTicks: 100, houseSize: "1", bookEveryMs: 60_000 }, venue: { rateLimitMs: Number(process.env.BENCH_RATE_LIMIT_MS ?? 50) } });
  let lastBid = "";
  let bookMoved: ((t: number) => void) | null = null;
  c.venue.watchBook((b) => {
    const t = performance.now();
    // The deepest level is the house's (the rest of the market): it moves when the market does, ours do not count.
    const bid = b.bids.at(-1)?.price.toString() ?? "";
    if (bid !== lastBid) {
      lastBid = bid;
      bookMoved?.(t);
    }
  });
  const requests: number[] = [];
  const hooks = c.venue.client.hooks;
  c.venue.client.hooks = {
    ...hooks,
    onRequest: (url, body) => {
      hooks.onRequest?.(url, body);
      if (url.endsWith("/exchange")) requests.push(performance.now());
    },
  };
  const runner = await runnerOn(c, "bench-book-to-order", { quoteOnBookMs: 0, maxOrdersPerSecond: 1000 });
  // When the desk decided to act (the cancel or create handed to the venue adapter).
  const decided: number[] = [];
  const ex = runner.execution;
  const cancel = ex.cancel.bind(ex);
  const submit = ex.submit.bind(ex);
  ex.cancel = (o, why) => (decided.push(performance.now()), cancel(o, why));
  ex.submit = (o) => (decided.push(performance.now()), submit(o));
  await runner.tick(Date.now());
  const ours = () => c.fake.engine.openOrders(c.user);
  await until("quotes resting", () => ours().length === 2, 20_000);
  const lat: number[] = [];
  const decide: number[] = [];
  let mark = 2000;
  for (let i = 0; i < moves; i++) {
    mark += i % 2 ? -3 : 3;
    const booked = new Promise<number>((r) => (bookMoved = r));
    c.fake.engine.setMark("ETH", String(mark));
    const tb = await booked;
    // The first order request at or after the book that moved (a cancel: we cancel before re-quoting).
    await until("an order request after the move", () => requests.some((t) => t >= tb), 5_000);
    lat.push(requests.find((t) => t >= tb)! - tb);
    const d = decided.find((t) => t >= tb);
    if (d !== undefined) decide.push(d - tb);
    await until("the re-quote to complete", () => ours().length === 2 && runner.tracker.live().every((o) => o.state === "open"), 10_000);
    // The market moves every 500 ms (a busy market for a desk re-quoting on each move): each re-quote is 4
    // requests, and the venue's request budget (ccxt's bucket) refills between moves as it would live.
    await new Promise((r) => setTimeout(r, 500));
  }
  await runner.shutdown("bench");
  await c.close();
  const f = (x: number) => `${x.toFixed(3)} ms`;
  console.log(`\nbook → order request (live, fake Hyperliquid in-process, ${lat.length} market moves)`);
  console.log(`  to the request handed to the HTTP client: p50 ${f(pct(lat, 50))}  p90 ${f(pct(lat, 90))}  p99 ${f(pct(lat, 99))}  max ${f(Math.max(...lat))}   bar p99 ≤ 1 ms: ${pct(lat, 99) <= 1 ? "met" : "NOT met"}`);
  console.log(`  of which the desk's decision (book → cancel/create handed to the adapter): p50 ${f(pct(decide, 50))}  p99 ${f(pct(decide, 99))}; the rest is signing and ccxt's request pipeline`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
