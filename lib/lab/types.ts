// The lab's wire contract: what a run asks for (validated by the same zod schema in the browser, the API and
// the CLI), what it reports while it runs, and what it answers. Money travels as decimal strings.
import { z } from "zod";

export const LAB_REGIMES = ["calm", "trending_up", "falling", "volatile"] as const;
export const LAB_MARKETS = ["story", "probability"] as const;

/** A file name inside the lab's folders: no path, no hidden files. */
const fileName = z
  .string()
  .trim()
  .regex(/^[\w][\w.-]{0,199}\.(jsonl|ndjson|csv)$/, "a file name ending in .jsonl, .ndjson or .csv, without folders");

const durationMs = z
  .number()
  .int()
  .min(10_000, "at least 10 s of market")
  .max(24 * 3_600_000, "at most 24 h of market");

export const labMarketSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .object({
        kind: z.literal("simulated"),
        market: z.enum(LAB_MARKETS).default("story"),
        regime: z.enum(LAB_REGIMES),
        /** Seeds 1…seeds (or firstSeed…firstSeed+seeds−1). */
        seeds: z.number().int().min(1, "at least 1 seed").max(64, "at most 64 seeds"),
        firstSeed: z.number().int().min(0).max(1_000_000_000).default(1),
        durationMs,
      })
      .strict(),
    z
      .object({
        /** A recorded file in the replay format: "sample" (shipped), "replays" (the data folder's replays/) or "recordings" (what the desk recorded). */
        kind: z.literal("replay"),
        source: z.enum(["sample", "replays", "recordings"]),
        file: fileName.optional(),
        market: z.enum(LAB_MARKETS).default("story"),
      })
      .strict()
      .refine((m) => m.source === "sample" || m.file !== undefined, { message: "choose a file", path: ["file"] }),
  ],
  { error: "market.kind must be simulated or replay" },
);
export type LabMarket = z.output<typeof labMarketSchema>;
export type LabMarketInput = z.input<typeof labMarketSchema>;

export const labRunRequestSchema = z
  .object({
    name: z.string().trim().max(80).optional(),
    market: labMarketSchema,
    /** "name=v1,v2" or "name=from:to:step", one per axis (lib/lab/grid.ts). */
    grid: z.array(z.string().max(400)).min(1, "the grid needs at least one parameter").max(6, "at most 6 parameters"),
    tickMs: z.number().int().min(100).max(10_000).default(500),
  })
  .strict();
export type LabRunRequest = z.output<typeof labRunRequestSchema>;
export type LabRunRequestInput = z.input<typeof labRunRequestSchema>;

export const labCancelRequestSchema = z.object({ id: z.string().uuid() }).strict();
export const labGetQuerySchema = z.object({ id: z.string().uuid() }).strict();

/** One point of a set's paths (the first seed's run), every sample interval of simulated time. */
export interface LabPathPoint {
  /** ms since the run's start. */
  t: number;
  inventory: string;
  /** Total PnL, net of fees, marked at mid. */
  pnl: string;
}

/** What one simulation (one parameter set on one seed or one file) measured. */
export interface LabRunMetrics {
  seed: number | null;
  ticks: number;
  fills: number;
  /** Total PnL net of fees, marked at the last mid (quote currency). */
  pnl: string;
  fees: string;
  maxAbsInventory: string;
  /** Ticks with |ratio| at or past the rebalance threshold, and that time in ms. */
  ticksAboveRebalance: number;
  msAboveRebalance: number;
  emergencyCloses: number;
  /** Σ over fills of how far inside mid each traded, × size (quote currency). */
  spreadCaptured: string;
  /** Standard deviation of the PnL's change per sample interval (quote currency). */
  pnlVolatility: string;
}

/** One parameter set's result over every seed: totals and means, plus the first seed's paths. */
export interface LabSetResult {
  index: number;
  params: Record<string, string>;
  runs: number;
  /** Mean over the runs. */
  pnl: string;
  /** Worst run. */
  maxAbsInventory: string;
  /** Mean fraction of ticks at or past the rebalance threshold (0..1), and the mean time in ms. */
  fractionAboveRebalance: number;
  msAboveRebalance: number;
  /** Totals over the runs. */
  emergencyCloses: number;
  fills: number;
  /** Mean over the runs. */
  spreadCaptured: string;
  pnlVolatility: string;
  fees: string;
  perRun: LabRunMetrics[];
  path: LabPathPoint[];
}

export type LabRunStatus = "running" | "done" | "cancelled" | "failed";

export interface LabRunSummaryDTO {
  id: string;
  name: string;
  status: LabRunStatus;
  market: LabMarket;
  grid: string[];
  tickMs: number;
  sets: number;
  simulations: number;
  completed: number;
  createdBy: string;
  createdAt: number;
  finishedAt: number | null;
  wallMs: number | null;
  error: string | null;
  /** The market's currencies, for units on the page. */
  baseCurrency: string;
  quoteCurrency: string;
}

export interface LabRunDTO extends LabRunSummaryDTO {
  results: LabSetResult[];
}

/** Streamed while a run works (socket event "lab:progress"); throttled to a few a second. */
export interface LabProgressDTO {
  id: string;
  completed: number;
  simulations: number;
  status: LabRunStatus;
}

/** A recorded file the lab can replay. */
export interface LabFileDTO {
  source: "sample" | "replays" | "recordings";
  file: string;
  bytes: number;
  modifiedAt: number;
}
