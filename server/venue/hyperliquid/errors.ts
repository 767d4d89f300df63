// Hyperliquid's refusals and ccxt's exceptions, mapped to our classes by what they mean for the desk:
// retry later (NetworkError), never retry (ExchangeError), or stop and tell an operator (AuthenticationError).
// ccxt 4.5.84 maps "User or API Wallet … does not exist" to InvalidOrder and leaves nonce errors unmapped;
// both matter too much to be an ordinary rejection.
import { errors as ccxtErrors } from "ccxt";
import {
  AuthenticationError,
  ExchangeError,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  OrderNotFound,
  OrderRejected,
  PostOnlyWouldCross,
  RateLimitExceeded,
  RequestTimeout,
  VenueError,
  VenueUnavailable,
} from "@/server/venue/errors";

export const VENUE = "hyperliquid";

/** A per-leg or whole-request error string of the venue. */
export function venueRefusal(message: string): ExchangeError | NetworkError {
  const o = { venue: VENUE };
  if (/^User or API Wallet .* does not exist/i.test(message)) return new AuthenticationError(`the venue does not know our signing key: ${message}`, o);
  if (/Too many cumulative requests/i.test(message)) return new RateLimitExceeded(message, o);
  if (/^Post only order would have immediately matched/i.test(message)) return new PostOnlyWouldCross(message, o);
  if (/^Insufficient (margin|spot balance)/i.test(message)) return new InsufficientFunds(message, o);
  if (/^Order was never placed, already canceled, or filled/i.test(message)) return new OrderNotFound(message, o);
  if (/^Order could not immediately match|No liquidity available/i.test(message)) return new OrderRejected(message, o);
  if (/tick size|invalid size|zero size|minimum value|80% away|Reduce only order would increase|duplicate cloid|Invalid nonce/i.test(message)) return new InvalidOrder(message, o);
  return new OrderRejected(message, o);
}

/** Any error from a ccxt call, as one of ours. */
export function mapError(err: unknown, what: string): VenueError {
  if (err instanceof VenueError) return err;
  const o = { venue: VENUE, cause: err };
  const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  const e = ccxtErrors;
  if (err instanceof e.RateLimitExceeded || err instanceof e.DDoSProtection) return new RateLimitExceeded(msg, o);
  if (err instanceof e.RequestTimeout) return new RequestTimeout(msg, o);
  if (err instanceof e.ExchangeNotAvailable || err instanceof e.OnMaintenance) return new VenueUnavailable(msg, o);
  if (err instanceof e.NetworkError) return new NetworkError(msg, o);
  if (err instanceof e.AuthenticationError) return new AuthenticationError(msg, o);
  if (err instanceof e.BaseError) {
    // ccxt puts "hyperliquid {json body}" in the message: read the venue's own words back out.
    const m = /"response":"([^"]*)"/.exec(err.message);
    if (m) {
      const mapped = venueRefusal(m[1]!);
      return Object.assign(mapped, { cause: err });
    }
    if (err instanceof e.InsufficientFunds) return new InsufficientFunds(msg, o);
    if (err instanceof e.OrderNotFound) return new OrderNotFound(msg, o);
    if (err instanceof e.InvalidOrder) return new InvalidOrder(msg, o);
    return new ExchangeError(msg, o);
  }
  // Not from ccxt (a socket error, a parse failure of ours): the outcome is unknown.
  return new NetworkError(msg, o);
}
