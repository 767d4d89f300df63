// `npm run bench`: every bench module, in order (the first: live book-to-order latency against the fake Hyperliquid). strategy.ts runs when imported; the others export run().
// The load bench (200 sockets, 20 parameter changes/s, 60 s) is separate: `npm run bench:load`.
// It ends with the speed bars (issue 13's three, issue 10's one) in one place. The machine is shared: the load average is printed at
// the start and the end, since every wall-time figure here moves with it.
// The two figures that stand for a process of their own run in one, first, while this process has not yet
// filled its heap and kept V8's background threads busy: the live book-to-order latency (a desk's process
// runs nothing else; after the benches below its code had other types' feedback, and in one run its two
// slowest moves waited 1.6 and 3.7 ms for a core) and the lab's runner cycle (three child processes: after
// the benches below, the same children measured ~30 % slower). Their figures are printed where they ran; the
// summary at the end repeats the bars.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { availableParallelism, loadavg } from "node:os";
import { labCycle as measureLabCycle, run as runner } from "./runner";

const load = () => loadavg().map((x) => x.toFixed(2)).join(", ");
const startLoad = load();
console.log(`\nmachine: ${availableParallelism()} cores, load average ${startLoad} (1, 5, 15 min)`);

const bookToOrder = await bookToOrderInChild();
const labFigure = measureLabCycle();
await import("./strategy");
const { run: paper } = await import("./paper");
const { run: skew } = await import("./skew-falling");
const { run: decideFloat } = await import("./decide-float");
const { run: lab } = await import("./lab");
const decide = decideFloat();
await paper();
const ticks = await runner(labFigure);
await skew(8, 10);
const sweep = await lab();

function minutes(s: number): string {
  const m = Math.max(1, Math.round(s / 60));
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** Runs bench/book-to-order.ts in a process of its own, its output shown as it comes; its bar line kept for the summary. */
async function bookToOrderInChild(): Promise<string> {
  const moves = Number(process.env.BENCH_MOVES ?? 300) + Number(process.env.BENCH_WARMUP ?? 20);
  console.log(`\nbook → order: a live desk against the fake Hyperliquid, ${moves} market moves ~0.65 s apart (about ${minutes(moves * 0.65)})…`);
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./book-to-order.ts", import.meta.url))], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`bench/book-to-order.ts exited with ${code}`);
  return out.split("\n").find((l) => l.includes("book → written to the socket, wall time"))?.trim() ?? "book → order: no figure (see above)";
}

const verdict = (ok: boolean) => (ok ? "ok" : "OVER");
const alloc = decide.bytesPerCall;
console.log("\n# issue 13 speed bars");
console.log(`  sweep 3 modes x 10 skew factors x 8 seeds x 1 simulated hour: ${sweep.toFixed(1)} s  [bar <= 60 s: ${verdict(sweep <= 60)}]`);
const [labCycle, ...desk] = ticks;
console.log(`  runner cycle, 500 ms ticks, the lab's (in-memory store, nothing recorded per tick): ${labCycle![1].toFixed(1)} us  [bar <= 40 us: ${verdict(labCycle![1] <= 40)}]`);
console.log(`    the desk's (every order, fill and snapshot recorded, fills journaled to a file; not the bar's): ${desk.map(([what, us]) => `${us.toFixed(1)} us (${what})`).join(", ")}`);
console.log(`  decideQuotes allocation: ~${alloc === null ? "n/a" : Math.round(alloc)} B per call, its result included  [bar <= 256 B: ${verdict(alloc !== null && alloc <= 256)}]; time ${decide.ratio.toFixed(1)}x the float64 decision  [bar <= 4x: ${verdict(decide.ratio <= 4)}]`);
console.log("\n# issue 10 speed bar");
console.log(`  ${bookToOrder}`);
console.log(`  load average at the start ${startLoad}, at the end ${load()}`);
