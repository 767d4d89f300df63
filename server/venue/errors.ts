// Venue errors, shaped like ccxt's hierarchy so callers decide by class, never by message:
// a NetworkError means "the outcome is unknown or the venue is busy: retry with backoff";
// an ExchangeError means "the venue answered no: retrying the same request will not help".

export interface VenueErrorOptions {
  venue?: string;
  cause?: unknown;
}

export class VenueError extends Error {
  readonly venue?: string;
  constructor(message: string, opts: VenueErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.venue = opts.venue;
  }
}

// Retryable: transport or capacity trouble. The request may or may not have reached the venue.
export class NetworkError extends VenueError {}
export class RequestTimeout extends NetworkError {}
export class VenueUnavailable extends NetworkError {}
/** The venue's market data stream is down: any book we hold is stale, so resting quotes must come down. */
export class MarketDataDown extends VenueUnavailable {}
export class RateLimitExceeded extends NetworkError {
  /** How long the venue asks us to wait, when it says. */
  readonly retryAfterMs?: number;
  constructor(message: string, opts: VenueErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, opts);
    this.retryAfterMs = opts.retryAfterMs;
  }
}

// Not retryable: the venue understood the request and refused it.
export class ExchangeError extends VenueError {}
export class InvalidOrder extends ExchangeError {}
export class OrderNotFound extends ExchangeError {}
export class InsufficientFunds extends ExchangeError {}
export class PostOnlyWouldCross extends InvalidOrder {}
export class OrderRejected extends ExchangeError {}
/** The venue sent something we cannot parse or that breaks its own rules (crossed book, off-grid price). */
export class BadResponse extends ExchangeError {}

/** True for errors worth retrying with backoff (NetworkError and its subclasses). */
export function isRetryable(err: unknown): boolean {
  return err instanceof NetworkError;
}

/** The venue does not know our key or refused its signature: never retried blindly, an operator must act. */
export class AuthenticationError extends ExchangeError {}
