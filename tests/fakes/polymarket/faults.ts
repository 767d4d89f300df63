// The fake CLOB's fault script: each method arms one misbehaviour of the real venue; `clear()` disarms
// them all. Routes are "METHOD /path" ("POST /order", "DELETE /order", "GET /data/orders", …).
export interface Rule {
  route: string;
  match?: (body: unknown) => boolean;
  count: number;
}

export class Faults {
  rateLimited: Rule[] = [];
  lost: Rule[] = [];
  delays: (Rule & { ms: number })[] = [];
  /** Throttling as latency (the venue queues rather than rejects): at most this many requests a second. */
  perSecond: number | null = null;
  /** Sockets that stay open but get nothing more, not even PONG (a silently stalled stream). */
  readonly stalled = new Set<unknown>();
  /** While true, WebSocket upgrades are refused. */
  refuseWebSockets = false;
  /** Answer HTTP 429 {error: "Too Many Requests"} (`count` times) when it matches. */
  rateLimit(route: string, count = 1, match?: Rule["match"]): void {
    this.rateLimited.push({ route, count, match });
  }
  /** Process the request (the venue accepts it), then drop the connection without an answer. */
  loseResponse(route: string, count = 1, match?: Rule["match"]): void {
    this.lost.push({ route, count, match });
  }
  /** Hold matching requests `ms` before processing them. */
  delay(route: string, ms: number, count = 1, match?: Rule["match"]): void {
    this.delays.push({ route, ms, count, match });
  }
  clear(): void {
    this.rateLimited = [];
    this.lost = [];
    this.delays = [];
    this.perSecond = null;
    this.stalled.clear();
    this.refuseWebSockets = false;
  }
  take<T extends Rule>(rules: T[], route: string, body: unknown): T | undefined {
    const r = rules.find((x) => x.route === route && x.count > 0 && (!x.match || x.match(body)));
    if (r) r.count--;
    return r;
  }
}
