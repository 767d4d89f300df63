// Load on the whole product: 200 socket.io clients and 20 parameter changes per second for 60 s against
// the real server (web thread + runner worker, embedded database). Reports the runner's tick p99 loaded
// vs idle (bar: within 10%) and memory over the run (bar: no growth).
//   node --experimental-wasm-modules --import tsx bench/load.ts [clients=200] [seconds=60] [changesPerSec=20]
// Embedded database by default; LOAD_DATABASE_URL=postgresql://... runs it on PostgreSQL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { io as connect, type Socket } from "socket.io-client";
import type { MetricsDTO } from "@/lib/events";

const root = new URL("..", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(clients = 200, seconds = 60, changesPerSec = 20): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-load-"));
  const password = "load-bench-operator";
  const child = spawn(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", SKEWDESK_PAGES: "0", SKEWDESK_DATA_DIR: dir, SKEWDESK_OPERATOR_PASSWORD: password, SKEWDESK_TICK_MS: "100", DATABASE_URL: process.env.LOAD_DATABASE_URL ?? "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const sockets: Socket[] = [];
  try {
    let url = "";
    for (let i = 0; i < 600 && !url; i++) {
      await sleep(100);
      url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
    }
    if (!url) throw new Error(`server did not start:\n${out}`);
    const origin = new URL(url).origin;
    const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ username: "operator", password }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const metrics = async (reset: boolean) => (await (await fetch(`${url}/api/metrics?reset=${reset ? 1 : 0}`, { headers: { cookie } })).json()) as MetricsDTO;

    // Every change sends the parameters the desk started with, alternating the skew factor.
    const startParams = ((await (await fetch(`${url}/api/params`, { headers: { cookie } })).json()) as { current: { params: Record<string, unknown> } }).current.params;
    await sleep(5_000); // warm up
    await metrics(true);
    await sleep(20_000);
    const idle = await metrics(true);

    let received = 0;
    for (let i = 0; i < clients; i++) {
      const s = connect(url, { transports: ["websocket"], extraHeaders: { cookie, origin }, reconnection: false });
      s.on("snapshots", (b) => (received += b.length));
      sockets.push(s);
    }
    await sleep(2_000);
    const connected = sockets.filter((s) => s.connected).length;
    await metrics(true);
    const mem: MetricsDTO[] = [];
    let changes = 0;
    let failed = 0;
    let sent = 0;
    const start = Date.now();
    let nextSample = start;
    const inflight = new Set<Promise<void>>();
    while (Date.now() - start < seconds * 1000) {
      // Fire on schedule without waiting for the previous answer: the rate is the bench's, not the server's.
      const body = JSON.stringify({ params: { ...startParams, skewFactor: (changes + failed + inflight.size) % 2 ? "0.5" : "0.6" }, reason: "load bench" });
      const p: Promise<void> = fetch(`${url}/api/params`, { method: "POST", headers: { "content-type": "application/json", origin, cookie }, body })
        .then(async (r) => {
          if (r.ok) changes++;
          else failed++;
          await r.arrayBuffer();
        })
        .catch(() => void failed++)
        .finally(() => inflight.delete(p));
      inflight.add(p);
      sent++;
      if (Date.now() >= nextSample) {
        mem.push(await metrics(false));
        nextSample += 10_000;
      }
      const due = start + (sent * 1000) / changesPerSec;
      await sleep(Math.max(0, due - Date.now()));
    }
    await Promise.all(inflight);
    const loaded = await metrics(true);
    mem.push(loaded);

    const ratio = loaded.tickP99Us / Math.max(1, idle.tickP99Us);
    console.log(`\nload (${process.env.LOAD_DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}): ${connected}/${clients} sockets, ${changes} parameter changes in ${seconds} s (${failed} refused), ${received.toLocaleString("en-US")} snapshot points delivered`);
    console.log(`  runner tick  idle: p50 ${idle.tickP50Us} us, p99 ${idle.tickP99Us} us (${idle.ticks} ticks); runner event-loop delay p99 ${idle.loopDelayP99Us} us`);
    console.log(`  runner tick  load: p50 ${loaded.tickP50Us} us, p99 ${loaded.tickP99Us} us (${loaded.ticks} ticks); runner event-loop delay p99 ${loaded.loopDelayP99Us} us`);
    console.log(`  tick p99 under load vs idle: ${((ratio - 1) * 100).toFixed(1)}% (bar: within +10%); ticks include the paper venue's 50 ms order/cancel latency`);
    console.log(`  memory every 10 s (rss MB / web heap MB / runner heap MB): ${mem.map((m) => `${m.rssMb}/${m.webHeapMb}/${m.runnerHeapMb}`).join("  ")}`);
  } finally {
    for (const s of sockets) s.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.on("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 60), Number(process.argv[4] ?? 20));
}
