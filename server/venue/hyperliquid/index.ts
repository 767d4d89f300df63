// Hyperliquid through ccxt: the adapter (venue.ts) and what it is made of.
export { HyperliquidVenue, type HyperliquidConfig } from "./venue";
export { HyperliquidClient } from "./client";
export { CloidMap } from "./cloid";
export { marketSpec, roundPrice, validPrice, tickNear } from "./market";
