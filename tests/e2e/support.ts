// Browser-test plumbing: start the product server (the real one, or the web server in front of the fake
// runner) as a child process on a free port, launch Debian's headless Chromium, sign in.
// Chromium missing is a failure with instructions, never a silent skip.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page, type APIResponse } from "playwright-core";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const ARTIFACTS = join(ROOT, "test-artifacts");

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
  (p): p is string => !!p,
);

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export function chromiumPath(): string {
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    const msg =
      `Chromium not found (looked at ${CHROMIUM_CANDIDATES.join(", ")}). The browser tests need Debian's chromium: ` +
      "`apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).";
    console.error(`\n✖ ${msg}\n`);
    throw new Error(msg);
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Builds the pages when stale (both servers serve a production build in tests). */
export function ensureBuild(): void {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/ensure-build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`scripts/ensure-build.mjs failed (exit ${r.status ?? r.signal})`);
}

export interface RunningServer {
  kind: "real" | "fake";
  url: string;
  port: number;
  username: string;
  password: string;
  dataDir: string;
  /** Everything the child printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  kind: "real" | "fake";
  /** Extra env for the child. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * real: `node --experimental-wasm-modules --import tsx server/main.ts` with a fresh data dir, an operator
 * password from env, fast ticks and no DATABASE_URL (the embedded database).
 * fake: tests/support/serve-fake.ts --prod (the real web server in front of FakeRunnerHost).
 */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  ensureBuild();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `skewdesk-e2e-${opts.kind}-`));
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    SKEWDESK_DATA_DIR: dataDir,
    SKEWDESK_OPERATOR_PASSWORD: password,
    SKEWDESK_TICK_MS: "100",
    ...opts.env,
  };
  delete env.DATABASE_URL;
  const args =
    opts.kind === "real"
      ? ["--experimental-wasm-modules", "--no-warnings=ExperimentalWarning", "--import", "tsx", join(ROOT, "server/main.ts")]
      : ["--import", "tsx", join(ROOT, "tests/support/serve-fake.ts"), "--port", String(port), "--prod", "--tick-ms", "100", "--history-min", "2"];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: false });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));

  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    kind: opts.kind,
    url,
    port,
    username: "operator",
    password,
    dataDir,
    output: () => out,
    stop: () => stopChild(child, dataDir),
  };
  try {
    await waitForHealth(url, child, () => out, opts.readyTimeoutMs ?? 240_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output().slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${output().slice(-4000)}`);
}

async function stopChild(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** Signs in through the login page, the way an operator does, and lands on the dashboard. */
export async function login(page: Page, server: { url: string; username: string; password: string }): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login/, { timeout: 30_000 });
  await page.fill('input[name="username"]', server.username);
  await page.fill('input[name="password"]', server.password);
  await page.click('[data-testid="login-submit"]');
  await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 30_000 });
  await page.waitForSelector('[data-testid="state-panel"]', { timeout: 30_000 });
}

export async function newPage(browser: Browser, width: number, height: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  return { context, page };
}

/**
 * A read from the API as the test's own client. Playwright's request context reuses a kept-alive
 * socket without heeding the server's Keep-Alive hint (microsoft/playwright#42698), so a read sent
 * as the server closes that idle socket meets ECONNRESET. A browser retries an idempotent request on
 * a reused socket; these reads do too (Playwright retries ECONNRESET only, nothing else).
 */
export function apiGet(page: Page, url: string): Promise<APIResponse> {
  return page.request.get(url, { maxRetries: 3 });
}

/** Polls `read` until `ok` holds; the failure names what was last seen. */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  const seen: string[] = [];
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    seen.push(JSON.stringify(last));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)} (recent: ${seen.slice(-8).join(", ")})`);
}
