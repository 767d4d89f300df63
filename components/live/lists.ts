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

const SEVERITY: Record<AlertDTO["severity"], number> = { info: 0, warning: 1, critical: 2 };

/**
 * Alerts group by kind while open (the store does it; see Store.raiseAlert). A push announcing a new alert
 * (its own id) of a kind that already has an open alert here is folded into that one, so the feed stays
 * one line per kind even before the stored, grouped record is read back. A report of an alert we hold
 * replaces it, except that it never un-acknowledges it.
 */
export function mergeAlerts(cur: readonly AlertDTO[] | undefined, inc: readonly AlertDTO[]): AlertDTO[] {
  let list = [...(cur ?? [])];
  for (const x of inc) {
    const same = list.findIndex((a) => a.id === x.id);
    if (same >= 0) {
      const held = list[same]!;
      list[same] = held.acknowledgedAt !== null && x.acknowledgedAt === null ? { ...x, acknowledgedAt: held.acknowledgedAt, acknowledgedBy: held.acknowledgedBy } : x;
      continue;
    }
    const open = x.acknowledgedAt === null ? list.findIndex((a) => a.kind === x.kind && a.acknowledgedAt === null) : -1;
    if (open >= 0) {
      const o = list[open]!;
      list[open] = {
        ...o,
        count: (o.count ?? 1) + (x.count ?? 1),
        lastSeenAt: Math.max(o.lastSeenAt ?? o.createdAt, x.lastSeenAt ?? x.createdAt),
        message: x.message,
        severity: SEVERITY[x.severity] > SEVERITY[o.severity] ? x.severity : o.severity,
      };
      continue;
    }
    list = [x, ...list];
  }
  return mergeBy(list, [], (a) => a.id, (a, b) => b.createdAt - a.createdAt);
}

export interface ParamsState {
  current: ParamVersionDTO;
  versions: ParamVersionDTO[];
}

export function mergeParams(cur: ParamsState | undefined, v: ParamVersionDTO): ParamsState | undefined {
  if (!cur) return cur;
  const versions = [v, ...cur.versions.filter((x) => x.version !== v.version)].sort((a, b) => b.version - a.version);
  return { current: v.version >= cur.current.version ? v : cur.current, versions };
}

/**
 * A read of the alerts merged with what is held: the stored rows are the truth. A held alert the read
 * does not list is kept (pushed while the read ran), unless it is an open one of a kind the read has open:
 * then the store grouped it into that one and the held copy (under the runner's own id) must go.
 */
export function mergeAlertsRead(cur: readonly AlertDTO[] | undefined, read: readonly AlertDTO[]): AlertDTO[] {
  const ids = new Set(read.map((a) => a.id));
  const openKinds = new Set(read.filter((a) => a.acknowledgedAt === null).map((a) => a.kind));
  const kept = (cur ?? []).filter((a) => !ids.has(a.id) && !(a.acknowledgedAt === null && openKinds.has(a.kind)));
  return mergeBy(kept, read, (a) => a.id, (a, b) => b.createdAt - a.createdAt);
}
