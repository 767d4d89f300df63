// The HTTP API's request bodies and queries as zod schemas, which both the server and the dashboard run so that
// a bad request is refused with the same message everywhere. What the API answers with is in lib/events.ts.
import { z } from "zod";

import { checkedDecimal } from "./strategy/decimal-input";
import { ORDER_STATES } from "./orders";

/** The operator's merge request: typed confirmation, like the emergency close. */
export const pairMergeRequestSchema = z.object({ confirm: z.literal("MERGE", { error: () => 'type MERGE to confirm' }) }).strict();

/**
 * Free text a person typed (a reason): printable, tabs and newlines allowed. A NUL or other control character
 * is refused here; PostgreSQL cannot store NUL in text and answered 500 for it.
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const NO_CONTROL_CHARS = "reason must not contain control characters (such as a NUL byte)";

/** How an operator resolves a reconciliation mismatch. */
export const resolveMismatchSchema = z.object({
  action: z.enum(["adopt", "flatten"]),
  reason: z
    .string()
    .trim()
    .min(3, "say why (at least 3 characters)")
    .max(500)
    .refine((s) => !CONTROL_CHARS.test(s), NO_CONTROL_CHARS),
}).strict();
export type ResolveMismatchRequest = z.infer<typeof resolveMismatchSchema>;

export const snapshotQuerySchema = z
  .object({
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(20000).default(5000),
  })
  .strict();

export const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

/** A reason given with a change: optional, at most 500 characters, no control characters (see above). */
const reasonText = z
  .string()
  .trim()
  .max(500, "reason is at most 500 characters")
  .refine((s) => !CONTROL_CHARS.test(s), NO_CONTROL_CHARS)
  .default("");

/** Decimal-looking text, for the check below: anything else (a mode name) passes through to the host. */
const DECIMAL_LIKE = /^\s*[+-]?(\d|\.\d)/;

/**
 * One parameter value as it crosses into the runner: a number, a short text, true/false or null. Whatever reads
 * as a decimal is bounded in digits and exponent HERE, before the runner's thread sees it: "1e1000000000" once
 * took the runner's heap. Which fields exist and what each allows is the host's schema (the strategy's).
 */
const paramValue = z
  .union([z.string().max(64, "must be at most 64 characters"), z.number(), z.boolean(), z.null()], {
    error: "must be a number, a decimal text, true/false or null",
  })
  .superRefine((v, ctx) => {
    if (typeof v === "boolean" || v === null) return;
    if (typeof v === "string" && !DECIMAL_LIKE.test(v)) return;
    const r = checkedDecimal(v);
    if (!r.ok && (typeof v === "number" || !r.message.startsWith("must be a decimal"))) ctx.addIssue({ code: "custom", message: r.message });
  });

const paramsPatch = z
  .record(z.string().max(64, "parameter names are at most 64 characters"), paramValue)
  .refine((p) => Object.keys(p).length <= 64, "at most 64 parameters");

/**
 * A change is a patch on the current version: omitted fields keep their values. `base: "preset"` starts from the
 * market's preset instead (the explicit reset, which has a preview like any change).
 */
const paramsBase = z.enum(["current", "preset"], { error: 'base must be "current" or "preset"' }).default("current");
export type ParamsBase = z.infer<typeof paramsBase>;

export const applyParamsRequestSchema = z.object({ params: paramsPatch, reason: reasonText, base: paramsBase }).strict();
export const previewParamsRequestSchema = z.object({ params: paramsPatch, base: paramsBase }).strict();
export const rollbackRequestSchema = z.object({ version: z.number().int().positive(), reason: reasonText }).strict();
export const ackAlertRequestSchema = z
  .object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "alert id may use letters, digits and - _ . : only") })
  .strict();
