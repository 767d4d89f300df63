#!/usr/bin/env node
// Builds the Next.js pages when .next is missing or stale. "Stale" means the hash of everything the page
// bundle is made from (app/, components/, lib/, the wire contract, the build configs, the lockfile)
// differs from the stamp written after the last successful build. Concurrent callers (parallel tests)
// wait on a lock instead of building twice.
//
//   node scripts/ensure-build.mjs            build if stale
//   node scripts/ensure-build.mjs --force    always build
//   node scripts/ensure-build.mjs --check    exit 0 when fresh, 3 when a build is needed; never builds
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const STAMP = join(root, ".next", "skewdesk-build-stamp");
const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "server/realtime/events.ts",
  "next.config.js",
  "next.config.mjs",
  "next.config.ts",
  "postcss.config.mjs",
  "postcss.config.js",
  "tailwind.config.js",
  "tailwind.config.ts",
  "proxy.ts",
  "middleware.ts",
  "instrumentation.ts",
  "tsconfig.json",
  "package-lock.json",
];

function files(path) {
  if (!existsSync(path)) return [];
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((n) => !n.startsWith(".") && n !== "node_modules")
    .flatMap((n) => files(join(path, n)));
}

export function inputHash() {
  const h = createHash("sha256");
  for (const rel of INPUTS) {
    for (const f of files(join(root, rel)).sort()) {
      h.update(relative(root, f));
      h.update("\0");
      h.update(readFileSync(f));
      h.update("\0");
    }
  }
  return h.digest("hex");
}

export function isFresh(hash = inputHash()) {
  if (!existsSync(join(root, ".next", "BUILD_ID"))) return false;
  try {
    return readFileSync(STAMP, "utf8").trim() === hash;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

const lockDir = join(tmpdir(), `skewdesk-build-${createHash("sha1").update(root).digest("hex").slice(0, 12)}.lock`);

async function withLock(fn) {
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, "pid"), "utf8"));
      } catch {
        /* being written */
      }
      if (Number.isInteger(owner) && !alive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (waited % 10_000 === 0) console.log(`[ensure-build] waiting for another build (pid ${owner || "?"})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export async function ensureBuild({ force = false } = {}) {
  if (!force && isFresh()) return { built: false };
  return withLock(() => {
    const hash = inputHash();
    if (!force && isFresh(hash)) return { built: false };
    console.log(`[ensure-build] ${force ? "building" : ".next is missing or stale: building"} (next build)`);
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
    writeFileSync(STAMP, hash + "\n");
    console.log(`[ensure-build] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { built: true };
  });
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes("--check")) process.exit(isFresh() ? 0 : 3);
  ensureBuild({ force: args.includes("--force") }).catch((err) => {
    console.error(`[ensure-build] ${err.message}`);
    process.exit(1);
  });
}
