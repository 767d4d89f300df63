// Live quoting on book updates: besides the clock, a new book from the venue's stream runs a decision at
// once, so a quote follows the market within one message rather than one tick. Debounced (at most one
// decision per `debounceMs`, the last book of a burst always handled) and never two decisions at once; the
// order-rate cap (risk gate) and the anti-churn tolerance (quoter) apply as on every tick.
import type { OrderBook } from "@/lib/market";

export class BookTrigger {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The newest book not yet decided on. */
  private book: OrderBook | null = null;
  private lastAt = -Infinity;
  private again = false;
  stopped = false;
  /** Decisions run because a book arrived. */
  fired = 0;

  private rehearsals: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly debounceMs: number,
    /** True while a decision (a clock tick or ours) is under way. */
    private readonly busy: () => boolean,
    /** Decides on the book in hand, without reading it again (see Runner.tick). */
    private readonly decide: (book: OrderBook) => Promise<void>,
    /**
     * Runs the decision's pure part again on the last book, its result dropped. A live market moves a few
     * times a second: too seldom for V8 to compile the code a book runs through, so each book was decided
     * by the interpreter, on cold caches (~150 µs, against ~40 µs for the same decision in a simulation's
     * hot loop). Rehearsed in idle time, it is compiled and warm when the next book comes.
     */
    private readonly rehearse: (() => void) | null = null,
    private readonly rehearseEveryMs = 50,
  ) {}

  /** A new book arrived (none: the last one, after a wait). */
  onBook(book?: OrderBook): void {
    if (this.stopped) return;
    if (this.rehearse && !this.rehearsals) {
      this.rehearsals = setInterval(() => this.rehearseIfIdle(), this.rehearseEveryMs);
      this.rehearsals.unref?.();
    }
    if (book) this.book = book;
    if (!this.book) return;
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
    const b = this.book;
    this.book = null;
    void this.decide(b);
  }

  /** A decision finished: a book that came meanwhile is handled now. */
  settled(): void {
    if (!this.again) return;
    this.again = false;
    this.onBook();
  }

  /** The stream dropped: a book held for later is stale, never decided on. */
  forget(): void {
    this.book = null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.rehearsals) clearInterval(this.rehearsals);
  }

  /** Only between decisions: a decision made lately has kept the code warm itself. */
  private rehearseIfIdle(): void {
    if (this.stopped || this.timer || this.busy() || performance.now() - this.lastAt < this.rehearseEveryMs) return;
    try {
      this.rehearse?.();
    } catch {
      // A rehearsal's result (or failure) is dropped: the next real decision meets the same and reports it.
    }
  }
}
