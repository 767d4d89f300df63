// The lab from a terminal: `npm run lab -- --grid skewMode=linear,exponential,tiered --grid skewFactor=0.1:1:0.1 --seeds 8 --duration 1h`
// The same grid, engine and table as the dashboard's lab page; a progress bar on stderr; bad input is
// refused with a message and exit code 2 before anything runs.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { z } from "zod";
import { GridError } from "@/lib/lab/grid";
import { LAB_MARKETS, LAB_REGIMES, labRunRequestSchema, type LabRunRequestInput } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";
import { defaultLabWorkers, runLab } from "@/server/lab/engine";
import { formatTable } from "@/server/lab/table";
import { PAPER_MARKETS } from "@/server/runner/paper-market";

const USAGE = `usage: npm run lab -- --grid NAME=VALUES [--grid …] [flags]

Sweeps strategy parameters over simulated markets (or a recorded file) and prints a table per parameter set.

  --grid NAME=v1,v2 | NAME=from:to:step   a parameter and its values (repeatable), e.g. skewMode=linear,tiered or skewFactor=0.1:1:0.1
  --seeds N           simulated markets per set: seeds 1…N (default 4)
  --first-seed N      start the seeds here (default 1)
  --duration 1h       simulated time per run: 500ms, 30s, 10m, 1h (default 10m)
  --regime NAME       ${LAB_REGIMES.join("|")} (default falling)
  --market NAME       ${LAB_MARKETS.join("|")} (default story)
  --replay FILE       replay a recorded file (JSONL or CSV, the replay format) instead of simulating
  --tick MS           tick interval (default 500)
  --workers N         worker threads (default: the machine's cores, ${defaultLabWorkers()} here)
  --json              print the results as one JSON document on stdout
  -h, --help          this text

example:
  npm run lab -- --grid skewMode=linear,exponential,tiered --grid skewFactor=0.1:1:0.1 --seeds 8 --duration 1h --json`;

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "use a number and a unit: 500ms, 30s, 10m, 1h")
  .transform((v) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v)!;
    return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"]);
  });
const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "a whole number").transform(Number).pipe(z.number().int().min(min, `at least ${min}`).max(max, `at most ${max}`));

const argsSchema = z.object({
  grid: z.array(z.string()).min(1, "give at least one --grid NAME=VALUES"),
  seeds: int(1, 64).default(4),
  "first-seed": int(0, 1_000_000_000).default(1),
  duration: duration.default(600_000),
  regime: z.enum(LAB_REGIMES).default("falling"),
  market: z.enum(LAB_MARKETS).default("story"),
  replay: z.string().optional(),
  tick: int(100, 10_000).default(500),
  workers: int(0, 64).optional(),
  json: z.boolean().default(false),
});

function fail(message: string): number {
  process.stderr.write(`${message}\n\nRun npm run lab -- --help for the flags.\n`);
  return 2;
}

async function main(): Promise<number> {
  let raw;
  try {
    raw = parseArgs({
      options: {
        grid: { type: "string", multiple: true },
        seeds: { type: "string" },
        "first-seed": { type: "string" },
        duration: { type: "string" },
        regime: { type: "string" },
        market: { type: "string" },
        replay: { type: "string" },
        tick: { type: "string" },
        workers: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
  if (raw.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = argsSchema.safeParse({ ...raw, grid: raw.grid ?? [] });
  if (!parsed.success) return fail(parsed.error.issues.map((i) => `${i.path.length ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("\n"));
  const a = parsed.data;
  const replayPath = a.replay ? resolve(a.replay) : undefined;
  if (replayPath && !existsSync(replayPath)) return fail(`--replay: no file ${replayPath}`);
  const input: LabRunRequestInput = {
    market: replayPath
      ? { kind: "replay", source: "sample", market: a.market }
      : { kind: "simulated", market: a.market, regime: a.regime, seeds: a.seeds, firstSeed: a["first-seed"], durationMs: a.duration },
    grid: a.grid,
    tickMs: a.tick,
  };
  const req = labRunRequestSchema.safeParse(input);
  if (!req.success) return fail(req.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  let plan;
  try {
    plan = planLab(req.data, replayPath);
  } catch (err) {
    if (err instanceof GridError) return fail(`--grid: ${err.message}`);
    throw err;
  }

  const started = Date.now();
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  const total = plan.jobs.length;
  const progress = (done: number) => {
    const f = done / total;
    const secs = (Date.now() - started) / 1000;
    const line = `${bar(f)} ${String(Math.floor(f * 100)).padStart(3)}%  ${done}/${total} simulations  ${secs.toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}   `);
    else if (Math.floor(f * 10) > lastTenth) {
      lastTenth = Math.floor(f * 10);
      process.stderr.write(`${line}\n`);
    }
  };
  process.stderr.write(`${plan.sets.length} parameter sets × ${total / plan.sets.length} ${replayPath ? "file" : "seeds"} = ${total} simulations\n`);
  progress(0);
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once("SIGINT", onSignal);
  const outcome = await runLab(plan, { workers: a.workers, signal: ac.signal, onProgress: (done) => progress(done) });
  process.off("SIGINT", onSignal);
  if (tty) process.stderr.write("\n");
  const wallMs = Date.now() - started;
  if (outcome.status === "cancelled") {
    process.stderr.write(`cancelled after ${outcome.completed} of ${total} simulations\n`);
    return 130;
  }
  if (outcome.status === "failed") {
    process.stderr.write(`the lab run failed: ${outcome.error}\n`);
    return 1;
  }
  const m = PAPER_MARKETS[plan.market].market;
  const units = { base: m.baseCurrency ?? "base", quote: m.quoteCurrency ?? "quote" };
  if (a.json) {
    console.log(JSON.stringify({ request: req.data, replay: replayPath ?? null, wallMs, units, results: outcome.results }));
  } else {
    console.log(formatTable(outcome.results, units));
    console.log(`\n${total} simulations in ${(wallMs / 1000).toFixed(1)} s. PnL, spread captured and PnL volatility are means over the runs; max |inv| is the worst run; above rebal is the share of ticks at or past the rebalance threshold.`);
  }
  return 0;
}

function bar(fraction: number, width = 30): string {
  const full = Math.round(fraction * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
