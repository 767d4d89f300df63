// The one process: reads the environment, checks the start-up rules, starts the runner (in a worker
// thread behind RunnerHost) and the web server (Next pages + JSON API + socket.io), and on SIGTERM/SIGINT
// cancels every quote, flushes, closes and exits 0.
//
//   node --experimental-wasm-modules --import tsx server/main.ts [--dev]
import { StartupRefused } from "@/server/auth/secret";
import { ConfigError } from "@/server/config/web-config";
import { exitOnSignals, startDesk, type RunnerHostFactory } from "@/server/web/run-main";

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

// Scaled out (README "Scaling out"): a web process hosts no runner; its host talks to the runner processes.
async function loadClusterHostFactory(): Promise<RunnerHostFactory> {
  const mod = (await import(new URL("./cluster/cluster-host.ts", import.meta.url).href)) as typeof import("./cluster/cluster-host");
  return () => mod.createClusterHost(process.env);
}

const role = process.env.SKEWDESK_ROLE?.trim() || "all";
if (role !== "all" && role !== "web" && role !== "runner") {
  console.error(`Skewdesk refused to start: SKEWDESK_ROLE must be all, web or runner (got ${JSON.stringify(role.slice(0, 20))})`);
  process.exit(2);
}
if (role === "runner") await import(new URL("./cluster/runner-main.ts", import.meta.url).href);
else try {
  const desk = await startDesk({
    env: process.env,
    dev: process.argv.includes("--dev") || process.env.SKEWDESK_DEV === "1",
    loadRunnerHostFactory: role === "web" ? loadClusterHostFactory : loadRunnerHostFactory,
  });
  exitOnSignals(desk);
} catch (err) {
  if (err instanceof ConfigError || err instanceof StartupRefused) {
    console.error(`Skewdesk refused to start: ${err.message}`);
    process.exit(2);
  }
  console.error(`Skewdesk failed to start: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
}
