// The desk records what it trades on, for the lab: every book it decides on (less its own orders, as the
// decision saw it) and the market's trades where the venue reports them (the paper venue does), into
// <data>/recordings/ in the replay format, rotated and capped (SKEWDESK_RECORD*, README).
import { join } from "node:path";
import type Decimal from "decimal.js";
import type { OrderBook, Side } from "@/lib/market";
import { ReplayRecorder } from "@/server/venue/replay";
import type { RunnerEnv } from "@/server/host/runner-env";

export type WatchTrades = (listener: (t: { ts: number; side: Side; price: Decimal; size: Decimal }) => void) => () => void;

/** Starts recording; answers the stop. Nothing is recorded with SKEWDESK_RECORD=0. */
export function startRecording(
  env: Pick<RunnerEnv, "SKEWDESK_RECORD" | "SKEWDESK_RECORD_FILE_MB" | "SKEWDESK_RECORD_MAX_MB" | "SKEWDESK_TICK_MS">,
  dataDir: string,
  runner: { loop: { lastBook: OrderBook | null } },
  venue: { watchTrades?: WatchTrades },
  log: (line: string) => void,
): () => void {
  if (env.SKEWDESK_RECORD !== "1") return () => undefined;
  const rec = new ReplayRecorder({
    dir: join(dataDir, "recordings"),
    maxFileBytes: Math.round(env.SKEWDESK_RECORD_FILE_MB * 1_000_000),
    maxTotalBytes: Math.round(env.SKEWDESK_RECORD_MAX_MB * 1_000_000),
    log,
  });
  const offTrades = venue.watchTrades?.((t) => rec.trade(t));
  // The decision's book is replaced (a new object) every tick that read one: record each once.
  let last: OrderBook | null = null;
  const timer = setInterval(() => {
    const b = runner.loop.lastBook;
    if (b && b !== last) {
      last = b;
      rec.book(b);
    }
  }, Math.max(10, Math.floor(env.SKEWDESK_TICK_MS / 2)));
  timer.unref();
  log(`recording the market to ${join(dataDir, "recordings")} (files of ${env.SKEWDESK_RECORD_FILE_MB} MB, at most ${env.SKEWDESK_RECORD_MAX_MB} MB in all)`);
  return () => {
    clearInterval(timer);
    offTrades?.();
    rec.close();
  };
}
