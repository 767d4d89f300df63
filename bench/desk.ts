// `npm run bench:desk` (issue 12, item 4): a desk of 100 paper strategies at 1 s ticks for 60 s on this
// machine, the real server (web thread + runner worker, embedded database unless DESK_DATABASE_URL), with
// 50 browser sockets (socket.io-client) on the overview. Prints, against the bars: the runner's tick p99
// over every strategy's ticks (≤ 10 ms of in-process work), fills stored per second, the database write
// queue, the process RSS (≤ 1.5 GB), the overview's update latency to the sockets (≤ 1 s p99), and how
// evenly the strategies were ticked (no strategy starves another).
//   node --experimental-wasm-modules --import tsx bench/desk.ts [strategies=100] [seconds=60] [sockets=50]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import type { DeskMetricsDTO, DeskOverviewDTO } from "@/lib/desk";

const root = new URL("..", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};
const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
};
const line = (name: string, value: string, bar: string, ok: boolean | null) => console.log(`  ${name.padEnd(34)} ${value.padStart(16)}   ${bar.padEnd(22)} ${ok === null ? "" : ok ? "OK" : "OVER"}`);

export async function run(strategies = 100, seconds = 60, sockets = 50): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-bench-desk-"));
  const password = "desk-bench-operator";
  const child = spawn(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", SKEWDESK_PAGES: "0", SKEWDESK_DATA_DIR: dir, SKEWDESK_OPERATOR_PASSWORD: password, SKEWDESK_TICK_MS: "1000", SKEWDESK_MAX_ORDERS_PER_SEC: "1000", DATABASE_URL: process.env.DESK_DATABASE_URL ?? "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const clients: Socket[] = [];
  try {
    let url = "";
    for (let i = 0; i < 1200 && !url; i++) {
      await sleep(100);
      url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
    }
    if (!url) throw new Error(`server did not start:\n${out}`);
    const origin = new URL(url).origin;
    const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ username: "operator", password }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const metrics = async (reset: boolean) => (await (await fetch(`${url}/api/desk/metrics?reset=${reset ? 1 : 0}`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) })).json()) as DeskMetricsDTO;

    // The environment's strategy is one; create the rest, four at a time, alternating the two paper markets.
    const t0 = Date.now();
    const create = async (i: number) => {
      const r = await fetch(`${url}/api/desk/strategies`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, cookie },
        body: JSON.stringify({ name: `bench-${i}`, venue: "paper", settings: { market: i % 2 ? "story" : "probability", seed: 1000 + i, tickMs: 1000 }, reason: "bench:desk" }),
      });
      if (r.status !== 200) throw new Error(`create bench-${i}: ${r.status} ${await r.text()}`);
    };
    for (let i = 1; i < strategies; i += 4) await Promise.all([i, i + 1, i + 2, i + 3].filter((k) => k < strategies).map(create));
    console.log(`desk: ${strategies} paper strategies started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const latencies: number[] = [];
    for (let i = 0; i < sockets; i++) {
      const s = connect(`${url}/desk`, { transports: ["websocket"], extraHeaders: { cookie, origin }, reconnection: false });
      s.on("overview", (o: DeskOverviewDTO) => latencies.push(Date.now() - o.at));
      clients.push(s);
    }
    await sleep(5_000); // warm up: every strategy's first ticks and the sockets' first overviews
    const connected = clients.filter((s) => s.connected).length;
    latencies.length = 0;
    const before = await metrics(true);
    const start = Date.now();
    const rss: number[] = [];
    const queue: number[] = [];
    while (Date.now() - start < seconds * 1000) {
      await sleep(1_000);
      rss.push(rssMb(child.pid!));
      queue.push((await metrics(false)).queuedWrites);
    }
    const elapsed = (Date.now() - start) / 1000;
    const after = await metrics(false);
    const stored = after.storedFills - before.storedFills;
    const expectedTicks = Math.floor((Date.now() - start) / 1000);

    console.log(`\nbench:desk — ${after.strategies} strategies, 1 s ticks, ${elapsed.toFixed(0)} s, ${connected}/${sockets} overview sockets, ${process.env.DESK_DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}`);
    line("runner tick p99 (in-process work)", `${(after.workP99Us / 1000).toFixed(2)} ms`, "bar ≤ 10 ms", after.workP99Us <= 10_000);
    line("runner tick work p50", `${(after.workP50Us / 1000).toFixed(2)} ms`, "", null);
    line("tick wall p50 / p99 / max", `${(after.tickP50Us / 1000).toFixed(1)} / ${(after.tickP99Us / 1000).toFixed(1)} / ${(after.tickMaxUs / 1000).toFixed(0)} ms`, "incl. wait for the book", null);
    line("fills stored per second", `${(stored / elapsed).toFixed(1)} /s`, `(${stored} fills)`, null);
    line("fills booked per second", `${((after.fills - before.fills) / elapsed).toFixed(1)} /s`, "", null);
    line("database queue depth p50 / max", `${pct(queue, 0.5)} / ${Math.max(0, ...queue)}`, "writes waiting", null);
    line("database queue growth", `${(((queue[queue.length - 1] ?? 0) - (queue[0] ?? 0)) / elapsed).toFixed(1)} /s`, "0 = keeping up", null);
    line("RSS max (whole process)", `${Math.max(0, ...rss).toFixed(0)} MB`, "bar ≤ 1536 MB", Math.max(0, ...rss) <= 1536);
    line("overview latency p50 / p99", `${pct(latencies, 0.5)} / ${pct(latencies, 0.99)} ms`, "bar p99 ≤ 1000 ms", latencies.length > 0 && pct(latencies, 0.99) <= 1000);
    line("overviews received per socket", `${(latencies.length / Math.max(1, connected)).toFixed(0)}`, `(one a second)`, null);
    line("ticks per strategy min / max", `${after.minTicks} / ${after.maxTicks}`, `~${expectedTicks} each; none starved`, after.minTicks >= expectedTicks * 0.8);
  } finally {
    for (const s of clients) s.close();
    child.kill("SIGTERM");
    // Shutdown flushes every strategy's queued writes (15 s at most each, in parallel); then it must go.
    const exited = await Promise.race([new Promise((r) => child.once("exit", () => r(true))), sleep(60_000).then(() => false)]);
    if (!exited) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, s, k] = process.argv.slice(2).map(Number);
  await run(n || 100, s || 60, k || 50);
}
