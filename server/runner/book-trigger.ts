// Live quoting on book updates: besides the clock, a new book from the venue's stream runs a decision at
// once, so a quote follows the market within one message rather than one tick. Debounced (at most one
// decision per `debounceMs`, the last book of a burst always handled) and never two decisions at once; the
// order-rate cap (risk gate) and the anti-churn tolerance (quoter) apply as on every tick.
export class BookTrigger {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = -Infinity;
  private again = false;
  stopped = false;
  /** Decisions run because a book arrived. */
  fired = 0;

  constructor(
    private readonly debounceMs: number,
    /** True while a decision (a clock tick or ours) is under way. */
    private readonly busy: () => boolean,
    private readonly decide: () => Promise<void>,
  ) {}

  /** A new book arrived. */
  onBook(): void {
    if (this.stopped) return;
    if (this.busy()) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = this.lastAt + this.debounceMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.onBook();
      }, wait);
      this.timer.unref?.();
      return;
    }
    this.lastAt = performance.now();
    this.fired++;
    void this.decide();
  }

  /** A decision finished: a book that came meanwhile is handled now. */
  settled(): void {
    if (!this.again) return;
    this.again = false;
    this.onBook();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
