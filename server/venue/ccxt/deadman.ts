// The dead-man switch, whichever the exchange offers: its own countdown (ccxt's cancelAllOrdersAfter,
// e.g. Binance futures' countdownCancelAll) where ccxt has it, else our watchdog process (watchdog.ts).
// With `ms` set it is armed at open and refreshed every third of `ms` from the desk's event loop (the
// heartbeat), and disarmed on a clean stop. When the watchdog fires, the desk is told to reconcile.
import type { Exchange } from "ccxt";
import { WatchdogProcess, type WatchdogInit } from "./watchdog";

export interface DeadmanConfig {
  /** Auto heartbeat period basis: armed for `ms`, refreshed every ms/3; null = only on demand. */
  ms: number | null;
  client: Exchange;
  symbol: string;
  venue: string;
  watchdog: WatchdogInit;
  run: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  onFired: () => void;
  log: (line: string) => void;
}

export class Deadman {
  readonly kind: "exchange" | "watchdog";
  armedUntil = 0;
  refreshes = 0;
  private readonly watchdog: WatchdogProcess | null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(private readonly cfg: DeadmanConfig) {
    this.kind = cfg.client.has.cancelAllOrdersAfter === true ? "exchange" : "watchdog";
    this.watchdog = this.kind === "watchdog" ? new WatchdogProcess(cfg.watchdog, cfg.venue, cfg.log, () => this.onFired()) : null;
  }

  /** Times the watchdog cancelled our orders for want of a heartbeat. */
  get fired(): number {
    return this.watchdog?.fired ?? 0;
  }

  async start(): Promise<void> {
    const ms = this.cfg.ms;
    if (ms === null) return;
    await this.arm(ms);
    this.timer = setInterval(() => void this.arm(ms).catch((err) => this.cfg.log(`dead-man refresh failed: ${err instanceof Error ? err.message : String(err)}`)), Math.floor(ms / 3));
    this.timer.unref?.();
  }

  async arm(ms: number): Promise<void> {
    if (this.stopped) return;
    const until = Date.now() + ms;
    if (this.watchdog) await this.watchdog.beat(ms);
    else await this.cfg.run("arm dead-man", () => this.cfg.client.cancelAllOrdersAfter(ms, { symbol: this.cfg.symbol }));
    this.armedUntil = until;
    this.refreshes++;
  }

  async disarm(): Promise<void> {
    if (this.watchdog) await this.watchdog.disarm();
    else await this.cfg.run("disarm dead-man", () => this.cfg.client.cancelAllOrdersAfter(0, { symbol: this.cfg.symbol }));
    this.armedUntil = 0;
  }

  private onFired(): void {
    this.armedUntil = 0;
    this.cfg.onFired();
  }

  /** The desk's heartbeat stops as if it hung (tests): no refresh leaves this process any more. */
  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat();
    if (this.watchdog) await this.watchdog.stop();
    else if (this.armedUntil) await this.disarm();
  }
}
