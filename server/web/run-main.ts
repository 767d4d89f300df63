// What server/main.ts does, as functions a test can drive with a fake runner: start the desk from the
// environment (start-up rules checked before the runner starts) and shut it down on a signal.
import { createAuth } from "@/server/auth/auth";
import { StartupRefused } from "@/server/auth/secret";
import type { RunnerHost } from "@/server/host/runner-host";
import { webConfigFromEnv, type WebConfig } from "@/server/config/web-config";
import { describeLive, liveConfigFromEnv } from "@/server/config/live-config";
import { ensurePrivateDir } from "@/server/config/private-dir";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";
import { notifyConfigFromEnv } from "@/server/notify/notify-config";
import { Notifier } from "@/server/notify/notifier";

/** What server/host/worker-host.ts exports: starts the runner worker and returns its port. */
export type RunnerHostFactory = (config: WebConfig) => Promise<RunnerHost> | RunnerHost;

export interface Desk {
  config: WebConfig;
  host: RunnerHost;
  server: WebServer;
  /** host.stop(reason) (cancel all quotes, flush), then close the web server; resolves the exit code. */
  shutdown(reason: string): Promise<number>;
}

export async function startDesk(opts: {
  env: Record<string, string | undefined>;
  dev: boolean;
  loadRunnerHostFactory: () => Promise<RunnerHostFactory>;
  log?: (msg: string) => void;
  /** How often a slow step says it is still going (the first start migrates a new database). */
  progressEveryMs?: number;
}): Promise<Desk> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const started = Date.now();
  const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  // A first start spends most of a minute in steps that print nothing of their own: say what is going on.
  const step = async <T>(what: string, still: string, work: () => Promise<T>): Promise<T> => {
    log(`[start] ${what}…`);
    const beat = setInterval(() => log(`[start] … still ${still} (${secs()})`), opts.progressEveryMs ?? 10_000);
    try {
      return await work();
    } finally {
      clearInterval(beat);
    }
  };
  const config = webConfigFromEnv(opts.env);
  // Everything the desk writes from here on is its user's alone (PGlite's files included), and the data
  // folder itself is closed to others.
  process.umask(0o077);
  ensurePrivateDir(config.dataDir);
  // Checked before anything starts, like the rest of the configuration.
  const notifyConfig = notifyConfigFromEnv(opts.env);
  const notifier = notifyConfig ? new Notifier(notifyConfig, `Skewdesk ${config.mode.toUpperCase()}`) : null;
  // Refusals (live without a secret, beyond localhost without accounts) happen before the runner starts.
  const auth = await step("Checking the accounts", "checking the accounts", () => createAuth(config));
  // Live: the venue, network, market and credentials are checked before the runner starts (never echoing the key).
  if (config.mode === "live") log(`Live trading configured: ${describeLive(liveConfigFromEnv(opts.env))}`);
  const createRunnerHost = await opts.loadRunnerHostFactory();
  let host: RunnerHost;
  try {
    host = await step(
      "Starting the runner: opening the database and applying migrations (a first start can take a minute)",
      "starting the runner",
      async () => createRunnerHost(config),
    );
  } catch (err) {
    // A live runner that cannot start (unlisted market, unknown key, venue unreachable) is a refusal to trade.
    if (config.mode === "live") throw new StartupRefused(`live trading not started: ${(err as Error)?.message ?? String(err)}`);
    throw err;
  }
  log(`[start] runner ready (${secs()})`);
  let server: WebServer;
  try {
    server = await step("Starting the web server and loading the dashboard pages", "loading the pages", () => createWebServer({ host, config, dev: opts.dev, auth, notifier }));
  } catch (err) {
    await host.stop("startup failed").catch(() => undefined);
    throw err;
  }
  log(`Skewdesk (${config.mode.toUpperCase()}) listening on ${server.url}${opts.dev ? " [dev]" : ""} (started in ${secs()})`);
  log(notifier ? `[start] critical alerts go to ${notifier.status().destination} (${notifyConfig!.format})` : "[start] notifications off (set SKEWDESK_NOTIFY_URL to send critical alerts to a webhook)");
  if (auth.accounts.size === 0) log(`No account yet: open ${server.url}/login on this machine to create the operator account.`);

  let stopping: Promise<number> | null = null;
  return {
    config,
    host,
    server,
    shutdown(reason) {
      stopping ??= (async () => {
        let code = 0;
        try {
          await host.stop(reason);
        } catch (err) {
          code = 1;
          console.error(`Runner stop failed: ${(err as Error)?.message ?? String(err)}`);
        }
        await server.close().catch((err: unknown) => console.error(`Web server close failed: ${(err as Error)?.message}`));
        return code;
      })();
      return stopping;
    },
  };
}

/** SIGTERM/SIGINT → desk.shutdown("SIGTERM") → exit 0 (1 when the runner could not stop cleanly). */
export function exitOnSignals(desk: Desk, timeoutMs = 20_000): void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`${signal}: cancelling quotes, flushing, closing`);
    const watchdog = setTimeout(() => {
      console.error(`Shutdown did not finish within ${timeoutMs / 1000} s; exiting 1`);
      process.exit(1);
    }, timeoutMs);
    watchdog.unref();
    void desk.shutdown("SIGTERM").then((code) => process.exit(code));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
