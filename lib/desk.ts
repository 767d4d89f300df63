// The desk of many strategies on the wire: the overview's rows, the desk-wide commands' reports, and the
// request schemas both the dashboard and the server run (a bad request is refused with the same message
// everywhere). Apart from lib/events.ts so that the single-strategy contract stays as it was.
import { z } from "zod";
import type { RiskState } from "./domain";

export const PAPER_MARKET_NAMES = ["story", "probability"] as const;
export const REGIME_NAMES = ["calm", "trending_up", "falling", "volatile", "still"] as const;
export type StrategyLifecycleDTO = "running" | "stopped" | "archived";

const strategyName = z
  .string()
  .trim()
  .min(1, "a name is needed")
  .max(64, "at most 64 characters")
  .regex(/^[\w.-]+$/, "letters, digits, . _ - only");

/** How a paper strategy's market is opened. */
export const paperSettingsSchema = z
  .object({
    market: z.enum(PAPER_MARKET_NAMES, { message: "choose story or probability" }),
    seed: z.coerce.number().int("a whole number").min(0, "0 or more").max(2_147_483_647, "at most 2147483647"),
    regime: z.enum(REGIME_NAMES).optional(),
    tickMs: z.coerce.number().int("a whole number of ms").min(100, "at least 100 ms").max(60_000, "at most 60000 ms").default(1_000),
  })
  .strict();
export type PaperSettings = z.infer<typeof paperSettingsSchema>;

export const createStrategyRequestSchema = z
  .object({
    name: strategyName,
    venue: z.literal("paper", { message: "only the paper venue can be chosen from the dashboard" }),
    account: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\w.:-]+$/, "letters, digits, . _ : - only")
      .default("paper"),
    settings: paperSettingsSchema,
    /** A patch on the market's preset (or on the cloned strategy's parameters in force). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** Copy the parameters in force of this strategy (by id). */
    cloneFrom: z.string().min(1).max(64).optional(),
    start: z.boolean().default(true),
    reason: z.string().trim().min(1, "say why").max(500).default("created from the dashboard"),
  })
  .strict();
export type CreateStrategyRequest = z.input<typeof createStrategyRequestSchema>;

export const strategyLifecycleRequestSchema = z
  .object({ id: z.string().uuid("not a strategy id"), action: z.enum(["start", "pause", "resume", "stop", "archive"]) })
  .strict();
export type StrategyLifecycleAction = z.infer<typeof strategyLifecycleRequestSchema>["action"];

/** Desk-wide commands act on every strategy: the operator types the word (any case), as for one emergency close. */
export const DESK_CONFIRM = { pause: "PAUSE", resume: "RESUME", emergency_close: "CLOSE ALL" } as const;
const typed = (word: string) =>
  z
    .string()
    .max(32)
    .refine((v) => v.trim().toUpperCase() === word, { message: `type ${word} to confirm` });
export const deskPauseRequestSchema = z.object({ confirm: typed(DESK_CONFIRM.pause) }).strict();
export const deskResumeRequestSchema = z.object({ confirm: typed(DESK_CONFIRM.resume) }).strict();
export const deskEmergencyRequestSchema = z.object({ confirm: typed(DESK_CONFIRM.emergency_close) }).strict();

export interface StrategyOverviewDTO {
  id: string;
  name: string;
  market: string;
  symbol: string;
  venue: string;
  account: string;
  lifecycle: StrategyLifecycleDTO;
  /** Null when no runner runs it (stopped, archived, or it failed to start: see `fault`). */
  riskState: RiskState | null;
  paused: boolean;
  inventory: string;
  /** Inventory ratio, the recent ones oldest first (the sparkline). */
  ratio: number;
  ratioHistory: number[];
  /** Realized + unrealized, fees already taken off; and the fees, in the market's quote currency. */
  pnlNet: string;
  fees: string;
  quote: string;
  /** |inventory| × mark, quote currency: what counts toward the desk's max total position. */
  exposure: string;
  openAlerts: number;
  lastTickAt: number | null;
  /** Why it is not running although it should (an exception at start). */
  fault: string | null;
}

export interface DeskOverviewDTO {
  at: number;
  strategies: StrategyOverviewDTO[];
  /** Sum of exposures and the cap (null: none); growth blocked while total ≥ cap. */
  totalExposure: string;
  maxTotalPosition: string | null;
  growthBlocked: boolean;
  paused: boolean;
}

/** What a desk-wide command did to each strategy. */
export interface DeskCommandReportDTO {
  action: "pause" | "resume" | "emergency_close";
  results: Array<{ id: string; name: string; ok: boolean; message: string }>;
}

/** A strategy as the desk's commands answer it. */
export interface StrategySummaryDTO {
  id: string;
  name: string;
  market: string;
  venue: string;
  account: string;
  lifecycle: StrategyLifecycleDTO;
  paused: boolean;
}

/** Tick times over every strategy's recent ticks (µs), how evenly they were ticked, fills and queued writes. */
export interface DeskMetricsDTO {
  strategies: number;
  ticks: number;
  minTicks: number;
  maxTicks: number;
  tickP50Us: number;
  tickP99Us: number;
  tickMaxUs: number;
  /** The ticks' own work (wall time less the wait for the book): the in-process cost of a strategy's tick. */
  workP50Us: number;
  workP99Us: number;
  /** Fills booked since the strategies started. */
  fills: number;
  /** Fills the database has taken since the strategies started. */
  storedFills: number;
  /** Writes waiting for the database, all strategies. */
  queuedWrites: number;
  oldestWriteAgeMs: number;
}
