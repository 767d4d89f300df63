import type Decimal from "decimal.js";
import type { Side } from "@/lib/market";

export type IntentReason = "quote" | "rebalance" | "emergency";

/** What a tick wants placed, before the risk gate has had its say. */
export interface OrderIntent {
  readonly side: Side;
  readonly type: "limit" | "market";
  readonly price: Decimal | null;
  readonly size: Decimal;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly reason: IntentReason;
}
