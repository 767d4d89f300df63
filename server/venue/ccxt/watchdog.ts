// The desk's side of the dead-man for exchanges without one (Binance spot has no countdownCancelAll):
// a watchdog process (watchdog-main.ts) that cancels every open order on the market when the desk's
// heartbeats stop. Armed = a heartbeat was sent and acknowledged; the next must follow within `ms`.
// The heartbeats come from this process's event loop, so a desk that hangs stops them as surely as one
// that dies. When the watchdog fires, `onFired` lets the adapter make the desk reconcile.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { NetworkError } from "@/server/venue/errors";

export interface WatchdogInit {
  exchangeId: string;
  apiKey: string;
  secret: string;
  password?: string;
  restUrl?: string;
  wsUrl?: string;
  sandbox?: boolean;
  symbol: string;
  timeoutMs: number;
}

type In = { t: "ready" } | { t: "armed"; until: number } | { t: "disarmed" } | { t: "fired"; cancelled: number } | { t: "error"; message: string };

export class WatchdogProcess {
  fired = 0;
  private child: ChildProcess | null = null;
  private starting: Promise<void> | null = null;
  private waiters: { kind: In["t"]; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(
    private readonly init: WatchdogInit,
    private readonly venue: string,
    private readonly log: (line: string) => void,
    private readonly onFired: (cancelled: number) => void,
  ) {}

  private start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const child = fork(fileURLToPath(new URL("./watchdog-main.ts", import.meta.url)), [], {
        execArgv: ["--import", "tsx", "--no-warnings=ExperimentalWarning"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        // Credentials go over IPC; the child inherits no secret variables.
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/KEY|SECRET|PASSWORD|PASSPHRASE/i.test(k))) as NodeJS.ProcessEnv,
      });
      this.child = child;
      child.on("message", (m: In) => this.onMessage(m));
      child.on("exit", (code) => {
        this.child = null;
        this.starting = null;
        for (const w of this.waiters.splice(0)) w.reject(new NetworkError(`the dead-man watchdog exited (${code})`, { venue: this.venue }));
      });
      // Loading ccxt and the exchange's markets in a new process: seconds on an idle machine, over 30 s once
      // on a machine at load 20. The desk does not quote before the watchdog is ready, so waiting is safe.
      this.expect("ready", 90_000).then(resolve, reject);
      child.send({ t: "init", ...this.init });
    });
    return this.starting;
  }

  private onMessage(m: In): void {
    if (m.t === "error") this.log(`dead-man watchdog: ${m.message}`);
    if (m.t === "fired") {
      this.fired++;
      this.log(`the dead-man watchdog fired: no heartbeat in time, ${m.cancelled} open order(s) cancelled`);
      this.onFired(m.cancelled);
    }
    const i = this.waiters.findIndex((w) => w.kind === m.t);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve();
  }

  private expect(kind: In["t"], ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NetworkError(`dead-man watchdog: no "${kind}" within ${ms} ms`, { venue: this.venue })), ms);
      timer.unref?.();
      this.waiters.push({ kind, resolve: () => (clearTimeout(timer), resolve()), reject: (e) => (clearTimeout(timer), reject(e)) });
    });
  }

  /** A heartbeat: the watchdog cancels everything unless the next one comes within `ms`. */
  async beat(ms: number): Promise<void> {
    await this.start();
    const ack = this.expect("armed", 5_000);
    this.child?.send({ t: "beat", ms });
    await ack;
  }

  async disarm(): Promise<void> {
    if (!this.child) return;
    const ack = this.expect("disarmed", 5_000);
    this.child.send({ t: "disarm" });
    await ack;
  }

  /** Disarms and ends the watchdog (a clean stop). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await this.disarm().catch(() => {});
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.send({ t: "exit" });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000).unref?.())]);
    if (this.child === child) child.kill();
  }
}
