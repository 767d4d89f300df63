// The runner's settings from the environment, validated so that a typo stops the start with a message
// naming the variable rather than trading with a default nobody chose.
import type Decimal from "decimal.js";
import { z } from "zod";
import { checkedDecimal } from "@/lib/strategy/decimal-input";
import { REGIMES } from "@/server/venue/paper";

const regimeNames = Object.keys(REGIMES) as [string, ...string[]];

/** A desk limit: a positive decimal, or unset for none. */
const limit = z
  .string()
  .optional()
  .transform((v, ctx): Decimal | undefined => {
    if (v === undefined || v.trim() === "") return undefined;
    const r = checkedDecimal(v);
    if (!r.ok || !r.value.gt(0)) {
      ctx.addIssue({ code: "custom", message: r.ok ? "must be greater than 0" : r.message });
      return z.NEVER;
    }
    return r.value;
  });

export const runnerEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  SKEWDESK_TICK_MS: z.coerce.number().int().min(10, "must be at least 10 (ms)").max(60_000).default(500),
  SKEWDESK_MARKET: z.enum(["story", "probability"]).default("story"),
  SKEWDESK_SEED: z.coerce.number().int().default(42),
  SKEWDESK_REGIME: z.enum(regimeNames).optional(),
  SKEWDESK_STRATEGY: z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, "letters, digits, . _ - only").optional(),
  SKEWDESK_MAX_ORDERS_PER_SEC: z.coerce.number().int().min(1).max(10_000).default(100),
  SKEWDESK_STALE_AFTER_MS: z.coerce.number().int().min(100).optional(),
  /** PostgreSQL timeouts (server/db/pg-connect.ts); the database thread takes them from here. */
  SKEWDESK_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100, "must be at least 100 (ms)").max(600_000).optional(),
  SKEWDESK_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100, "must be at least 100 (ms)").max(600_000).optional(),
  /** The desk's ceilings for maxInventory and for orderSize / maxPosition: no parameter change may exceed them. */
  SKEWDESK_MAX_INVENTORY: limit,
  SKEWDESK_MAX_ORDER_SIZE: limit,
  /** The seed's max_total_position: Σ |inventory| × mark over every strategy of the desk, quote currency. */
  SKEWDESK_MAX_TOTAL_POSITION: limit,
  SKEWDESK_RECONCILE_EVERY_MS: z.coerce.number().int().min(1_000, "must be at least 1000 (ms)").max(3_600_000).default(10_000),
  /** Base units; unset = one lot of the market. */
  SKEWDESK_RECONCILE_TOLERANCE: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,18})?$/, "a non-negative decimal in base units, e.g. 0.001")
    .optional(),
  /** The runner thread's nice value (-20 … 19; server/host/thread-priority.ts); unset = the process's. */
  SKEWDESK_RUNNER_NICE: z
    .string()
    .optional()
    .transform((v, ctx): number | undefined => {
      if (v === undefined || v.trim() === "") return undefined;
      const n = Number(v.trim());
      if (!/^[+-]?\d+$/.test(v.trim()) || n < -20 || n > 19) {
        ctx.addIssue({ code: "custom", message: "must be a whole number from -20 (first served) to 19 (last), e.g. -10" });
        return z.NEVER;
      }
      return n;
    }),
  SKEWDESK_VENUE_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Recording of the books and trades the desk sees, for the lab (server/venue/replay/recorder.ts). */
  SKEWDESK_RECORD: z.enum(["0", "1"], { error: "must be 0 (off) or 1 (on)" }).default("1"),
  SKEWDESK_RECORD_FILE_MB: z.coerce.number().min(0.01, "must be at least 0.01 (MB)").max(10_000).default(16),
  SKEWDESK_RECORD_MAX_MB: z.coerce.number().min(0.01, "must be at least 0.01 (MB)").max(1_000_000).default(256),
}).refine((e) => e.SKEWDESK_RECORD_MAX_MB >= e.SKEWDESK_RECORD_FILE_MB, { message: "must be at least SKEWDESK_RECORD_FILE_MB", path: ["SKEWDESK_RECORD_MAX_MB"] });
export type RunnerEnv = z.infer<typeof runnerEnvSchema>;

export function runnerEnvFrom(env: Record<string, string | undefined>): RunnerEnv {
  const parsed = runnerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid runner environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
