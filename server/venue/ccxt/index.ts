// Centralized exchanges through ccxt: the adapter (venue.ts) and what it is made of.
export { CcxtVenue, type CcxtVenueConfig } from "./venue";
export { createClient, proExchangeIds } from "./client";
export { ClientIdMap } from "./ids";
export { binanceRefusal } from "./errors";
