// Every venue call has a deadline: a call that never answers must not hold anything forever.
import { RequestTimeout } from "@/server/venue/errors";

/** Settles like `p`, or rejects with RequestTimeout after `ms` of wall time. The timer never keeps the process alive. */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string, opts: { venue?: string; expired?: string } = {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout(`${what}: ${opts.expired ?? "no answer"} within ${ms} ms`, opts.venue ? { venue: opts.venue } : undefined)), ms);
    timer.unref?.();
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}
