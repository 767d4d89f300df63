// Every venue call has a deadline: a call that never answers must not hold anything forever.
// The calls of a simulation answer within microseconds, thousands a second: a timer made and cleared per call
// cost more than the call. Pending deadlines therefore share one timer, armed for the earliest of them. An
// answered call only marks its entry settled (no map to delete from: a map that grows and shrinks by one
// entry at a time keeps rebuilding its table); settled entries are swept out in bulk.
import { RequestTimeout } from "@/server/venue/errors";

interface Pending {
  readonly at: number;
  settled: boolean;
  readonly reject: (err: unknown) => void;
  readonly what: string;
  readonly ms: number;
  readonly opts: { venue?: string; expired?: string };
}

let pending: Pending[] = [];
let settledCount = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let timerAt = Infinity;

function arm(at: number, now: number): void {
  if (timer !== null && timerAt <= at) return;
  if (timer !== null) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.max(0, Math.ceil(at - now)));
  timer.unref?.();
}

function sweep(): void {
  pending = pending.filter((p) => !p.settled);
  settledCount = 0;
}

function settle(p: Pending): boolean {
  if (p.settled) return false;
  p.settled = true;
  // Swept once settled entries are half of them: each entry is copied O(1) times on average.
  if (++settledCount > 64 && settledCount * 2 > pending.length) sweep();
  return true;
}

function fire(): void {
  timer = null;
  timerAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  const due: Pending[] = [];
  for (const p of pending) {
    if (p.settled) continue;
    if (p.at <= now) due.push(p);
    else if (p.at < next) next = p.at;
  }
  for (const p of due) {
    if (settle(p)) p.reject(new RequestTimeout(`${p.what}: ${p.opts.expired ?? "no answer"} within ${p.ms} ms`, p.opts.venue ? { venue: p.opts.venue } : undefined));
  }
  sweep();
  if (next !== Infinity) arm(next, now);
}

/** Deadlines not yet reached nor answered (tests check that answered calls leave nothing behind). */
export function pendingDeadlines(): number {
  return pending.length - settledCount;
}

/** Settles like `p`, or rejects with RequestTimeout after `ms` of wall time. The timer never keeps the process alive. */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string, opts: { venue?: string; expired?: string } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const now = performance.now();
    const entry: Pending = { at: now + ms, settled: false, reject, what, ms, opts };
    pending.push(entry);
    arm(entry.at, now);
    p.then(
      (v) => {
        if (settle(entry)) resolve(v);
      },
      (err: unknown) => {
        if (settle(entry)) reject(err);
      },
    );
  });
}
