// POST /exchange on kept-alive connections, written to the socket before post() returns: our own HTTP/1.1
// client (server/venue/http1.ts) writes a request on a free connection as one socket.write(). Node's http
// client took ~0.4–0.7 ms of CPU between a request handed to it and the write (and wrote it in a
// process.nextTick); undici 7.29 before that yielded to the event loop's check phase before writing on a
// used idle connection (GHSA-35p6-xmwp-9g52), which put everything else queued between a book and its order.
// Failures become our classes the way ccxt maps them: 429 → RateLimitExceeded; 5xx, a dropped or silent
// connection → NetworkError (the outcome is unknown: reconciled, never re-sent); another 4xx → ExchangeError.
import { ExchangeError, NetworkError, RateLimitExceeded, RequestTimeout, VenueUnavailable } from "@/server/venue/errors";
import { Http1Client, Http1Error, type Http1Options } from "@/server/venue/http1";
import { VENUE } from "./errors";

export class ExchangeSender {
  readonly url: URL;
  /** url.href, kept: URL's getter builds the string again on every read. */
  readonly href: string;
  private readonly path: string;
  readonly http: Http1Client;

  constructor(restUrl: string, timeoutMs: number, tls?: Http1Options["tls"]) {
    this.url = new URL(`${restUrl.replace(/\/+$/, "")}/exchange`);
    this.href = this.url.href;
    this.path = this.url.pathname;
    this.http = new Http1Client(this.url.origin, { timeoutMs, maxConnections: 16, idleMs: 30_000, tls });
  }

  /**
   * Opens connections ahead of the first action (a cold one costs a handshake on the first order): two,
   * since a re-quote sends its two cancels at once, each on its own connection.
   */
  async warm(): Promise<void> {
    await this.http.warm(this.path.replace(/exchange$/, "info"), '{"type":"meta"}', 2);
  }

  /** Sends one signed body; resolves with the venue's JSON answer. */
  post(body: string): Promise<unknown> {
    return this.http.post(this.path, body).then(
      (r) => this.read(r.status, r.body.toString("utf8")),
      (err: unknown) => {
        throw this.failure(err);
      },
    );
  }

  private failure(err: unknown): NetworkError {
    if (!(err instanceof Http1Error)) return new NetworkError(`exchange: ${err instanceof Error ? err.message : String(err)}`, { venue: VENUE, cause: err });
    // Silent for the whole deadline (no answer, or an answer that stops): the outcome is unknown.
    if (err.kind === "timeout") return new RequestTimeout(`exchange: ${err.message}`, { venue: VENUE, cause: err });
    // The connection dropped (mid-answer or before one), or the answer was unreadable: whether the venue
    // took the action is unknown. ("connect": nothing was sent, but nothing is re-sent either way.)
    return new NetworkError(`exchange: ${err.kind === "cut" ? "the answer was cut off: " : ""}${err.message}`, { venue: VENUE, cause: err });
  }

  private read(status: number, text: string): unknown {
    if (status === 429) throw new RateLimitExceeded(`exchange: HTTP 429 ${text.slice(0, 200)}`, { venue: VENUE });
    if (status >= 500) throw new VenueUnavailable(`exchange: HTTP ${status} ${text.slice(0, 200)}`, { venue: VENUE });
    if (status !== 200) throw new ExchangeError(`exchange: HTTP ${status} ${text.slice(0, 200)}`, { venue: VENUE });
    try {
      return JSON.parse(text);
    } catch {
      // The venue said something we cannot read: whether it took the action is unknown.
      throw new NetworkError(`exchange: unreadable answer ${text.slice(0, 200)}`, { venue: VENUE });
    }
  }

  close(): Promise<void> {
    this.http.close();
    return Promise.resolve();
  }
}
