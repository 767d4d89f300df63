// The desk's figures across its strategies, for `npm run bench:desk` and /api/desk/metrics: tick time
// percentiles over every strategy's recent ticks together, how evenly the strategies were ticked (a
// starved strategy shows as a low minimum), fills booked, and the database write queue.
import type { DeskMetricsDTO } from "@/lib/desk";
import type { Desk } from "@/server/desk/desk";

export function deskMetrics(desk: Desk, reset: boolean): DeskMetricsDTO {
  const runners = desk.runners().map((r) => r.runner);
  const all: number[] = [];
  const work: number[] = [];
  const ticks: number[] = [];
  let fills = 0;
  let queuedWrites = 0;
  let oldestWriteAgeMs = 0;
  for (const r of runners) {
    const m = r.tickMetrics(false);
    ticks.push(m.ticks);
    for (const d of r.tickSamples()) all.push(d);
    for (const d of r.tickSamples("work")) work.push(d);
    fills += r.stats.fills;
    queuedWrites += r.queuedWrites;
    oldestWriteAgeMs = Math.max(oldestWriteAgeMs, r.oldestWriteAgeMs);
    if (reset) r.tickMetrics(true);
  }
  all.sort((a, b) => a - b);
  work.sort((a, b) => a - b);
  // Counted as the write queues hand fills to the database: asking the database would queue behind them.
  let storedFills = 0;
  for (const r of runners) storedFills += r.writes.fillsWritten;
  const at = (q: number) => (all.length ? Math.round(all[Math.min(all.length - 1, Math.floor(q * all.length))]! * 1000) : 0);
  return {
    strategies: runners.length,
    ticks: ticks.reduce((a, b) => a + b, 0),
    minTicks: ticks.length ? Math.min(...ticks) : 0,
    maxTicks: ticks.length ? Math.max(...ticks) : 0,
    tickP50Us: at(0.5),
    tickP99Us: at(0.99),
    tickMaxUs: all.length ? Math.round(all[all.length - 1]! * 1000) : 0,
    workP50Us: work.length ? Math.round(work[Math.floor(0.5 * work.length)]! * 1000) : 0,
    workP99Us: work.length ? Math.round(work[Math.min(work.length - 1, Math.floor(0.99 * work.length))]! * 1000) : 0,
    fills,
    storedFills,
    queuedWrites,
    oldestWriteAgeMs,
  };
}
