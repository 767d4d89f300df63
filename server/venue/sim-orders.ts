// The checks a simulated venue applies to an order request before it numbers it: what a real venue's
// API rejects at once with InvalidOrder (bad shape, off the grid, outside the band, reused client id).
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { InvalidOrder } from "./errors";
import type { MarketGrid } from "./grid";
import type { OrderSpec } from "./sim-account";
import type { CreateOrderRequest } from "./types";

/** The request as an OrderSpec in ticks and lots, or InvalidOrder naming what is wrong. */
function refuse(venueId: string, req: CreateOrderRequest, why: string): never {
  throw new InvalidOrder(`venue ${venueId}: order ${req.clientOrderId}: ${why}`, { venue: venueId });
}

export function validateOrder(req: CreateOrderRequest, venueId: string, market: MarketSpec, grid: MarketGrid, known: (clientOrderId: string) => boolean): OrderSpec {
  // refuse(), not a closure made per call: every simulated order passes here.
  if (typeof req.clientOrderId !== "string" || !req.clientOrderId) refuse(venueId, req, "clientOrderId is required");
  if (known(req.clientOrderId)) refuse(venueId, req, "clientOrderId already used");
  if (req.side !== "buy" && req.side !== "sell") refuse(venueId, req, `side must be buy or sell, got ${String(req.side)}`);
  if (req.type !== "limit" && req.type !== "market") refuse(venueId, req, `type must be limit or market, got ${String(req.type)}`);
  if (!Decimal.isDecimal(req.size)) refuse(venueId, req, "size must be a Decimal");
  const sizeLots = grid.lotsExact(req.size);
  if (sizeLots === null) refuse(venueId, req, `size ${req.size} is not a multiple of the lot size ${grid.lot}`);
  if (sizeLots! < grid.minLots) refuse(venueId, req, `size ${req.size} is below the minimum ${market.minSize}`);
  let priceTick = NaN;
  if (req.type === "limit") {
    if (!Decimal.isDecimal(req.price)) refuse(venueId, req, "a limit order needs a Decimal price");
    const t = grid.ticksExact(req.price!);
    if (t === null) refuse(venueId, req, `price ${req.price} is not on the tick grid ${grid.tick}`);
    if (t! < grid.minTick || t! > grid.maxTick) refuse(venueId, req, `price ${req.price} is outside [${market.minPrice}, ${market.maxPrice}]`);
    priceTick = t!;
  } else if (req.postOnly) refuse(venueId, req, "a market order cannot be post-only");
  return {
    clientOrderId: req.clientOrderId,
    side: req.side,
    type: req.type,
    priceTick,
    sizeLots: sizeLots!,
    postOnly: req.postOnly ?? false,
    reduceOnly: req.reduceOnly ?? false,
  };
}
