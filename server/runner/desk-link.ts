// What a runner takes from the desk it runs in (server/desk): the venue account's order-rate limiter,
// shared by every strategy on that account, and the desk-wide check that stops any strategy from growing
// its position while the desk's total is over its cap. A runner alone (tests, the CLI) has neither.
import type { PairDTO } from "@/lib/events";
import type { QuoteState } from "@/lib/strategy";
import type { OrderRateLimiter } from "@/server/runner/risk-gate";
import type { StoreWrite } from "@/server/store/port";

export interface DeskLink {
  /** Shared per venue account; without it the runner has a limiter of its own. */
  readonly limiter?: OrderRateLimiter;
  /** A reason while the desk blocks growth (orders then pass the gate only if they reduce), else null. */
  readonly growthBlocked?: () => string | null;
  /** The desk's shared writer: every strategy's batches in one round trip (server/desk/write-coalescer.ts). */
  readonly applyWrites?: (writes: readonly StoreWrite[]) => Promise<unknown>;
  /**
   * One leg of a binary market quoted as a pair (server/runner/pair.ts): what the strategy core also needs to
   * decide (both tokens' values and shares: the position skew, the merge check and the total-position cap).
   */
  readonly quoteState?: () => Omit<QuoteState, "inventory">;
  /** A reason while quoting must stand down (a merge under way); null otherwise. */
  readonly holdQuotes?: () => string | null;
  /** The pair as the dashboard shows it, on the status of the strategy the page shows (undefined while it opens). */
  readonly pairStatus?: () => PairDTO | undefined;
}
