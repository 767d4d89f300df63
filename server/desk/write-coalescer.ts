// One database round trip for the whole desk's writes. Each strategy's write queue batches its own writes;
// with a hundred strategies that is still a hundred small transactions a round, each paying the same fixed
// handful of statements and a commit. The coalescer sends the batches that arrive while one is in flight
// as one Store.applyWrites, and answers each queue for its own part. A combined batch that fails fails
// every queue in it, which then tries its writes one by one (write-queue.ts): a poison write still ends up
// dead-lettered alone. Where the store says a leading part went in (BatchWriteError, no transactions),
// each queue hears how much of its own part that was.
import { BatchWriteError } from "@/server/store/errors";
import type { Store, StoreWrite } from "@/server/store/port";

interface Part {
  writes: readonly StoreWrite[];
  resolve: (n: number) => void;
  reject: (err: unknown) => void;
}

export class WriteCoalescer {
  private waiting: Part[] = [];
  private busy = false;
  /** Round trips made (combined batches sent). */
  roundTrips = 0;

  constructor(
    private readonly store: Pick<Store, "applyWrites">,
    /** At most this many writes per round trip. */
    private readonly maxWrites = 5_000,
  ) {}

  readonly applyWrites = (writes: readonly StoreWrite[]): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      this.waiting.push({ writes, resolve, reject });
      if (!this.busy) void this.run();
    });

  private async run(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting.length) {
        let n = 0;
        let k = 0;
        while (k < this.waiting.length && (k === 0 || n + this.waiting[k]!.writes.length <= this.maxWrites)) n += this.waiting[k++]!.writes.length;
        const parts = this.waiting.splice(0, k);
        await this.send(parts);
      }
    } finally {
      this.busy = false;
    }
  }

  private async send(parts: Part[]): Promise<void> {
    this.roundTrips++;
    try {
      await this.store.applyWrites(parts.flatMap((p) => p.writes));
    } catch (err) {
      const partial = err instanceof BatchWriteError || (err as { name?: unknown })?.name === "BatchWriteError";
      const applied = partial ? Number((err as BatchWriteError).applied) || 0 : 0;
      // The count is over the combined batch: each part hears its own share, and a part none of which went
      // in hears the failure itself (never the combined count, which would mark its writes done).
      const cause = partial ? ((err as BatchWriteError).cause ?? err) : err;
      let offset = 0;
      for (const p of parts) {
        const mine = Math.min(Math.max(applied - offset, 0), p.writes.length);
        if (mine === p.writes.length) p.resolve(mine);
        else p.reject(mine > 0 ? new BatchWriteError(mine, cause) : cause);
        offset += p.writes.length;
      }
      return;
    }
    for (const p of parts) p.resolve(p.writes.length);
  }
}
