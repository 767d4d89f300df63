// The venue's dead-man switch (scheduleCancel): armed at start for `ms` ahead and refreshed every third
// of that, disarmed on a clean stop (an action without "time"; ccxt's cancelAllOrdersAfter(0) sends
// time = now, which the venue refuses). When it fires, our orders are cancelled with status
// "scheduledCancel": the adapter reports a disconnect and a reconnect so the desk reconciles before it
// quotes again, then re-arms. A venue that refuses to arm (mainnet wants ~$1M traded first) is logged
// and the desk carries on with its own safeguards.
import type { HyperliquidStream } from "./stream";

export interface DeadmanConfig {
  /** null: not used. */
  ms: number | null;
  send: (time: number | undefined) => Promise<unknown>;
  stream: HyperliquidStream;
  log: (line: string) => void;
}

export class Deadman {
  armedUntil = 0;
  refreshes = 0;
  fired = 0;
  refused: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(private readonly cfg: DeadmanConfig) {
    cfg.stream.orderListeners.add((raw) => {
      const updates = Array.isArray(raw) ? (raw as { status?: string }[]) : [];
      if (updates.some((u) => u?.status === "scheduledCancel")) void this.onFired();
    });
  }

  async start(): Promise<void> {
    const ms = this.cfg.ms;
    if (ms === null) return;
    if (ms < 6_000) throw new Error("the dead-man needs at least 6 s (the venue refuses under 5 s from its receipt)");
    await this.arm();
    this.timer = setInterval(() => void this.arm().catch((err) => this.cfg.log(`dead-man refresh failed: ${err instanceof Error ? err.message : String(err)}`)), Math.floor(ms / 3));
    this.timer.unref?.();
  }

  private inflight: Promise<void> | null = null;

  /** One arm at a time, so that stop() can wait for it: a refresh landing after the disarm would re-arm. */
  private arm(): Promise<void> {
    if (this.stopped || this.cfg.ms === null) return Promise.resolve();
    const p = (this.inflight ?? Promise.resolve()).catch(() => {}).then(() => this.armOnce());
    this.inflight = p;
    return p;
  }

  private async armOnce(): Promise<void> {
    if (this.stopped || this.cfg.ms === null) return;
    const until = Date.now() + this.cfg.ms;
    try {
      await this.cfg.send(until);
      this.armedUntil = until;
      this.refreshes++;
      this.refused = null;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/Cannot set scheduled cancel|enough volume/i.test(msg)) {
        if (this.refused === null) this.cfg.log(`the venue refuses the dead-man switch (${msg}): running without it`);
        this.refused = msg;
        return;
      }
      throw err;
    }
  }

  private async onFired(): Promise<void> {
    this.fired++;
    this.armedUntil = 0;
    this.cfg.log("the venue's dead-man fired: our orders were cancelled; reconciling before quoting again");
    this.cfg.stream.signalResync();
    await this.arm().catch((err) => this.cfg.log(`dead-man re-arm failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.inflight?.catch(() => {});
    if (this.cfg.ms === null || !this.armedUntil) return;
    await this.cfg.send(undefined);
    this.armedUntil = 0;
  }
}
