// ccxt's unified orders and trades at our boundary, checked with zod and turned into the venue interface's
// types. ccxt holds numbers it parsed from the exchange's decimal strings; a number prints back to that
// same string when it has at most 15 significant digits (every Binance price and quantity: 8 decimals), so
// Decimal(String(n)) is exact here. Anything that does not parse is refused at the boundary (BadResponse).
import Decimal from "decimal.js";
import { z } from "zod";
import type { OrderStatus, VenueFill, VenueOrder } from "@/server/venue/types";
import type { ClientIdMap } from "./ids";

const dec = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    const d = new Decimal(String(v));
    if (d.isFinite()) return d;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: `not a decimal: ${String(v)}` });
  return z.NEVER;
});
const side = z.enum(["buy", "sell"]);

export const ccxtOrderSchema = z.object({
  id: z.string(),
  clientOrderId: z.string().nullish(),
  timestamp: z.number().nullish(),
  lastUpdateTimestamp: z.number().nullish(),
  lastTradeTimestamp: z.number().nullish(),
  symbol: z.string(),
  type: z.string().nullish(),
  side,
  price: dec.nullish(),
  amount: dec,
  filled: dec.nullish(),
  status: z.string().nullish(),
  info: z.unknown(),
});
export type CcxtOrder = z.output<typeof ccxtOrderSchema>;

export const ccxtTradeSchema = z.object({
  id: z.string(),
  order: z.string().nullish(),
  timestamp: z.number(),
  symbol: z.string(),
  side,
  takerOrMaker: z.enum(["maker", "taker"]).nullish(),
  price: dec,
  amount: dec,
  fee: z.object({ cost: dec.nullish(), currency: z.string().nullish() }).nullish(),
  info: z.unknown(),
});
export type CcxtTrade = z.output<typeof ccxtTradeSchema>;

/** What we remember of an order we sent: its type (the venue reports a market order's average as price). */
export interface SentOrder {
  type: "limit" | "market";
  venueOrderId?: string;
}

export function mapStatus(status: string | null | undefined, filled: Decimal, amount: Decimal): OrderStatus {
  if (status === "open") return filled.gt(0) ? "partially_filled" : "open";
  if (status === "closed") return "filled";
  if (status === "rejected") return "rejected";
  if (status === "expired") return filled.eq(amount) ? "filled" : "expired";
  return "cancelled";
}

/** Binance's cancel answer and CANCELED event report the cancel request's id in clientOrderId, ours in origClientOrderId / "C". */
function wireClientId(o: CcxtOrder): string {
  const info = (o.info ?? {}) as { origClientOrderId?: unknown; C?: unknown; x?: unknown };
  if (typeof info.origClientOrderId === "string" && info.origClientOrderId) return info.origClientOrderId;
  if (info.x === "CANCELED" && typeof info.C === "string" && info.C) return info.C;
  return o.clientOrderId ?? `venue-${o.id}`;
}

export function toVenueOrder(o: CcxtOrder, ids: ClientIdMap, sent: (clientOrderId: string) => SentOrder | undefined): VenueOrder {
  const clientOrderId = ids.clientOrderId(wireClientId(o));
  const filled = o.filled ?? new Decimal(0);
  const market = sent(clientOrderId)?.type === "market" || o.type === "market";
  return {
    clientOrderId,
    venueOrderId: o.id,
    side: o.side,
    type: market ? "market" : "limit",
    price: market ? undefined : (o.price ?? undefined),
    size: o.amount,
    filledSize: filled,
    status: mapStatus(o.status, filled, o.amount),
    ts: o.lastUpdateTimestamp ?? o.lastTradeTimestamp ?? o.timestamp ?? Date.now(),
  };
}

/** The fee in quote currency: as charged when in quote, at the fill's price when in base; other assets
 * (BNB paying Binance fees) are not quote money and are reported through `other`. */
export function feeInQuote(t: CcxtTrade, base: string, quote: string, other: (currency: string, cost: Decimal) => void): Decimal {
  const cost = t.fee?.cost ?? new Decimal(0);
  const cur = t.fee?.currency ?? quote;
  if (cost.isZero() || cur === quote) return cost;
  if (cur === base) return cost.mul(t.price);
  other(cur, cost);
  return new Decimal(0);
}

export function toVenueFill(t: CcxtTrade, clientOrderId: string, fee: Decimal): VenueFill {
  return {
    tradeId: t.id,
    clientOrderId,
    venueOrderId: t.order ?? "",
    side: t.side,
    price: t.price,
    size: t.amount,
    fee,
    liquidity: t.takerOrMaker === "taker" ? "taker" : "maker",
    ts: t.timestamp,
  };
}
