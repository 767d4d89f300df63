// Persistence never blocks a tick and never reorders: writes run one at a time in submission order. When
// the database fails, the queue keeps the failed write at its head and retries it on the next kick, so a
// fill recorded after an outage is still recorded after the order it belongs to. Fills are also in the
// journal, so a process dying with writes queued loses nothing that recovery can't replay.

export interface WriteQueueOptions {
  /** Snapshots beyond this many queued are dropped oldest-first during an outage; fills and orders never are. */
  maxDroppable: number;
  onError: (err: unknown, consecutiveFailures: number) => void;
  onRecovered: (afterFailures: number) => void;
}

interface Job {
  run: () => Promise<unknown>;
  droppable: boolean;
}

export class WriteQueue {
  private jobs: Job[] = [];
  private draining: Promise<void> | null = null;
  private failures = 0;
  private droppable = 0;
  dropped = 0;

  constructor(private readonly opts: WriteQueueOptions) {}

  get length(): number {
    return this.jobs.length;
  }

  get healthy(): boolean {
    return this.failures === 0;
  }

  push(run: () => Promise<unknown>, droppable = false): void {
    this.jobs.push({ run, droppable });
    if (droppable && ++this.droppable > this.opts.maxDroppable) this.dropOldestDroppable();
    this.kick();
  }

  /** Starts draining if idle; resolves when the queue is empty or a write failed. */
  kick(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Waits until everything queued so far is written, retrying through failures up to `timeoutMs`. */
  async flush(timeoutMs = 10_000, retryEveryMs = 200): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.kick();
      if (this.jobs.length === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Never past the deadline: a caller with an answer budget (the emergency close) relies on it.
      await new Promise((r) => setTimeout(r, Math.min(retryEveryMs, left)));
    }
  }

  private dropOldestDroppable(): void {
    const i = this.jobs.findIndex((j, idx) => j.droppable && idx > 0);
    if (i > 0) {
      this.jobs.splice(i, 1);
      this.droppable--;
      this.dropped++;
    }
  }

  private async drain(): Promise<void> {
    while (this.jobs.length) {
      const job = this.jobs[0]!;
      try {
        await job.run();
      } catch (err) {
        this.failures++;
        this.opts.onError(err, this.failures);
        return;
      }
      this.jobs.shift();
      if (job.droppable) this.droppable--;
      if (this.failures) {
        this.opts.onRecovered(this.failures);
        this.failures = 0;
      }
    }
  }
}
