// Start-up after any stop (clean, SIGTERM or kill -9): rebuild the books from the database and the fill
// journal, take back the orders the database says may be live, then square everything with the venue: fills
// it reports that we never booked are booked, orders are matched by client id (unknown ones asked about),
// the position is compared, and whatever still rests is cancelled (quotes are cheap to re-place; adopting a
// half-known order is not).
import { decideQuotes } from "@/lib/strategy";
import type { Runner, RunnerDeps } from "@/server/runner/runner";
import { BookTrigger } from "@/server/runner/book-trigger";
import { excludeOwnOrders } from "@/server/runner/own-orders";

export async function recover(r: Runner, runMeta?: RunnerDeps["runMeta"]): Promise<void> {
  const rec = await r.store.loadRecoveryState(r.strategy.id);
  r.strategy = rec.strategy;
  r.riskState = rec.strategy.riskState;
  r.paused = rec.strategy.paused || !r.armed; // a live desk stays paused until armed, whatever was stored
  r.rebalanceCount = rec.rebalanceCount;
  if (!rec.params) throw new Error(`strategy ${r.strategy.name} has no parameter version: create it with initial parameters`);
  r.params.load(rec.params);

  r.ledger.restore(rec.fills);
  for (const o of rec.openOrders) r.tracker.restore(o, o.history);
  // Each replayed fill moves its order before the next is booked: the store sees fills and states in the
  // order they happened (all fills first would store "filled", then refuse the "partially_filled" after it).
  const journaled = r.ledger.replayJournal((e) => {
    if (e.clientOrderId) r.tracker.onFill({ ...e, clientOrderId: e.clientOrderId, venueOrderId: e.venueOrderId ?? "" });
  });

  if (rec.lastRun && rec.lastRun.stoppedAt === null) {
    const last = rec.lastRun;
    r.writes.push(() => r.store.stopRun(last.id, "process died; recovered on restart", new Date(r.time.now())));
    r.loop.holdAfterUncleanStop(r.time.now());
  }
  const run = await r.store.startRun({
    strategyId: r.strategy.id,
    mode: r.strategy.mode,
    seed: runMeta?.seed ?? null,
    config: runMeta?.config,
    startedAt: new Date(r.time.now()),
  });
  r.runId = run.id;
  const unsubscribeFills = r.venue.watchFills((f) => r.onVenueFill(f));
  // Live: a new book runs a decision at once (debounced), not only the clock's tick.
  const quoteOnBookMs = r.config.quoteOnBookMs;
  let unsubscribeBook: (() => void) | undefined;
  if (quoteOnBookMs !== null) {
    const trigger = new BookTrigger(quoteOnBookMs, () => r.ticking, (book) => r.tick(r.time.now(), book), () => rehearseDecision(r));
    r.bookTrigger = trigger;
    // Every streamed book is what the next quote would meet (quoter.ts caps post-only quotes against it).
    unsubscribeBook = r.venue.watchOrderBook((book) => {
      r.loop.noteBook(book);
      trigger.onBook(book);
    });
  }
  // A new grid (tick size) from the venue: quote on it from the next decision; quotes off it are replaced.
  const unsubscribeMarket = r.venue.watchMarket?.((m) => {
    const was = r.market;
    r.market = m;
    r.quoter.market = m;
    r.snapshotWanted = true;
    r.publisher.alert("stale_data", "info", `the venue's grid moved with the market: tick ${was.tickSize} → ${m.tickSize}, prices [${m.minPrice}, ${m.maxPrice}]; quotes off the new tick are replaced`);
  });
  let dropped = false;
  const unsubscribeConnection = r.venue.watchConnection?.((state) => {
    if (state === "disconnected") {
      dropped = true;
      r.bookTrigger?.forget();
    }
    else if (dropped) {
      dropped = false;
      r.log("venue connection back: reconciling");
      void r.reconciler.run("reconnect");
    }
  });
  r.unsubscribeFills = () => {
    unsubscribeFills();
    unsubscribeBook?.();
    unsubscribeMarket?.();
    unsubscribeConnection?.();
  };

  r.markRunning();
  const report = await r.reconciler.run("start");
  const live = r.tracker.live().length;
  r.quoter.standDown("restart");
  const quiet = await r.quiet(r.config.venueDeadlineMs);
  // With the database down the journal keeps its entries: the next start replays them.
  if (await r.writes.flush()) r.ledger.truncateJournalIfDrained();
  r.log(
    `recovered ${r.strategy.name}: inventory ${r.ledger.position.qty} from ${rec.fills.length} fills (+${journaled.length} from the journal, ` +
      `+${report.fillsRecovered} from the venue); ${rec.openOrders.length} live orders in the database, ${live} after reconciliation` +
      `${quiet ? "" : " (some cancels unconfirmed)"}; venue position ${report.venueQty ?? "unknown"}${report.error ? ` (${report.error})` : ""}`,
  );
  r.emitStatus();
}

/**
 * The decision's pure part (our orders out of the newest book, the strategy's decision) on the newest book,
 * its result dropped: the book trigger runs it in idle time so that the next book finds its code compiled.
 */
function rehearseDecision(r: Runner): void {
  const book = r.loop.seenBook;
  if (!book || !r.running || !r.params.loaded) return;
  const theirs = excludeOwnOrders(book, r.tracker.liveValues());
  decideQuotes({ ...r.deskLink.quoteState?.(), inventory: r.ledger.position.qty }, r.params.current, theirs, r.market);
}
