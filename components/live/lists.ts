// Merging live socket pushes into the alerts and parameter lists react-query holds (newest first, one
// entry per id, capped). Fills and orders are paged lists: paged-list.ts.
import type { AlertDTO, ParamVersionDTO } from "@/lib/events";

export const LIST_CAP = 200;

/**
 * One entry per key, newest first, capped. On a key both sides hold, `keep` decides (default: the incoming
 * one): a read of the database that ran before a push must not revert what the push reported.
 */
function mergeBy<T>(
  current: readonly T[] | undefined,
  incoming: readonly T[],
  key: (x: T) => string,
  newer: (a: T, b: T) => number,
  keep: (held: T, incoming: T) => T = (_held, inc) => inc,
): T[] {
  const byKey = new Map<string, T>();
  for (const x of current ?? []) byKey.set(key(x), x);
  for (const x of incoming) {
    const held = byKey.get(key(x));
    byKey.set(key(x), held === undefined ? x : keep(held, x));
  }
  return [...byKey.values()].sort(newer).slice(0, LIST_CAP);
}

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
