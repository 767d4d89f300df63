// The "order" action the desk signs, built directly: the same object, key for key and in the same order,
// as ccxt's createOrdersRequest(...).action for a price and size already on the venue's grid (venue.ts
// checks both before anything is built; a test compares the two, byte for byte, over many grid values).
// ccxt's createOrdersRequest also signs the action (its slow generic path, ~1 ms) only for us to drop
// that signature and sign again: building the action here takes microseconds.
import type Decimal from "decimal.js";

export type Tif = "Alo" | "Gtc" | "Ioc";

export interface OrderLeg {
  asset: number;
  buy: boolean;
  /** On the venue's grid (venue.ts check()). */
  price: Decimal;
  /** A multiple of the lot (venue.ts check()). */
  size: Decimal;
  reduceOnly: boolean;
  tif: Tif;
  cloid: string;
}

/** A decimal as ccxt writes it on the wire: plain digits (never an exponent), no trailing zeros. */
export function wireDecimal(d: Decimal): string {
  return d.toFixed();
}

export function orderAction(legs: OrderLeg[]): Record<string, unknown> {
  return {
    type: "order",
    orders: legs.map((l) => ({ a: l.asset, b: l.buy, p: wireDecimal(l.price), s: wireDecimal(l.size), r: l.reduceOnly, t: { limit: { tif: l.tif } }, c: l.cloid })),
    grouping: "na",
  };
}
