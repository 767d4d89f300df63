// The activity log in the operator's words: what an audited action was ("paused", "applied parameters")
// and what it changed, as "field: before → after" lines read from the recorded before and after.
import type { AuditDTO } from "@/lib/events";

const ACTIONS: Record<string, string> = {
  "auth.login": "signed in",
  "auth.login_failed": "failed to sign in",
  "auth.logout": "signed out",
  "auth.setup": "created the operator account",
  "control.start": "started the runner",
  "control.pause": "paused quoting",
  "control.resume": "resumed quoting",
  "control.rearm": "re-armed the risk state",
  "params.apply": "applied new parameters",
  "params.rollback": "rolled back the parameters",
  "emergency.close": "emergency close",
  "alert.ack": "acknowledged an alert",
  "alert.ack_all": "acknowledged all open alerts",
  "reconciliation.adopt": "adopted the venue's position",
  "reconciliation.flatten": "flattened the mismatch",
  "notify.test": "sent a test notification",
  "pair.merge": "merged YES and NO into pUSD",
};

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action.replace(/[._]/g, " ");
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

function flatten(x: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    if (!Object.keys(x).length && prefix) out[prefix] = {};
  } else if (prefix) out[prefix] = x;
  return out;
}

const show = (v: unknown): string => (v === undefined ? "—" : v === null ? "empty" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * What changed between before and after. A parameter change records the version and its parameters on
 * both sides: those are compared by parameter. Paths present on one side only are listed too, but
 * bookkeeping fields of a version (who, when) are not changes the operator made.
 */
export function changes(e: Pick<AuditDTO, "before" | "after">): Array<{ path: string; before: string; after: string }> {
  const unwrap = (x: unknown) => (isObject(x) && isObject(x.params) ? { version: x.version, ...x.params } : x);
  const a = flatten(unwrap(e.before));
  const b = flatten(unwrap(e.after));
  const skip = /^(previous|changedBy|reason|createdAt|rolledBackFrom|openOrders)(\.|$)/;
  const out: Array<{ path: string; before: string; after: string }> = [];
  for (const path of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (skip.test(path)) continue;
    if (JSON.stringify(a[path]) !== JSON.stringify(b[path])) out.push({ path, before: show(a[path]), after: show(b[path]) });
  }
  return out;
}
