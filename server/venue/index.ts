// The venue layer: one interface (types.ts), one error hierarchy (errors.ts), boundary schemas
// (schemas.ts), and the simulated venues that need no network (paper/, replay/).
export type { CreateOrderRequest, Liquidity, MarketRules, OrderStatus, OrderType, Venue, VenueFill, VenueOrder } from "./types";
export * from "./errors";
export {
  decimalSchema,
  positiveDecimalSchema,
  nonNegativeDecimalSchema,
  timestampSchema,
  sideSchema,
  levelSchema,
  orderBookSchema,
  tradeSchema,
  fillSchema,
  replayEventSchema,
  describeZodError,
  parseVenueData,
  type PublicTrade,
} from "./schemas";
export { ManualClock, systemClock, type VenueClock } from "./clock";
export { MarketGrid } from "./grid";
export { SimulatedVenue, type SimulatedVenueOptions, type SimulatedVenueStats, type CancelFault, type CreateFault, type HangMethod } from "./simulated-venue";
export * from "./paper";
export * from "./replay";
