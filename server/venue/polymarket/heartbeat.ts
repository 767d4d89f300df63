// The venue's dead-man switch: a heartbeat (POST /v1/heartbeats, chained by the id the previous one
// returned) at most every 5 s; the venue cancels all our orders when none arrives for 10 s. Each beat has
// a deadline of one period, so a slow venue cannot make beats pile up. The venue refusing our chained id,
// or a gap longer than the venue's window on our side, means it may have cancelled everything: the stream
// signals a resync so the desk reconciles before it quotes again, and a new chain starts.
import { ExchangeError } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import { VENUE } from "./errors";
import type { PolymarketHttp } from "./http";
import { heartbeatSchema } from "./wire";

export interface HeartbeatConfig {
  /** Period, ms: <= 5000 (the venue's window is 10 s). null: not used. */
  periodMs: number | null;
  /** The venue's window: no heartbeat for this long and it has cancelled all our orders. */
  windowMs: number;
  http: PolymarketHttp;
  onFired: () => void;
  log: (line: string) => void;
}

export class Heartbeat {
  id = "";
  beats = 0;
  failures = 0;
  fired = 0;
  lastOkAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inflight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly cfg: HeartbeatConfig) {}

  async start(): Promise<void> {
    const ms = this.cfg.periodMs;
    if (ms === null) return;
    if (ms > 5_000) throw new Error("heartbeats must go at least every 5 s (the venue cancels all orders after 10 s without one)");
    // Started again after a stop (a dead-man armed again): one chain, one timer.
    this.stopped = false;
    if (this.timer) clearInterval(this.timer);
    await this.beat();
    this.timer = setInterval(() => void this.beat(), ms);
    this.timer.unref?.();
  }

  /** One beat at a time: a slow one is not doubled by the next tick. */
  beat(): Promise<void> {
    if (this.stopped || this.inflight) return this.inflight ?? Promise.resolve();
    this.inflight = this.once().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async once(): Promise<void> {
    const now = Date.now();
    const prev = this.lastOkAt;
    const lapsed = prev > 0 && now - prev >= this.cfg.windowMs;
    try {
      const raw = await this.cfg.http.request("heartbeat", "POST", "/v1/heartbeats", { auth: "l2", body: { heartbeat_id: lapsed ? "" : this.id }, deadlineMs: this.cfg.periodMs ?? undefined });
      this.id = parseVenueData(heartbeatSchema, raw, "heartbeat", VENUE).heartbeat_id;
      this.beats++;
      this.lastOkAt = Date.now();
      if (lapsed) this.fire(`no heartbeat reached the venue for ${now - prev} ms`);
    } catch (err) {
      this.failures++;
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof ExchangeError && /heartbeat/i.test(msg)) {
        // The venue no longer knows our chain: its window passed, our orders are gone.
        this.id = "";
        this.fire(`the venue refused our heartbeat (${msg})`);
        return;
      }
      this.cfg.log(`heartbeat failed: ${msg}`);
    }
  }

  private fire(why: string): void {
    this.fired++;
    this.cfg.log(`the venue's dead-man may have fired (${why}): reconciling before quoting again`);
    this.cfg.onFired();
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    return this.inflight ?? Promise.resolve();
  }
}
