// The venue boundary: what a venue (recorded file, REST answer, websocket message) sends is untrusted.
// These schemas accept the usual wire shapes (decimal strings or numbers, [price, size] tuples or
// {price, size} objects, BUY/sell in any case, ms or ISO timestamps) and produce the Decimal types the
// rest of the code uses, or an error that names the field.
import Decimal from "decimal.js";
import { z } from "zod";
import type { BookLevel, OrderBook, Side } from "@/lib/market";
import { checkedDecimal } from "@/lib/strategy/decimal-input";
import { BadResponse } from "./errors";
import type { VenueFill } from "./types";

/**
 * A decimal number sent as a string or a JSON number, held to what the database stores (numeric(38,18)) before
 * anything computes with it: a venue that sends "1e1000000000" must not make the runner format a billion digits.
 */
export const decimalSchema = z.union([z.string(), z.number()]).transform((v, ctx): Decimal => {
  const r = checkedDecimal(v);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: r.message.startsWith("must be a decimal") ? `expected a decimal number, got ${JSON.stringify(v).slice(0, 40)}` : r.message });
    return z.NEVER;
  }
  return r.value;
});

export const positiveDecimalSchema = decimalSchema.refine((d) => d.gt(0), { message: "must be > 0" });
export const nonNegativeDecimalSchema = decimalSchema.refine((d) => d.gte(0), { message: "must be >= 0" });

/** Milliseconds since epoch: a number, a numeric string, or an ISO-8601 date. */
export const timestampSchema = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  let ms: number;
  if (typeof v === "number") ms = v;
  else if (/^\d+(\.\d+)?$/.test(v.trim())) ms = Number(v.trim());
  else ms = Date.parse(v);
  if (!Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: "custom", message: `expected a timestamp (ms since epoch or ISO date), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

export const sideSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(["buy", "sell"], { error: (iss) => `expected buy or sell, got ${JSON.stringify(iss.input)}` }))
  .transform((s): Side => s);

/** One L2 level: [price, size] or {price, size}. */
export const levelSchema = z.preprocess(
  (v) => (Array.isArray(v) && v.length === 2 ? { price: v[0], size: v[1] } : v),
  z
    .object(
      { price: positiveDecimalSchema, size: nonNegativeDecimalSchema },
      { error: (iss) => `expected [price, size] or {price, size}, got ${JSON.stringify(iss.input)}` },
    )
    .transform((l): BookLevel => ({ price: l.price, size: l.size })),
);

/** Levels as sent, any order, zero sizes (removed levels) dropped, sorted best first. */
function sideLevels(dir: "bids" | "asks") {
  return z.array(levelSchema).transform((levels, ctx): BookLevel[] => {
    const kept = levels.filter((l) => l.size.gt(0));
    kept.sort((a, b) => (dir === "bids" ? b.price.cmp(a.price) : a.price.cmp(b.price)));
    for (let i = 1; i < kept.length; i++) {
      if (kept[i]!.price.eq(kept[i - 1]!.price)) {
        ctx.addIssue({ code: "custom", message: `price ${kept[i]!.price} appears twice` });
        return z.NEVER;
      }
    }
    return kept;
  });
}

const bookShape = {
  bids: sideLevels("bids"),
  asks: sideLevels("asks"),
  ts: timestampSchema,
};

function notCrossed(b: { bids: BookLevel[]; asks: BookLevel[] }, ctx: z.RefinementCtx): void {
  const bid = b.bids[0];
  const ask = b.asks[0];
  if (bid && ask && bid.price.gte(ask.price)) ctx.addIssue({ code: "custom", message: `crossed book: best bid ${bid.price} >= best ask ${ask.price}`, path: ["bids", 0] });
}

export const orderBookSchema = z.object(bookShape).superRefine(notCrossed).transform((b): OrderBook => b);

/** A public trade: the aggressor's side, price and size. */
export const tradeSchema = z.object({
  ts: timestampSchema,
  side: sideSchema,
  price: positiveDecimalSchema,
  size: positiveDecimalSchema,
  id: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type PublicTrade = z.output<typeof tradeSchema>;

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

/** One of our fills as a venue reports it. */
export const fillSchema = z
  .object({
    tradeId: idSchema,
    clientOrderId: z.string().min(1),
    venueOrderId: idSchema,
    side: sideSchema,
    price: positiveDecimalSchema,
    size: positiveDecimalSchema,
    fee: decimalSchema,
    liquidity: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(["maker", "taker"], { error: (iss) => `expected maker or taker, got ${JSON.stringify(iss.input)}` })),
    ts: timestampSchema,
  })
  .transform((f): VenueFill => f);

/** One line of a replay file (JSONL): an L2 snapshot or a trade. */
export const replayBookEventSchema = z.object({ type: z.literal("book"), ...bookShape }).superRefine(notCrossed);
export const replayTradeEventSchema = z.object({
  type: z.literal("trade"),
  ts: timestampSchema,
  side: sideSchema,
  price: positiveDecimalSchema,
  size: positiveDecimalSchema,
});
export const replayEventSchema = z.discriminatedUnion("type", [replayBookEventSchema, replayTradeEventSchema], {
  error: (iss) => (iss.code === "invalid_union" ? `"type" must be "book" or "trade"` : undefined),
});
export type ReplayEvent = z.output<typeof replayEventSchema>;

/** "bids.0.1: must be > 0; ts: expected ..." */
export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

/** Parses venue data or throws BadResponse naming where it came from and which field is wrong. */
export function parseVenueData<S extends z.ZodType>(schema: S, raw: unknown, where: string, venue?: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new BadResponse(`${where}: ${describeZodError(r.error)}`, { venue });
  return r.data;
}
