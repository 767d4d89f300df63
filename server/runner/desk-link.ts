// What a runner takes from the desk it runs in (server/desk): the venue account's order-rate limiter,
// shared by every strategy on that account, and the desk-wide check that stops any strategy from growing
// its position while the desk's total is over its cap. A runner alone (tests, the CLI) has neither.
import type { OrderRateLimiter } from "@/server/runner/risk-gate";
import type { StoreWrite } from "@/server/store/types";

export interface DeskLink {
  /** Shared per venue account; without it the runner has a limiter of its own. */
  readonly limiter?: OrderRateLimiter;
  /** A reason while the desk blocks growth (orders then pass the gate only if they reduce), else null. */
  readonly growthBlocked?: () => string | null;
  /** The desk's shared writer: every strategy's batches in one round trip (server/desk/write-coalescer.ts). */
  readonly applyWrites?: (writes: readonly StoreWrite[]) => Promise<unknown>;
}
