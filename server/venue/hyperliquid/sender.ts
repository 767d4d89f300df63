// POST /exchange on kept-alive connections, written to the socket in the same turn of the event loop as
// the signature: undici's Pool writes a request with a body of known length at once on an idle connection
// (node:http waits for the next tick, after everything else queued in this one). No fetch pipeline (proxy
// checks, header merging, awaits) between a book and the wire.
// Failures become our classes the way ccxt maps them: 429 → RateLimitExceeded; 5xx, a dropped or silent
// connection → NetworkError (the outcome is unknown: reconciled, never re-sent); another 4xx → ExchangeError.
import { Pool, type Dispatcher } from "undici";
import { ExchangeError, NetworkError, RateLimitExceeded, RequestTimeout, VenueUnavailable } from "@/server/venue/errors";
import { VENUE } from "./errors";

const HEADERS = { "content-type": "application/json" };

export class ExchangeSender {
  readonly url: URL;
  private readonly pool: Pool;
  /** Called as the request is handed to the pool (benchmarks). */
  onRequest: (() => void) | null = null;

  constructor(restUrl: string, private readonly timeoutMs: number) {
    this.url = new URL(`${restUrl.replace(/\/+$/, "")}/exchange`);
    this.pool = new Pool(this.url.origin, { connections: 16, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  /** Opens a connection ahead of the first action (a cold one costs a handshake on the first order). */
  async warm(): Promise<void> {
    await this.pool.request({ path: "/info", method: "POST", headers: HEADERS, body: '{"type":"meta"}' }).then((r) => r.body.dump()).catch(() => {});
  }

  /** Sends one signed body; resolves with the venue's JSON answer. */
  post(body: string): Promise<unknown> {
    const sent = this.pool.request({ path: this.url.pathname, method: "POST", headers: HEADERS, body });
    this.onRequest?.();
    return sent.then(
      (res) => this.read(res),
      (err: unknown) => {
        const e = err as { code?: string; message?: string };
        if (e?.code === "UND_ERR_HEADERS_TIMEOUT" || e?.code === "UND_ERR_BODY_TIMEOUT") throw new RequestTimeout(`exchange: no answer within ${this.timeoutMs} ms`, { venue: VENUE, cause: err });
        throw new NetworkError(`exchange: ${e?.message ?? String(err)}`, { venue: VENUE, cause: err });
      },
    );
  }

  private async read(res: Dispatcher.ResponseData): Promise<unknown> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw new NetworkError(`exchange: the answer was cut off: ${(err as Error).message}`, { venue: VENUE, cause: err });
    }
    const status = res.statusCode;
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
    return this.pool.destroy();
  }
}
