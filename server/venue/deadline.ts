// Every venue call has a deadline: a call that never answers must not hold anything forever.
// The calls of a simulation answer within microseconds, thousands a second: a timer made and cleared per call
// cost more than the call. Pending deadlines therefore share one timer, armed for the earliest of them; a call
// that answers only leaves the set, and the timer, when it fires, rejects what has expired and re-arms itself.
import { RequestTimeout } from "@/server/venue/errors";

interface Pending {
  at: number;
  expire(): void;
}

// Keyed by a counter: a small integer hashes for free, an object key needs an identity hash made for it.
const pending = new Map<number, Pending>();
let nextId = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let timerAt = Infinity;

function arm(at: number, now: number): void {
  if (timer !== null && timerAt <= at) return;
  if (timer !== null) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.max(0, Math.ceil(at - now)));
  timer.unref?.();
}

function fire(): void {
  timer = null;
  timerAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  const due: Array<[number, Pending]> = [];
  for (const [id, p] of pending) {
    if (p.at <= now) due.push([id, p]);
    else if (p.at < next) next = p.at;
  }
  for (const [id, p] of due) {
    pending.delete(id);
    p.expire();
  }
  if (next !== Infinity) arm(next, now);
}

/** Deadlines not yet reached nor answered (tests check that answered calls leave nothing behind). */
export function pendingDeadlines(): number {
  return pending.size;
}

/** Settles like `p`, or rejects with RequestTimeout after `ms` of wall time. The timer never keeps the process alive. */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string, opts: { venue?: string; expired?: string } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const now = performance.now();
    const entry: Pending = {
      at: now + ms,
      expire: () => reject(new RequestTimeout(`${what}: ${opts.expired ?? "no answer"} within ${ms} ms`, opts.venue ? { venue: opts.venue } : undefined)),
    };
    const id = nextId;
    nextId = nextId === 0x3fffffff ? 0 : nextId + 1;
    pending.set(id, entry);
    arm(entry.at, now);
    p.then(
      (v) => {
        pending.delete(id);
        resolve(v);
      },
      (err: unknown) => {
        pending.delete(id);
        reject(err);
      },
    );
  });
}
