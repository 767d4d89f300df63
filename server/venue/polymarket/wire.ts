// Polymarket CLOB V2's wire shapes (REST answers and WebSocket events), checked with zod at the boundary.
// Field names follow the venue (snake_case, decimal strings). Only the fields the adapter reads are
// required; the venue adds fields freely, so objects are not strict.
import Decimal from "decimal.js";
import { z } from "zod";
import type { BookLevel } from "@/lib/market";
import { decimalSchema, nonNegativeDecimalSchema, positiveDecimalSchema, timestampSchema } from "@/server/venue/schemas";

const id = z.union([z.string().min(1), z.number()]).transform(String);
const side = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.enum(["BUY", "SELL"]));
const level = z.object({ price: positiveDecimalSchema, size: nonNegativeDecimalSchema });

/** Levels in any order (the venue lists them worst first), zero sizes dropped, best first. */
export function bestFirst(levels: readonly { price: Decimal; size: Decimal }[], dir: "bids" | "asks"): BookLevel[] {
  const kept = levels.filter((l) => l.size.gt(0)).map((l) => ({ price: l.price, size: l.size }));
  kept.sort((a, b) => (dir === "bids" ? b.price.cmp(a.price) : a.price.cmp(b.price)));
  return kept;
}

export const bookSummarySchema = z.object({
  market: z.string().optional(),
  asset_id: id,
  timestamp: timestampSchema.optional(),
  bids: z.array(level),
  asks: z.array(level),
  min_order_size: positiveDecimalSchema.optional(),
  tick_size: positiveDecimalSchema.optional(),
  neg_risk: z.boolean().optional(),
});

export const tickSizeSchema = z.object({ minimum_tick_size: positiveDecimalSchema });
export const negRiskSchema = z.object({ neg_risk: z.boolean() });

export const apiKeySchema = z.object({ apiKey: z.string().min(1), secret: z.string().min(1), passphrase: z.string().min(1) });

/** POST /order: success false carries the refusal in errorMsg (HTTP 200 or 400). */
export const orderResponseSchema = z.object({
  success: z.boolean().optional(),
  errorMsg: z.string().optional().default(""),
  orderID: z.string().optional().default(""),
  status: z.string().optional().default(""),
  takingAmount: z.string().optional(),
  makingAmount: z.string().optional(),
  tradeIDs: z.array(z.string()).nullish(),
});

/** An order as /data/orders and /data/order/{id} list it. */
export const openOrderSchema = z.object({
  id,
  status: z.string(),
  asset_id: id,
  market: z.string().optional(),
  side,
  original_size: nonNegativeDecimalSchema,
  size_matched: nonNegativeDecimalSchema,
  price: positiveDecimalSchema,
  created_at: timestampSchema.optional(),
  order_type: z.string().optional(),
});
export type WireOrder = z.output<typeof openOrderSchema>;

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string() });

export const makerOrderSchema = z.object({
  order_id: id,
  owner: z.string().optional(),
  maker_address: z.string().optional(),
  matched_amount: positiveDecimalSchema,
  price: positiveDecimalSchema,
  fee_rate_bps: decimalSchema.optional(),
  asset_id: id,
  side: side.optional(),
});

/** A trade, as /data/trades lists it and as the user channel sends it (one message per status). */
export const tradeSchema = z
  .object({
    id,
    taker_order_id: id,
    market: z.string().optional(),
    asset_id: id,
    side,
    size: positiveDecimalSchema,
    price: positiveDecimalSchema,
    fee_rate_bps: decimalSchema.optional(),
    status: z.string().transform((s) => s.toUpperCase()),
    match_time: timestampSchema.optional(),
    matchtime: timestampSchema.optional(),
    owner: z.string().optional(),
    maker_address: z.string().optional(),
    maker_orders: z.array(makerOrderSchema).default([]),
    trader_side: z.enum(["TAKER", "MAKER"]).optional(),
  })
  .transform((t, ctx) => {
    const at = t.match_time ?? t.matchtime;
    if (at === undefined) {
      ctx.addIssue({ code: "custom", message: "a trade needs match_time (or matchtime)" });
      return z.NEVER;
    }
    // The venue sends unix seconds; ms values are accepted as they are.
    return { ...t, ts: at < 1e12 ? at * 1000 : at };
  });
export type WireTrade = z.output<typeof tradeSchema>;

export const balanceSchema = z.object({ balance: z.string().regex(/^\d+$/, "a whole number of base units (6 decimals)") });
export const heartbeatSchema = z.object({ heartbeat_id: z.string() });
export const cancelSchema = z.object({ canceled: z.array(z.string()).default([]), not_canceled: z.record(z.string(), z.string()).default({}) });

// WebSocket events: a frame is one event or an array of them.
export const wsBookSchema = z.object({ event_type: z.literal("book"), asset_id: id, bids: z.array(level).optional(), asks: z.array(level).optional(), buys: z.array(level).optional(), sells: z.array(level).optional(), timestamp: timestampSchema.optional() });
export const wsPriceChangeSchema = z.object({
  event_type: z.literal("price_change"),
  timestamp: timestampSchema.optional(),
  asset_id: id.optional(),
  price_changes: z.array(z.object({ asset_id: id.optional(), price: positiveDecimalSchema, size: nonNegativeDecimalSchema, side })).optional(),
  changes: z.array(z.object({ price: positiveDecimalSchema, size: nonNegativeDecimalSchema, side })).optional(),
});
export const wsTickSizeSchema = z.object({ event_type: z.literal("tick_size_change"), asset_id: id, old_tick_size: positiveDecimalSchema.optional(), new_tick_size: positiveDecimalSchema });
export const wsLastTradeSchema = z.object({ event_type: z.literal("last_trade_price"), asset_id: id, price: positiveDecimalSchema });
export const wsOrderSchema = z.object({ event_type: z.literal("order"), id, asset_id: id, type: z.string().optional(), status: z.string().optional() });
export const wsTradeSchema = z.object({ event_type: z.literal("trade") }).passthrough();

/** 6-decimal base units ("1500000") as a Decimal (1.5). */
export function fromUnits(raw: string): Decimal {
  return new Decimal(raw).div(1_000_000);
}
