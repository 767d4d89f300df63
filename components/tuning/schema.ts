// The strategy's one parameter schema, shared with the server, so the browser refuses exactly what the
// server would. It is used only when it describes the parameter set the server actually sent (a runner
// with other parameters, like the test double, gets type checks here and the server's field errors).
import type { z } from "zod";
import type { MarketDTO } from "@/lib/events";
import { defaultStrategyParams, strategyParamsSchema } from "@/lib/strategy/params";
import { buildFields, flatten, jsonSchemaOf, type ParamField } from "./fields";
import { explainFields } from "./param-help";

export const sharedParamsSchema: z.ZodType = strategyParamsSchema;
export const sharedParamsDefaults: Readonly<Record<string, unknown>> = defaultStrategyParams;

/** Display groups for the shared schema's fields; anything else falls back to a name heuristic. */
export const PARAM_GROUPS: Readonly<Record<string, string>> = {
  targetInventory: "inventory",
  maxInventory: "inventory",
  skewFactor: "inventory",
  skewMode: "inventory",
  rebalanceThreshold: "inventory",
  emergencyThreshold: "inventory",
  skewUnit: "quoting",
  imbalanceUnit: "quoting",
  spread: "quoting",
  minSpread: "quoting",
  maxSpread: "quoting",
  depthLookback: "quoting",
  minLevelSize: "quoting",
  minPrice: "quoting",
  maxPrice: "quoting",
  safeRangeLow: "quoting",
  safeRangeHigh: "quoting",
  orderSize: "sizing & limits",
  maxPosition: "sizing & limits",
  maxTotalPosition: "sizing & limits",
  mergeThreshold: "sizing & limits",
  skipSideThreshold: "sizing & limits",
};

let schemaKeys: Set<string> | null = null;

/** The shared schema when every parameter the server sent is one of its fields, else null. */
export function schemaFor(params: Record<string, unknown>): { schema: z.ZodType; defaults: Readonly<Record<string, unknown>> } | null {
  schemaKeys ??= new Set(Object.keys(jsonSchemaOf(sharedParamsSchema)?.properties ?? {}));
  const keys = Object.keys(flatten(params));
  if (!keys.length || !keys.every((k) => schemaKeys!.has(k))) return null;
  return { schema: sharedParamsSchema, defaults: sharedParamsDefaults };
}

/**
 * The form's fields for the current parameters on this market. "Default" means the market's preset (what
 * the desk started with here), not the strategy's generic values, which are for a probability market.
 */
export function tuningFields(params: Record<string, unknown>, market: MarketDTO | undefined): { fields: ParamField[]; schema: z.ZodType | null } {
  const shared = schemaFor(params);
  const defaults = market?.presetParams ?? shared?.defaults;
  const fields = buildFields(params, shared?.schema ?? null, defaults, PARAM_GROUPS);
  return { fields: market ? explainFields(fields, market) : fields, schema: shared?.schema ?? null };
}
