#!/usr/bin/env node
// `npm start`: build the pages if .next is missing or stale, then run the one server process (Next +
// socket.io + API + the runner in a worker thread). `npm run dev` (--dev): the same with next dev.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureBuild } from "./ensure-build.mjs";

const root = new URL("..", import.meta.url).pathname;
const dev = process.argv.includes("--dev");

if (!dev) {
  try {
    await ensureBuild();
  } catch (err) {
    console.error(`[start] ${err.message}`);
    process.exit(1);
  }
}

const child = spawn(
  process.execPath,
  ["--experimental-wasm-modules", "--no-warnings=ExperimentalWarning", "--import", "tsx", join(root, "server/main.ts"), ...(dev ? ["--dev"] : [])],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: dev ? "development" : "production" },
  },
);

// The server handles SIGTERM/SIGINT itself (cancel quotes, flush, exit 0); pass them on and mirror its exit.
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
