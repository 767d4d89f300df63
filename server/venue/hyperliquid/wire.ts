// Hyperliquid's JSON at our boundary: zod schemas for what /info, /exchange and the WebSocket send, and
// their mapping to the venue interface's types. Decimals stay strings until they become Decimals here
// (ccxt's unified structures hold floats, which is why the adapter reads the raw answers instead).
import type Decimal from "decimal.js";
import { z } from "zod";
import type { BookLevel } from "@/lib/market";
import { checkedDecimal } from "@/lib/strategy/decimal-input";
import type { OrderStatus, VenueFill, VenueOrder } from "@/server/venue/types";
import { decimalSchema, positiveDecimalSchema, nonNegativeDecimalSchema } from "@/server/venue/schemas";
import type { CloidMap } from "./cloid";

const hlSide = z.enum(["B", "A"]).transform((s) => (s === "B" ? "buy" : "sell") as "buy" | "sell");

/**
 * One side of an l2Book: [{px, sz}] as sent, to BookLevels (price > 0, size >= 0, each held to what the
 * database stores, as decimalSchema does). One zod step for the whole side, not one per field: a book
 * arrives with every market move and is on the way to the order it causes (per-field schemas took ~0.2 ms
 * of CPU for a 20-level book; this is a few times less, with the same checks and the field named on error).
 */
export const levelsSchema = z.array(z.unknown()).transform((levels, ctx): BookLevel[] => {
  const out: BookLevel[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as { px?: unknown; sz?: unknown } | null;
    if (typeof l !== "object" || l === null || Array.isArray(l)) {
      ctx.addIssue({ code: "custom", path: [i], message: `expected {px, sz}, got ${JSON.stringify(l)?.slice(0, 40)}` });
      return z.NEVER;
    }
    const price = levelDecimal(l.px, [i, "px"], ctx, true);
    const size = levelDecimal(l.sz, [i, "sz"], ctx, false);
    if (price === null || size === null) return z.NEVER;
    out[i] = { price, size };
  }
  return out;
});

function levelDecimal(v: unknown, path: (string | number)[], ctx: z.RefinementCtx, positive: boolean): Decimal | null {
  if (typeof v !== "string" && typeof v !== "number") {
    ctx.addIssue({ code: "custom", path, message: `expected a decimal number, got ${JSON.stringify(v)?.slice(0, 40)}` });
    return null;
  }
  const r = checkedDecimal(v);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", path, message: r.message.startsWith("must be a decimal") ? `expected a decimal number, got ${JSON.stringify(v).slice(0, 40)}` : r.message });
    return null;
  }
  if (positive ? !r.value.gt(0) : !r.value.gte(0)) {
    ctx.addIssue({ code: "custom", path, message: positive ? "must be > 0" : "must be >= 0" });
    return null;
  }
  return r.value;
}

export const l2BookSchema = z.object({ coin: z.string(), time: z.number(), levels: z.tuple([levelsSchema, levelsSchema]) });

export const openOrderSchema = z.object({
  coin: z.string(),
  side: hlSide,
  limitPx: positiveDecimalSchema,
  sz: nonNegativeDecimalSchema,
  oid: z.number(),
  timestamp: z.number(),
  origSz: positiveDecimalSchema,
  tif: z.string().nullish(),
  cloid: z.string().nullish(),
  reduceOnly: z.boolean().optional(),
});
export type OpenOrder = z.output<typeof openOrderSchema>;

export const orderStatusSchema = z.union([
  z.object({ status: z.literal("unknownOid") }),
  z.object({ status: z.literal("order"), order: z.object({ order: openOrderSchema, status: z.string(), statusTimestamp: z.number() }) }),
]);

/** The WebSocket's orderUpdates channel: our orders as they change. */
export const orderUpdatesSchema = z.array(z.object({ order: openOrderSchema.partial({ tif: true, reduceOnly: true }), status: z.string(), statusTimestamp: z.number() }));

export const fillSchema = z.object({
  coin: z.string(),
  px: positiveDecimalSchema,
  sz: positiveDecimalSchema,
  side: hlSide,
  time: z.number(),
  oid: z.number(),
  crossed: z.boolean(),
  fee: decimalSchema,
  builderFee: decimalSchema.optional(),
  tid: z.union([z.number(), z.string()]).transform(String),
  cloid: z.string().nullish(),
});
export type RawFill = z.output<typeof fillSchema>;

export const userFillsMessageSchema = z.object({ isSnapshot: z.boolean().optional(), user: z.string().optional(), fills: z.array(z.unknown()) });

export const clearinghouseSchema = z.object({
  marginSummary: z.object({ accountValue: decimalSchema, totalRawUsd: decimalSchema }),
  assetPositions: z.array(z.object({ position: z.object({ coin: z.string(), szi: decimalSchema }) })),
  time: z.number(),
});

const legSchema = z.union([
  z.object({ resting: z.object({ oid: z.number(), cloid: z.string().optional() }) }),
  z.object({ filled: z.object({ totalSz: nonNegativeDecimalSchema, avgPx: decimalSchema, oid: z.number(), cloid: z.string().optional() }) }),
  z.object({ error: z.string() }),
  z.string(),
]);
export type Leg = z.output<typeof legSchema>;
export const exchangeAnswerSchema = z.union([
  z.object({ status: z.literal("ok"), response: z.object({ type: z.string(), data: z.object({ statuses: z.array(legSchema) }).optional() }) }),
  z.object({ status: z.literal("err"), response: z.string() }),
]);

/** The venue's order status words, reduced to ours. */
export function mapStatus(status: string, filledSome: boolean): OrderStatus {
  if (status === "open" || status === "triggered") return filledSome ? "partially_filled" : "open";
  if (status === "filled") return "filled";
  if (status === "rejected" || status.endsWith("Rejected")) return "rejected";
  // canceled, marginCanceled, scheduledCancel (the dead-man), selfTradeCanceled, reduceOnlyCanceled, …
  return "cancelled";
}

/** What we remember of an order we sent: the venue does not say "market" for our IOC market orders. */
export interface SentOrder {
  type: "limit" | "market";
}

export function toVenueOrder(o: OpenOrder, status: string, ts: number, ids: CloidMap, sent: SentOrder | undefined): VenueOrder {
  const filled = o.origSz.sub(o.sz);
  const market = sent?.type === "market";
  return {
    clientOrderId: ids.clientOrderId(o.cloid, o.oid),
    venueOrderId: String(o.oid),
    side: o.side,
    type: market ? "market" : "limit",
    price: market ? undefined : o.limitPx,
    size: o.origSz,
    filledSize: status === "filled" ? o.origSz : filled,
    status: mapStatus(status, filled.gt(0)),
    ts,
  };
}

export function toVenueFill(f: RawFill, ids: CloidMap): VenueFill {
  return {
    tradeId: f.tid,
    clientOrderId: ids.clientOrderId(f.cloid, f.oid),
    venueOrderId: String(f.oid),
    side: f.side,
    price: f.px,
    size: f.sz,
    fee: f.builderFee ? f.fee.add(f.builderFee) : f.fee,
    liquidity: f.crossed ? "taker" : "maker",
    ts: f.time,
  };
}
