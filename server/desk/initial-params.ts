// A new strategy's first parameters: the chosen market's preset (or the parameters in force of the strategy
// it clones) with the operator's patch on top, checked whole against the market and the desk's limits, as
// every later change is (server/host/param-commands.ts). Refused with field errors; nothing is created.
import type { MarketSpec } from "@/lib/market";
import { paramBoundsIssues, strategyParamsPatchSchema, strategyParamsSchema, type DeskLimits, type StrategyParams } from "@/lib/strategy";
import { CommandRejected } from "@/server/runner/commands";

function reject(issues: ReadonlyArray<{ path: string; message: string }>): never {
  const fields: Record<string, string> = {};
  for (const i of issues) fields[`params.${i.path || "params"}`] ??= i.message;
  throw new CommandRejected(`invalid parameters: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, fields);
}

const zodIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) => issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

export function initialParams(base: Record<string, unknown>, patch: Record<string, unknown>, market: MarketSpec, limits: DeskLimits = {}): StrategyParams {
  const p = strategyParamsPatchSchema.safeParse(patch);
  if (!p.success) reject(zodIssues(p.error.issues));
  const from = strategyParamsSchema.safeParse(base);
  const merged: Record<string, unknown> = { ...(from.success ? from.data : base) };
  for (const [k, v] of Object.entries(p.data)) if (v !== undefined) merged[k] = v;
  const r = strategyParamsSchema.safeParse(merged);
  if (!r.success) reject(zodIssues(r.error.issues));
  const bounds = paramBoundsIssues(r.data, market, limits);
  if (bounds.length) reject(bounds);
  return r.data;
}
