// Every REST call of the adapter goes through here: our own fetch with a deadline that aborts the request
// (the client's axios calls have none), L1/L2 headers from the client's signing code, the venue's error
// shapes mapped to our classes, and a backoff with jitter after the venue throttled us, during which new
// orders are refused at once (no storm) while cancels and reads still go out.
// The client's own HTTP methods are not used: postOrder polls /data/trades for up to 30 s after a match
// and retryOnError re-posts a signed order, both of which would hide an unknown outcome from the desk.
import { createL1Headers, createL2Headers, type ApiKeyCreds } from "@polymarket/clob-client-v2";
import type { WalletClient } from "viem";
import { BadResponse, RateLimitExceeded, RequestTimeout, type VenueError } from "@/server/venue/errors";
import { ThrottleBackoff } from "@/server/venue/backoff";
import { VENUE, httpRefusal, mapError } from "./errors";

export interface HttpConfig {
  baseUrl: string;
  chainId: number;
  signer: WalletClient;
  deadlineMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  now: () => number;
}

export type Auth = "none" | "l1" | "l2";

export interface RequestOpts {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  auth?: Auth;
  /** L1 only: the key-derivation nonce. */
  nonce?: number;
  /** Overrides the deadline (e.g. a heartbeat must not wait longer than its own period). */
  deadlineMs?: number;
}

export class PolymarketHttp {
  creds: ApiKeyCreds | null = null;
  /** Requests sent, by route ("POST /order"): what the tests and the throttling figures count. */
  readonly sent = new Map<string, number>();
  private readonly backoff: ThrottleBackoff;

  constructor(private readonly cfg: HttpConfig) {
    this.backoff = new ThrottleBackoff(VENUE, cfg);
  }

  get backoffUntil(): number {
    return this.backoff.until;
  }

  /** Requests refused locally during a backoff (none of them reached the venue). */
  get refusedDuringBackoff(): number {
    return this.backoff.refused;
  }

  async request(what: string, method: "GET" | "POST" | "DELETE", path: string, opts: RequestOpts = {}): Promise<unknown> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      if (opts.auth === "l1") Object.assign(headers, await createL1Headers(this.cfg.signer as never, this.cfg.chainId as never, opts.nonce ?? 0));
      if (opts.auth === "l2") {
        if (!this.creds) throw new Error("no API credentials yet (derive them first)");
        // The HMAC covers the path without the query string, and exactly the body bytes sent.
        Object.assign(headers, await createL2Headers(this.cfg.signer as never, this.creds, { method, requestPath: path, body }));
      }
    } catch (err) {
      throw mapError(err, `${what}: signing`);
    }
    const q = Object.entries(opts.query ?? {}).filter(([, v]) => v !== undefined);
    const url = `${this.cfg.baseUrl}${path}${q.length ? `?${new URLSearchParams(q.map(([k, v]) => [k, String(v)])).toString()}` : ""}`;
    const deadlineMs = opts.deadlineMs ?? this.cfg.deadlineMs;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), deadlineMs);
    timer.unref?.();
    this.sent.set(`${method} ${path}`, (this.sent.get(`${method} ${path}`) ?? 0) + 1);
    try {
      const res = await fetch(url, { method, headers, body, signal: ctl.signal });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text.length ? JSON.parse(text) : null;
      } catch {
        if (res.ok) throw new BadResponse(`${what}: the venue answered something that is not JSON: ${text.slice(0, 120)}`, { venue: VENUE });
      }
      if (!res.ok) throw httpRefusal(what, res.status, parsed, res.headers.get("retry-after"));
      this.backoff.succeeded();
      return parsed;
    } catch (err) {
      const e: VenueError = ctl.signal.aborted ? new RequestTimeout(`${what}: no answer within ${deadlineMs} ms (outcome unknown)`, { venue: VENUE, cause: err }) : mapError(err, what);
      if (e instanceof RateLimitExceeded) this.backoff.throttled(e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Throws RateLimitExceeded while backing off (for new orders only). */
  gate(what: string): void {
    this.backoff.gate(what);
  }
}
