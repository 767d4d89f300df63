// Merging live socket pushes into the lists react-query holds (newest first, one entry per id, capped).
import type { AlertDTO, FillDTO, OrderDTO, ParamVersionDTO } from "@/lib/events";

export const LIST_CAP = 200;

function mergeBy<T>(current: readonly T[] | undefined, incoming: readonly T[], key: (x: T) => string, newer: (a: T, b: T) => number): T[] {
  const byKey = new Map<string, T>();
  for (const x of current ?? []) byKey.set(key(x), x);
  for (const x of incoming) byKey.set(key(x), x);
  return [...byKey.values()].sort(newer).slice(0, LIST_CAP);
}

export const mergeFills = (cur: readonly FillDTO[] | undefined, inc: readonly FillDTO[]) =>
  mergeBy(cur, inc, (f) => f.tradeId, (a, b) => b.ts - a.ts);

export const mergeOrders = (cur: readonly OrderDTO[] | undefined, inc: readonly OrderDTO[]) =>
  mergeBy(cur, inc, (o) => o.clientOrderId, (a, b) => b.createdAt - a.createdAt || b.updatedAt - a.updatedAt);

export const mergeAlerts = (cur: readonly AlertDTO[] | undefined, inc: readonly AlertDTO[]) =>
  mergeBy(cur, inc, (a) => a.id, (a, b) => b.createdAt - a.createdAt);

export interface ParamsState {
  current: ParamVersionDTO;
  versions: ParamVersionDTO[];
}

export function mergeParams(cur: ParamsState | undefined, v: ParamVersionDTO): ParamsState | undefined {
  if (!cur) return cur;
  const versions = [v, ...cur.versions.filter((x) => x.version !== v.version)].sort((a, b) => b.version - a.version);
  return { current: v.version >= cur.current.version ? v : cur.current, versions };
}
