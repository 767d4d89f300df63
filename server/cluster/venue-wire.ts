// The shared paper venue's wire (socket.io): the calls a runner may make, and the schemas that turn what
// crosses the socket back into the venue types, checked on both sides (each side is the other's input).
import { z } from "zod";
import { PAPER_MARKET_NAMES, paperSettingsSchema } from "@/lib/desk";
import { decimalSchema, fillSchema, orderBookSchema, positiveDecimalSchema, sideSchema, timestampSchema } from "@/server/venue/schemas";
import type { CreateOrderRequest, MarketRules, VenueBalance, VenueOrder, VenuePosition } from "@/server/venue/types";

/** Who connects: one paper account per strategy (its folder name), opened with the strategy's market and seed. */
export const helloSchema = z
  .object({
    account: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "a paper account folder name"),
    market: z.enum(PAPER_MARKET_NAMES),
    seed: paperSettingsSchema.shape.seed,
    regime: paperSettingsSchema.shape.regime,
  })
  .strict();
export type Hello = z.infer<typeof helloSchema>;

export const CALLS = [
  "loadMarkets",
  "fetchOrderBook",
  "fetchOpenOrders",
  "fetchOrder",
  "fetchPosition",
  "fetchBalance",
  "fetchMyTrades",
  "createOrder",
  "cancelOrder",
  "createOrders",
  "cancelOrders",
  "cancelAllOrders",
  "armDeadman",
  "disarmDeadman",
] as const;
export type Call = (typeof CALLS)[number];

const clientId = z.string().min(1).max(200);
export const createRequestSchema = z
  .object({
    clientOrderId: clientId,
    side: z.enum(["buy", "sell"]),
    type: z.enum(["limit", "market"]),
    price: positiveDecimalSchema.optional(),
    size: positiveDecimalSchema,
    postOnly: z.boolean().optional(),
    reduceOnly: z.boolean().optional(),
  })
  .strict()
  .transform((r): CreateOrderRequest => r);

/** A call's arguments as the server accepts them. */
export const argsSchema: Record<Call, z.ZodType<unknown[]>> = {
  loadMarkets: z.tuple([]),
  fetchOrderBook: z.tuple([]),
  fetchOpenOrders: z.tuple([]),
  fetchOrder: z.tuple([clientId]),
  fetchPosition: z.tuple([]),
  fetchBalance: z.tuple([]),
  fetchMyTrades: z.tuple([z.object({ since: z.number().optional() }).strict().optional()]),
  createOrder: z.tuple([createRequestSchema]),
  cancelOrder: z.tuple([clientId]),
  createOrders: z.tuple([z.array(createRequestSchema).max(100)]),
  cancelOrders: z.tuple([z.array(clientId).max(100)]),
  cancelAllOrders: z.tuple([]),
  armDeadman: z.tuple([z.number().int().min(0).max(86_400_000)]),
  disarmDeadman: z.tuple([]),
};

export const orderSchema = z
  .object({
    clientOrderId: z.string().min(1),
    venueOrderId: z.string().min(1),
    side: sideSchema,
    type: z.enum(["limit", "market"]),
    price: positiveDecimalSchema.optional(),
    size: positiveDecimalSchema,
    filledSize: decimalSchema,
    status: z.enum(["open", "partially_filled", "filled", "cancelled", "rejected", "expired"]),
    ts: timestampSchema,
  })
  .transform((o): VenueOrder => o);
export const positionSchema = z.object({ qty: decimalSchema, ts: timestampSchema }).transform((p): VenuePosition => p);
export const balanceSchema = z.object({ quote: decimalSchema, base: decimalSchema, ts: timestampSchema }).transform((b): VenueBalance => b);
export const marketRulesSchema = z
  .object({
    symbol: z.string().min(1).max(100),
    tickSize: positiveDecimalSchema,
    lotSize: positiveDecimalSchema,
    minSize: positiveDecimalSchema,
    minPrice: decimalSchema,
    maxPrice: positiveDecimalSchema,
    makerFeeRate: decimalSchema,
    takerFeeRate: decimalSchema,
    baseCurrency: z.string().max(20).optional(),
    quoteCurrency: z.string().max(20).optional(),
    minNotional: decimalSchema,
  })
  .transform((m): MarketRules => m);
export { fillSchema, orderBookSchema };

/** A refused or failed call, by its error class's name (server/venue/errors.ts). */
export const errorSchema = z.object({ name: z.string().max(100), message: z.string().max(2_000) });
export type WireError = z.infer<typeof errorSchema>;
export type Reply = { ok: true; value: unknown } | { ok: false; error: WireError };
