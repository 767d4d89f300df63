// The in-memory time series behind the charts: history from the API and live batches from the socket
// merged into one array ordered by ts, one point per ts, capped so a tab left open for days stays small.
// Each merge publishes a new array (useSyncExternalStore needs an immutable snapshot).
import type { SnapshotDTO } from "@/lib/events";

export const DEFAULT_SNAPSHOT_CAP = 30_000;

/** Pure merge of two ts-ordered series; on equal ts the incoming point wins (it is the newer report). */
export function mergeSnapshots(current: readonly SnapshotDTO[], incoming: readonly SnapshotDTO[], cap: number): SnapshotDTO[] {
  if (!incoming.length) return current.length > cap ? current.slice(-cap) : (current as SnapshotDTO[]);
  const sorted = isSorted(incoming) ? incoming : [...incoming].sort((a, b) => a.ts - b.ts);
  const last = current[current.length - 1];
  let out: SnapshotDTO[];
  if (!last || sorted[0]!.ts > last.ts) {
    out = current.concat(dedupeSorted(sorted));
  } else {
    out = [];
    let i = 0;
    let j = 0;
    while (i < current.length || j < sorted.length) {
      const a = current[i];
      const b = sorted[j];
      let next: SnapshotDTO;
      if (b === undefined || (a !== undefined && a.ts < b.ts)) {
        next = a!;
        i++;
      } else if (a === undefined || b.ts < a.ts) {
        next = b;
        j++;
      } else {
        next = b;
        i++;
        j++;
      }
      const prev = out[out.length - 1];
      if (prev && prev.ts === next.ts) out[out.length - 1] = next;
      else out.push(next);
    }
  }
  return out.length > cap ? out.slice(out.length - cap) : out;
}

function isSorted(xs: readonly SnapshotDTO[]): boolean {
  for (let k = 1; k < xs.length; k++) if (xs[k]!.ts < xs[k - 1]!.ts) return false;
  return true;
}

function dedupeSorted(xs: readonly SnapshotDTO[]): SnapshotDTO[] {
  const out: SnapshotDTO[] = [];
  for (const x of xs) {
    const prev = out[out.length - 1];
    if (prev && prev.ts === x.ts) out[out.length - 1] = x;
    else out.push(x);
  }
  return out;
}

export class SnapshotStore {
  private points: SnapshotDTO[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly cap = DEFAULT_SNAPSHOT_CAP) {}

  merge(batch: readonly SnapshotDTO[]): void {
    if (!batch.length) return;
    const next = mergeSnapshots(this.points, batch, this.cap);
    if (next === this.points) return;
    this.points = next;
    for (const l of this.listeners) l();
  }

  lastTs(): number | null {
    return this.points[this.points.length - 1]?.ts ?? null;
  }

  readonly getSnapshot = (): readonly SnapshotDTO[] => this.points;

  last(): SnapshotDTO | undefined {
    return this.points[this.points.length - 1];
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A subscribe function whose listener fires at most once per `ms` (trailing edge, never dropped). */
  subscribeThrottled(ms: number): (listener: () => void) => () => void {
    return (listener) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let lastCall = 0;
      const fire = () => {
        timer = null;
        lastCall = Date.now();
        listener();
      };
      const unsubscribe = this.subscribe(() => {
        if (timer) return;
        const wait = Math.max(0, lastCall + ms - Date.now());
        if (wait === 0) fire();
        else timer = setTimeout(fire, wait);
      });
      return () => {
        if (timer) clearTimeout(timer);
        unsubscribe();
      };
    };
  }
}

/** Points with ts ≥ now − windowMs (binary search: the array is ordered). */
export function windowOf(points: readonly SnapshotDTO[], windowMs: number, now: number): readonly SnapshotDTO[] {
  if (!Number.isFinite(windowMs)) return points;
  const from = now - windowMs;
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.ts < from) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? points : points.slice(lo);
}

/** At most `max` points for plotting: one per bucket, always the bucket's extreme ratio so spikes toward
 *  the thresholds are never hidden, and always the newest point. */
export function downsample(points: readonly SnapshotDTO[], max: number): readonly SnapshotDTO[] {
  if (points.length <= max) return points;
  const size = points.length / max;
  const out: SnapshotDTO[] = [];
  for (let b = 0; b < max; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let pick = points[start]!;
    for (let k = start + 1; k < end; k++) if (Math.abs(points[k]!.ratio) > Math.abs(pick.ratio)) pick = points[k]!;
    out.push(pick);
  }
  const newest = points[points.length - 1]!;
  if (out[out.length - 1] !== newest) out[out.length - 1] = newest;
  return out;
}

/** The fastest a chart redraws, however fast ticks arrive (the runner may tick every 100 ms). */
export const CHART_MIN_REDRAW_MS = 500;

/** A wider window moves less per second on screen: redraw about every 2 px of a chart's width (5 min → 1 s,
 *  1 h → 5 s), never faster than CHART_MIN_REDRAW_MS. Four charts redrawn for sub-pixel changes kept a busy
 *  machine's page from taking input. */
export function chartRedrawMs(windowMs: number): number {
  if (!Number.isFinite(windowMs)) return 5_000;
  return Math.min(5_000, Math.max(CHART_MIN_REDRAW_MS, Math.round(windowMs / 300)));
}
