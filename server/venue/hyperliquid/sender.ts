// POST /exchange on kept-alive connections, written to the socket before the event loop moves on: node's
// HTTP client writes a request on a free kept-alive socket in a process.nextTick, i.e. once the code that
// signed it returns and before any other I/O callback, timer or immediate runs. (undici 7.29 no longer can:
// before it writes on a used idle connection it yields to the event loop's check phase, GHSA-35p6-xmwp-9g52,
// which put everything else queued at that moment between a book and its order.) No fetch pipeline (proxy
// checks, header merging, awaits) between a book and the wire.
// Failures become our classes the way ccxt maps them: 429 → RateLimitExceeded; 5xx, a dropped or silent
// connection → NetworkError (the outcome is unknown: reconciled, never re-sent); another 4xx → ExchangeError.
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import { ExchangeError, NetworkError, RateLimitExceeded, RequestTimeout, VenueUnavailable } from "@/server/venue/errors";
import { VENUE } from "./errors";

export class ExchangeSender {
  readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  /** Called as each request is handed to the HTTP client (benchmarks). */
  onRequest: ((req: ClientRequest) => void) | null = null;

  constructor(restUrl: string, private readonly timeoutMs: number) {
    this.url = new URL(`${restUrl.replace(/\/+$/, "")}/exchange`);
    const secure = this.url.protocol === "https:";
    // lifo: the most recently used connection is the one least likely to have been closed by the venue. An
    // idle one is dropped after 30 s, or a second before the server's Keep-Alive hint says it would close it.
    const opts = { keepAlive: true, timeout: 30_000, maxSockets: 16, maxFreeSockets: 16, scheduling: "lifo" as const };
    this.agent = secure ? new https.Agent(opts) : new http.Agent(opts);
    this.request = secure ? https.request : http.request;
  }

  /** Opens a connection ahead of the first action (a cold one costs a handshake on the first order). */
  async warm(): Promise<void> {
    await this.send("/info", '{"type":"meta"}').catch(() => {});
  }

  /** Sends one signed body; resolves with the venue's JSON answer. */
  post(body: string): Promise<unknown> {
    return this.send(this.url.pathname, body).then((r) => this.read(r.status, r.text));
  }

  private send(path: string, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path, method: "POST", agent: this.agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          // The connection dropped mid-answer: whether the venue took the action is unknown.
          res.on("aborted", () => reject(new NetworkError("exchange: the answer was cut off", { venue: VENUE })));
          res.on("error", (err) => reject(new NetworkError(`exchange: the answer was cut off: ${err.message}`, { venue: VENUE, cause: err })));
        },
      );
      // Silent for the whole deadline (no answer, or an answer that stops): the outcome is unknown.
      req.setTimeout(this.timeoutMs, () => req.destroy(new RequestTimeout(`exchange: no answer within ${this.timeoutMs} ms`, { venue: VENUE })));
      req.on("error", (err: Error) => reject(err instanceof NetworkError ? err : new NetworkError(`exchange: ${err.message}`, { venue: VENUE, cause: err })));
      req.end(body);
      this.onRequest?.(req);
    });
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
    this.agent.destroy();
    return Promise.resolve();
  }
}
