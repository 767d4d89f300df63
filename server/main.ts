// The one process: reads the environment, checks the start-up rules, starts the runner (in a worker
// thread behind RunnerHost) and the web server (Next pages + JSON API + socket.io), and on SIGTERM/SIGINT
// cancels every quote, flushes, closes and exits 0.
//
//   node --experimental-wasm-modules --import tsx server/main.ts [--dev]
import { createAuth } from "@/server/auth/auth";
import { StartupRefused } from "@/server/auth/secret";
import type { RunnerHost } from "@/server/host/runner-host";
import { ConfigError, webConfigFromEnv, type WebConfig } from "@/server/web/config";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";

/** What server/host/worker-host.ts exports: starts the runner worker and returns its port. */
export type RunnerHostFactory = (config: WebConfig) => Promise<RunnerHost> | RunnerHost;

const SHUTDOWN_TIMEOUT_MS = 20_000;

// Loaded by URL so that the web layer does not depend on the runner at compile time.
async function loadRunnerHostFactory(): Promise<RunnerHostFactory> {
  const spec = new URL("./host/worker-host.ts", import.meta.url).href;
  let mod: { createRunnerHost?: unknown };
  try {
    mod = (await import(spec)) as typeof mod;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String((err as Error).message).includes("worker-host")) {
      throw new Error("server/host/worker-host.ts is missing: the runner host is not installed");
    }
    throw err;
  }
  if (typeof mod.createRunnerHost !== "function") throw new Error("server/host/worker-host.ts does not export createRunnerHost");
  return mod.createRunnerHost as RunnerHostFactory;
}

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev") || process.env.SKEWDESK_DEV === "1";
  const config = webConfigFromEnv(process.env);
  // Refusals (live without a secret, beyond localhost without accounts) happen before the runner starts.
  const auth = await createAuth(config);
  const createRunnerHost = await loadRunnerHostFactory();
  const host = await createRunnerHost(config);

  let server: WebServer;
  try {
    server = await createWebServer({ host, config, dev, auth });
  } catch (err) {
    await host.stop("startup failed").catch(() => undefined);
    throw err;
  }
  console.log(`Skewdesk (${config.mode.toUpperCase()}) listening on ${server.url}${dev ? " [dev]" : ""}`);
  if (auth.accounts.size === 0) console.log(`No account yet: open ${server.url}/login on this machine to create the operator account.`);

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      console.log(`${signal} received again; still shutting down`);
      return;
    }
    shuttingDown = true;
    console.log(`${signal}: cancelling quotes, flushing, closing`);
    const watchdog = setTimeout(() => {
      console.error(`Shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting 1`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    watchdog.unref();
    let code = 0;
    try {
      await host.stop("SIGTERM");
    } catch (err) {
      code = 1;
      console.error(`Runner stop failed: ${(err as Error)?.message ?? String(err)}`);
    }
    await server.close().catch((err: unknown) => console.error(`Web server close failed: ${(err as Error)?.message}`));
    clearTimeout(watchdog);
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof StartupRefused) {
    console.error(`Skewdesk refused to start: ${err.message}`);
    process.exit(2);
  }
  console.error(`Skewdesk failed to start: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
