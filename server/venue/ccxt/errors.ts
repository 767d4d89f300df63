// ccxt's exceptions (and, for Binance, the venue's own {code, msg}), mapped to our classes by what they mean
// for the desk: retry later (NetworkError), never retry (ExchangeError), or stop and tell an operator
// (AuthenticationError). ccxt's own classes differ by URL for Binance (a local fake's URL gets the generic
// table: -2010 there is InsufficientFunds-like "InvalidOrder", -1022 a BadRequest), so the venue's code
// is read back out of the message first and decides.
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

/** A Binance {code, msg} answer, as one of ours (undefined for codes with no specific meaning here). */
export function binanceRefusal(code: number, msg: string, venue: string): VenueError | undefined {
  const o = { venue };
  const text = `${code} ${msg}`;
  if (code === -2010 && /would immediately match and take/i.test(msg)) return new PostOnlyWouldCross(text, o);
  if (code === -2010 && /insufficient balance/i.test(msg)) return new InsufficientFunds(text, o);
  if (code === -2010) return new InvalidOrder(text, o); // duplicate order sent, and other refusals of a new order
  if (code === -1013 || code === -1100 || code === -1102 || code === -1106 || code === -1111 || code === -1116 || code === -1121) return new InvalidOrder(text, o);
  if (code === -2011 || code === -2013) return new OrderNotFound(text, o);
  if (code === -1022 || code === -2014 || code === -2015) return new AuthenticationError(`the venue refused our API key or signature: ${text}`, o);
  // The clock is off by more than recvWindow: retrying with the same clock fails the same way.
  if (code === -1021) return new ExchangeError(`our clock is outside the venue's recvWindow (check NTP): ${text}`, o);
  if (code === -1003 || code === -1015) return new RateLimitExceeded(text, o);
  return undefined;
}

const CODE_RE = /\{"code":(-?\d+),"msg":"((?:[^"\\]|\\.)*)"\}/;

/** Any error from a ccxt call, as one of ours. */
export function mapError(err: unknown, what: string, venue: string): VenueError {
  if (err instanceof VenueError) return err;
  const o = { venue, cause: err };
  const message = err instanceof Error ? err.message : String(err);
  const msg = `${what}: ${message}`;
  const e = ccxtErrors;
  if (err instanceof e.RateLimitExceeded || err instanceof e.DDoSProtection) {
    // Binance says how long in Retry-After (seconds); ccxt keeps the response headers on the instance.
    return new RateLimitExceeded(msg, { ...o, retryAfterMs: retryAfterMs(err) });
  }
  if (err instanceof e.RequestTimeout) return new RequestTimeout(msg, o);
  if (err instanceof e.ExchangeNotAvailable || err instanceof e.OnMaintenance) return new VenueUnavailable(msg, o);
  if (err instanceof e.NetworkError) return new NetworkError(msg, o);
  if (err instanceof e.BaseError) {
    const m = CODE_RE.exec(message);
    const mapped = m ? binanceRefusal(Number(m[1]), JSON.parse(`"${m[2]}"`) as string, venue) : undefined;
    if (mapped) return Object.assign(mapped, { message: `${what}: ${mapped.message}`, cause: err });
    if (err instanceof e.AuthenticationError || err instanceof e.PermissionDenied || err instanceof e.AccountSuspended) return new AuthenticationError(msg, o);
    if (err instanceof e.OrderImmediatelyFillable) return new PostOnlyWouldCross(msg, o);
    if (err instanceof e.InsufficientFunds) return new InsufficientFunds(msg, o);
    if (err instanceof e.OrderNotFound) return new OrderNotFound(msg, o);
    if (err instanceof e.InvalidOrder) return new InvalidOrder(msg, o);
    if (err instanceof e.BadRequest || err instanceof e.BadSymbol) return new InvalidOrder(msg, o);
    if (err instanceof e.OperationRejected) return new OrderRejected(msg, o);
    return new ExchangeError(msg, o);
  }
  // Not from ccxt (a socket error, a parse failure of ours): the outcome is unknown.
  return new NetworkError(msg, o);
}

/** Retry-After (seconds) from a throttled answer, when the error carries the response's headers. */
function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | null)?.headers;
  const v = headers ? Number(headers["retry-after"] ?? headers["Retry-After"]) : NaN;
  return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
}