/** Acknowledge every open alert; takes no fields. */
export const ackAllAlertsRequestSchema = z.object({}).strict();
export const controlRequestSchema = z.object({ action: z.enum(["start", "pause", "resume", "rearm", "arm"]) }).strict();
export const emergencyCloseRequestSchema = z.object({ confirm: z.literal(true) }).strict();
export const loginRequestSchema = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

// ── history: paged lists with totals, and CSV exports ───────────────────────────────────────────────────

const side = z.enum(["buy", "sell"]);
const ms = z.coerce.number().int().nonnegative();
/** "<ts>:<id>": the last row read. Fills page by (ts, row id), orders by (createdAt, clientOrderId). */
const fillCursor = z
  .string()
  .regex(/^\d{1,15}:\d{1,19}$/, "is not a cursor this list gave out")
  .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }));
const orderCursor = z
  .string()
  .regex(/^\d{1,15}:.{1,128}$/, "is not a cursor this list gave out")
  .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }));
const statusList = z
  .string()
  .max(400)
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ORDER_STATES, { error: `must list order states (${ORDER_STATES.join(", ")})` })).min(1, "must name at least one order state"));

export const fillsPageQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100), side: side.optional(), before: fillCursor.optional(), from: ms.optional(), to: ms.optional() })
  .strict();
export type FillsPageQuery = z.output<typeof fillsPageQuerySchema>;

const ORDER_REASONS = ["quote", "rebalance", "emergency"] as const;
const reasonList = z
  .string()
  .max(100)
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ORDER_REASONS, { error: `must list order reasons (${ORDER_REASONS.join(", ")})` })).min(1, "must name at least one reason"));

export const ordersPageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    side: side.optional(),
    status: statusList.optional(),
    reason: reasonList.optional(),
    before: orderCursor.optional(),
  })
  .strict();
export type OrdersPageQuery = z.output<typeof ordersPageQuerySchema>;

/** Cursor of a row, in the form the page queries take. */
export const fillCursorOf = (f: { ts: number; seq?: string }): string | null => (f.seq === undefined ? null : `${f.ts}:${f.seq}`);
export const orderCursorOf = (o: { createdAt: number; clientOrderId: string }): string => `${o.createdAt}:${o.clientOrderId}`;

/** A CSV export: a time range (ms since epoch, from inclusive, to exclusive) and the list's own filters. */
export const exportFillsQuerySchema = z.object({ from: ms.optional(), to: ms.optional(), side: side.optional() }).strict();
export const exportOrdersQuerySchema = z.object({ from: ms.optional(), to: ms.optional(), side: side.optional(), status: statusList.optional() }).strict();
export const exportSnapshotsQuerySchema = z.object({ from: ms.optional(), to: ms.optional() }).strict();

// ── the activity log: every audited action ─────────────────────────────────────────────────────────────

/** The activity log's filters: a kind of action (the prefix of its name) and who did it. */
export const AUDIT_KINDS = ["auth", "control", "params", "emergency", "alert", "reconciliation", "notify", "pair"] as const;
export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    kind: z.enum(AUDIT_KINDS).optional(),
    actor: z.string().trim().min(1).max(64).optional(),
    before: z
      .string()
      .regex(/^\d{1,15}:.{1,64}$/, "is not a cursor this list gave out")
      .transform((c) => ({ ts: Number(c.slice(0, c.indexOf(":"))), id: c.slice(c.indexOf(":") + 1) }))
      .optional(),
  })
  .strict();
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** The performance figures' range: from (ms, inclusive) to (ms, exclusive; default now). */
export const performanceQuerySchema = z.object({ from: z.coerce.number().int().nonnegative(), to: z.coerce.number().int().nonnegative().optional() }).strict();
export type PerformanceQuery = z.output<typeof performanceQuerySchema>;

// ── notifications: critical alerts to a webhook ───────────────────────────────────────────────────────

export const notifyTestRequestSchema = z.object({}).strict();

export const metricsQuerySchema = z.object({ reset: z.enum(["0", "1"]).default("0") }).strict();
