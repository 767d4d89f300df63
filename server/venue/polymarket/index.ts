// Polymarket CLOB V2: the adapter (venue.ts) and what it is made of.
export { PolymarketVenue, type PolymarketConfig } from "./venue";
export { tokenSpec, type TokenInfo } from "./market";
export { orderHash, expectedAmounts, exchangeAddress, ORDER_TYPES } from "./orders";
export { DEPOSIT_WALLET_HINT } from "./errors";
