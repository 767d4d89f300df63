// The headless runner's flags: one table gives parseArgs its options and `--help` its text, so every flag
// is listed with what it does and its default, and a new flag cannot be added without a description.
import type { ParseArgsConfig } from "node:util";
import { REGIMES } from "@/server/venue/paper";

interface Flag {
  name: string;
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** Shown as --name VALUE. */
  value?: string;
  /** What the flag does, in a sentence or two. */
  help: string;
  /** The default as the user would write it; omitted for switches. */
  default?: string;
}

export const FLAGS: readonly Flag[] = [
  { name: "mode", type: "string", value: "paper", help: "Trading mode. Only paper is in this build.", default: "paper" },
  { name: "market", type: "string", value: "story|probability", help: "story: ETH-USD around 2000 USD. probability: a YES share priced 0.01–0.99 USDC.", default: "story" },
  { name: "regime", type: "string", value: Object.keys(REGIMES).join("|"), help: "The simulated market's behaviour.", default: "the market's own (story: falling, probability: calm)" },
  { name: "seed", type: "string", value: "N", help: "Simulator seed: the same seed replays the same market.", default: "42" },
  { name: "duration", type: "string", value: "10m", help: "How long to trade (500ms, 30s, 10m, 1h): simulated time, or wall-clock time with --speed realtime.", default: "10m" },
  { name: "speed", type: "string", value: "max|realtime|N", help: "max: as fast as the machine allows; realtime: wall-clock ticks; N: N times real time.", default: "max" },
  { name: "tick", type: "string", value: "MS", help: "Tick interval in milliseconds, 10 or more.", default: "500" },
  {
    name: "db",
    type: "string",
    value: "memory://|none|DIR|postgresql://…",
    help:
      "Where orders, fills and snapshots are recorded. memory://: the embedded database (PGlite) in memory, forgotten at exit. " +
      "none: a plain in-process store, forgotten at exit, about 15–40× faster (10 simulated minutes: ~1–3 s instead of ~40 s). " +
      "DIR: PGlite kept in that folder. postgresql://…: a PostgreSQL server.",
    default: "memory:// (use --db none for quick experiments)",
  },
  { name: "journal-dir", type: "string", value: "DIR", help: "Folder of the fill journal (a crash-safe copy of every fill until the database has it); removed at the end when empty.", default: "the DIR of --db, else ./data" },
  { name: "strategy", type: "string", value: "NAME", help: "Strategy name to record the run under (letters, digits, . _ -).", default: "cli-<market>-<seed>-<time>" },
  { name: "param", type: "string", multiple: true, value: "name=value", help: "Override one strategy parameter, e.g. --param skewFactor=0 (repeatable).", default: "the market's preset" },
  { name: "json", type: "boolean", help: "Print the summary as one JSON line, without the progress bar." },
  { name: "print-fills", type: "boolean", help: "Print each booked fill as a FILL <json> line on stdout." },
  { name: "help", type: "boolean", short: "h", help: "Show this help." },
];

export const parseOptions: NonNullable<ParseArgsConfig["options"]> = Object.fromEntries(
  FLAGS.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
);

export function usage(): string {
  const lines = ["usage: npm run runner -- [flags]", "", "Runs the market maker headless against the paper venue and prints a summary.", "", "flags:"];
  for (const f of FLAGS) {
    lines.push(`  --${f.name}${f.value ? ` ${f.value}` : ""}${f.short ? `, -${f.short}` : ""}`);
    lines.push(`      ${f.help}`);
    if (f.default !== undefined) lines.push(`      default: ${f.default}`);
  }
  lines.push("", "examples:", "  npm run runner -- --db none --regime falling --param skewFactor=0 --json", "  npm run runner -- --seed 7 --duration 1h --db ./data/experiment");
  return lines.join("\n");
}
