// Polymarket's refusals, mapped to our classes by what they mean for the desk: retry later (NetworkError),
// never retry (ExchangeError), or stop and tell an operator (AuthenticationError). The venue answers
// errors as `{error: "<message>"}` with an HTTP status; order placement may also answer 200 with
// `success: false` and an `errorMsg`. We decide by status first and by the venue's words second.
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

export const VENUE = "polymarket";

/** The upstream account problem (see live-venues.md): the operator must move to the deposit-wallet flow. */
export const DEPOSIT_WALLET_HINT =
  "Polymarket refuses this account's orders: its maker address is not allowed and it must use the deposit wallet flow " +
  "(signature type POLY_1271 with the deposit wallet as funder). Nothing was traded; fix the account on polymarket.com, then restart.";

/** One refusal message of the venue (an `error` or `errorMsg`), as one of our classes. */
export function venueRefusal(message: string, status?: number): VenueError {
  const o = { venue: VENUE };
  const m = message.trim();
  if (/maker address not allowed|deposit wallet flow/i.test(m)) return new AuthenticationError(`${DEPOSIT_WALLET_HINT} (venue: ${m})`, o);
  if (/order signer address has to be the address of the API KEY|owner has to be the owner of the API KEY|Unauthorized|Invalid api key|Invalid L1 Request headers|invalid signature/i.test(m)) return new AuthenticationError(`the venue refused our credentials: ${m}`, o);
  if (/Too Many Requests/i.test(m)) return new RateLimitExceeded(m, o);
  if (/Trading is currently (disabled|cancel-only)/i.test(m)) return new VenueUnavailable(m, o);
  if (/post-only.*cross|crosses (the )?book/i.test(m)) return new PostOnlyWouldCross(m, o);
  if (/not enough balance|allowance/i.test(m)) return new InsufficientFunds(m, o);
  if (/not found|already (canceled|cancelled)|matched orders can't be canceled|can't be found/i.test(m)) return new OrderNotFound(m, o);
  if (/couldn't be fully filled|no orders found to match|FOK|FAK/i.test(m)) return new OrderRejected(m, o);
  if (/tick|min(imum)? size|INVALID_ORDER|Duplicated|invalid (price|amount|expiration)|Invalid order payload/i.test(m)) return new InvalidOrder(m, o);
  if (status !== undefined && status >= 500) return new VenueUnavailable(m, o);
  return new OrderRejected(m, o);
}

/** An HTTP answer that is not 2xx, as one of our classes. */
export function httpRefusal(what: string, status: number, body: unknown, retryAfter: string | null): VenueError {
  const o = { venue: VENUE };
  const said = typeof body === "object" && body !== null && "error" in body ? String((body as { error: unknown }).error) : typeof body === "string" ? body.slice(0, 200) : "";
  const msg = `${what}: HTTP ${status}${said ? ` ${said}` : ""}`;
  if (status === 429) {
    const s = retryAfter === null ? NaN : Number(retryAfter);
    return new RateLimitExceeded(msg, { ...o, retryAfterMs: Number.isFinite(s) ? s * 1000 : undefined });
  }
  if (status === 401 || status === 403) {
    if (said && /maker address not allowed|deposit wallet/i.test(said)) return venueRefusal(said, status);
    return new AuthenticationError(`${msg} (check the API key, secret and passphrase, or re-derive them)`, o);
  }
  if (status === 503 || status === 502 || status === 504) return new VenueUnavailable(msg, o);
  if (status >= 500) return new VenueUnavailable(msg, o);
  const e = venueRefusal(said || msg, status);
  e.message = e instanceof AuthenticationError ? e.message : `${what}: ${e.message}`;
  return e;
}

/** Anything thrown while talking to the venue (fetch, a timer, a parse), as one of ours. */
export function mapError(err: unknown, what: string): VenueError {
  if (err instanceof VenueError) return err;
  const o = { venue: VENUE, cause: err };
  const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) return new RequestTimeout(msg, o);
  // A socket error, a reset connection, a DNS failure: the request may or may not have reached the venue.
  return new NetworkError(msg, o);
}

export { ExchangeError };
