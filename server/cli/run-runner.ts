// Headless runner: `npm run runner -- --mode paper --seed 42 --duration 10m --speed max`
// Runs the managed market maker against the paper venue, with a progress bar for accelerated runs and a
// summary at the end. Every order, fill, snapshot and alert goes through the same store as the dashboard's.
import { existsSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { openPaperSession } from "@/server/runner/open-paper-session";
import { summarizeRun, formatSummary } from "@/server/cli/run-summary";
import { REGIMES } from "@/server/venue/paper";
import { parseOptions, usage } from "@/server/cli/cli-options";

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "use a number and a unit: 500ms, 30s, 10m, 1h")
  .transform((v) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v)!;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
    return Math.round(Number(m[1]) * unit);
  });

const argsSchema = z.object({
  mode: z.enum(["paper", "live"]).default("paper"),
  seed: z.coerce.number().int().default(42),
  duration: duration.default(600_000),
  speed: z
    .string()
    .default("max")
    .refine((v) => v === "max" || v === "realtime" || (Number(v) > 0 && Number.isFinite(Number(v))), "max, realtime or a factor > 0")
    .transform((v) => (v === "max" || v === "realtime" ? v : Number(v))),
  market: z.enum(["story", "probability"]).default("story"),
  regime: z.enum(Object.keys(REGIMES) as [string, ...string[]]).optional(),
  tick: z.coerce.number().int().min(10).default(500),
  db: z.string().default("memory://"),
  strategy: z.string().regex(/^[\w.-]+$/).optional(),
  param: z
    .array(z.string().regex(/^\w+=.*$/, "use --param name=value"))
    .default([]),
  json: z.boolean().default(false),
  "print-fills": z.boolean().default(false),
  "journal-dir": z.string().optional(),
});

async function main(): Promise<number> {
  let raw;
  try {
    raw = parseArgs({
      options: parseOptions,
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage()}`);
    return 2;
  }
  if (raw.help) {
    console.log(usage());
    return 0;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n") + `\n${usage()}`);
    return 2;
  }
  const a = parsed.data;
  if (a.mode === "live") {
    console.error("live mode needs a live venue adapter and credentials; this build ships the paper venue only");
    return 2;
  }
  const params = Object.fromEntries(a.param.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  const db = a.db === "none" ? ("none" as const) : a.db.startsWith("postgres") ? { databaseUrl: a.db, exclusive: true } : { dataDir: a.db };
  const simulated = a.speed !== "realtime";
  const startTime = Date.UTC(2026, 0, 1);
  const strategyName = a.strategy ?? `cli-${a.market}-${a.seed}-${Date.now().toString(36)}`;
  const journalDir = a["journal-dir"] ?? (a.db === "none" || a.db.startsWith("memory") || a.db.startsWith("postgres") ? "data" : dirname(resolve(a.db)));
  const session = await openPaperSession({
    strategyName,
    market: a.market,
    seed: a.seed,
    regime: a.regime as never,
    tickMs: a.tick,
    speed: a.speed,
    startTime: simulated ? startTime : undefined,
    durationMs: simulated ? a.duration : undefined,
    db,
    // Next to an embedded database folder, else ./data.
    journalDir,
    durableJournal: !simulated,
    paramsOverride: params,
    // One line per booked fill (already in the journal when printed): for scripts and the kill -9 test.
    emit: a["print-fills"] ? (event, payload) => event === "fill" && process.stdout.write(`FILL ${JSON.stringify(payload)}\n`) : undefined,
    log: (l) => {
      if (!a.json && !/^\[info\]/.test(l)) process.stderr.write(`\n${l}\n`);
    },
  });

  const wallStart = Date.now();
  const t0 = session.time.now();
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  const progress = setInterval(() => {
    const done = simulated ? Math.min(1, (session.time.now() - t0) / a.duration) : Math.min(1, (Date.now() - wallStart) / a.duration);
    const pct = Math.floor(done * 100);
    const s = session.runner.status();
    const line = `${bar(done)} ${String(pct).padStart(3)}%  fills ${session.runner.stats.fills}  inv ${s.inventory}  ratio ${s.ratio.toFixed(2)}  ${s.riskState}`;
    if (tty) process.stderr.write(`\r${line}   `);
    else if (!a.json && pct >= lastPct + 10) {
      lastPct = pct - (pct % 10);
      process.stderr.write(`${line}\n`);
    }
  }, 200);

  let stopTimer: NodeJS.Timeout | undefined;
  if (!simulated) stopTimer = setTimeout(() => void session.clock.stop(), a.duration);
  const stopOnSignal = () => void session.clock.stop();
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  await session.clock.start();
  clearInterval(progress);
  if (stopTimer) clearTimeout(stopTimer);
  if (tty) process.stderr.write("\n");

  await session.runner.flushWrites(30_000);
  const summary = summarizeRun(session, { seed: a.seed, simulatedMs: session.time.now() - t0, wallMs: Date.now() - wallStart, tickMs: a.tick });
  await session.close("run finished");
  removeEmptyJournal(join(journalDir, `fills-${strategyName}.journal`));
  console.log(a.json ? JSON.stringify(summary) : formatSummary(summary));
  return 0;
}

/**
 * The journal holds fills until the database has them; after a clean finish it is empty and only clutters
 * the folder (one file per run). A journal that still holds fills is kept: they are not in the database.
 */
function removeEmptyJournal(path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).size === 0) rmSync(path);
  else console.error(`the fill journal ${path} still holds fills the database did not take: kept for the next start to replay`);
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
