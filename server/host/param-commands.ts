// Parameter changes as the operator means them, in front of the runner: a change is a PATCH on the current
// version (omitted fields keep their values; `{}` changes nothing), a reset to the market's preset is its own
// explicit base, and every resulting set is checked against the market and the desk's limits before the runner
// sees it. Changes run one at a time, so two operators' patches cannot both merge over the same version.
import type { MarketSpec } from "@/lib/market";
import type { ParamsBase } from "@/lib/api-requests";
import type { ParamVersionDTO, QuotePreviewDTO } from "@/lib/events";
import {
  paramBoundsIssues,
  strategyParamsPatchSchema,
  strategyParamsSchema,
  type DeskLimits,
  type StrategyParams,
} from "@/lib/strategy";
import { CommandRejected } from "@/server/runner/commands";

/** What the commands need of the runner (Runner has these methods). */
export interface ParamTarget {
  previewParams(input: Record<string, unknown>): QuotePreviewDTO | Promise<QuotePreviewDTO>;
  applyParams(input: Record<string, unknown>, reason: string, by: string): Promise<ParamVersionDTO>;
  rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO>;
}

export interface ParamCommandsOptions {
  market: MarketSpec;
  /** The market's own starting parameters (what a reset returns to). */
  preset: Record<string, unknown>;
  limits?: DeskLimits;
  /** The parameters the runner trades with now (the latest stored version). */
  current(): Promise<Record<string, unknown>>;
  /** A stored version's parameters, or null when there is no such version. */
  version(n: number): Promise<Record<string, unknown> | null>;
}

export interface ParamCommands {
  preview(patch: Record<string, unknown>, base?: ParamsBase): Promise<QuotePreviewDTO>;
  apply(patch: Record<string, unknown>, reason: string, by: string, base?: ParamsBase): Promise<ParamVersionDTO>;
  rollback(version: number, reason: string, by: string): Promise<ParamVersionDTO>;
}

function reject(issues: ReadonlyArray<{ path: string; message: string }>): never {
  const fields: Record<string, string> = {};
  for (const i of issues) fields[i.path || "params"] ??= i.message;
  throw new CommandRejected(`invalid parameters: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, fields);
}

const zodIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

/** Parses a whole set (stored or merged), then the market's and the desk's bounds; throws CommandRejected. */
function checkWhole(input: Record<string, unknown>, opts: ParamCommandsOptions): StrategyParams {
  const r = strategyParamsSchema.safeParse(input);
  if (!r.success) reject(zodIssues(r.error.issues));
  const bounds = paramBoundsIssues(r.data, opts.market, opts.limits);
  if (bounds.length) reject(bounds);
  return r.data;
}

export function createParamCommands(runner: ParamTarget, opts: ParamCommandsOptions): ParamCommands {
  let line: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = line.then(fn, fn);
    line = run.catch(() => undefined);
    return run;
  };

  const resolve = async (patch: Record<string, unknown>, base: ParamsBase): Promise<StrategyParams> => {
    const p = strategyParamsPatchSchema.safeParse(patch);
    if (!p.success) reject(zodIssues(p.error.issues));
    // The base is parsed too: a version stored before a field existed gets that field's default.
    const raw = base === "preset" ? opts.preset : await opts.current();
    const from = strategyParamsSchema.safeParse(raw);
    const merged: Record<string, unknown> = { ...(from.success ? from.data : raw) };
    for (const [k, v] of Object.entries(p.data)) if (v !== undefined) merged[k] = v;
    return checkWhole(merged, opts);
  };

  return {
    preview: (patch, base = "current") =>
      serial(async () => {
        const params = await resolve(patch, base);
        return { ...(await runner.previewParams(params)), params };
      }),
    apply: (patch, reason, by, base = "current") =>
      serial(async () => {
        const params = await resolve(patch, base);
        const why = reason || (base === "preset" ? "reset to the market's preset" : "");
        return runner.applyParams(params, why, by);
      }),
    rollback: (version, reason, by) =>
      serial(async () => {
        const stored = await opts.version(version);
        if (!stored) throw new CommandRejected(`no parameter version ${version}`, { version: "no such version" }, 404);
        // A version from before these bounds existed may not fit them (a target of -1e30): never re-apply it.
        checkWhole(stored, opts);
        return runner.rollbackParams(version, reason, by);
      }),
  };
}
