// The socket hub: relays the runner's events to every open dashboard, coalesced so that the cost is per
// batch, not per event per tab. Snapshots, fills and orders are batched every ~250 ms and broadcast once
// (socket.io encodes a broadcast once for all clients); status is throttled (latest wins); alerts and
// parameter versions go out at once. The hub keeps the latest status and a ring of recent snapshots so
// that a new tab or a reconnect storm is answered from memory, never by per-client calls into the runner.
import type { Server, Socket } from "socket.io";
import type { Session } from "@/server/auth/session";
import type { RunnerHost } from "@/server/host/runner-host";
import {
  backfillRequestSchema,
  type ClientToServerEvents,
  type FillDTO,
  type OrderDTO,
  type ServerToClientEvents,
  type SnapshotDTO,
  type StatusDTO,
} from "@/lib/events";

export interface SocketData {
  session: Session;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

/** The hub's time: real timers by default; tests pass one they advance, so coalescing is tested on
 *  the clock's time, not on how fast the machine runs. */
export interface HubClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: HubClock = {
  now: () => Date.now(),
  // Unref'd: the hub's timers never keep a process alive on their own.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** A token bucket: `burst` at once, refilled at `perSec`. */
export interface Bucket {
  burst: number;
  perSec: number;
}

export interface HubOptions {
  /** Timers and now for batching and status coalescing. */
  clock?: HubClock;
  /** Snapshot/fill/order batch period. */
  batchMs?: number;
  /** Minimum gap between two status broadcasts. */
  statusMs?: number;
  /** Recent snapshots kept in memory for backfill. */
  ringSize?: number;
  /** Most snapshots one backfill answer carries; the client asks again from the last ts it got. */
  backfillLimit?: number;
  /**
   * Backfills per session (all its sockets share them): `burst` at once, then `perSec`. Answers that read the
   * database ("history") have a budget of their own, far smaller than answers from memory. One viewer's 6,005
   * backfills from 0 raised the runner's tick p99 from 116 to 324 ms; now the sixth history read in a row waits.
   */
  backfillBudget?: { history: Bucket; memory: Bucket };
  /** The budget's clock (tests inject one). */
  now?: () => number;
  log?: (msg: string) => void;
}

export interface HubStats {
  snapshotBatches: number;
  snapshotsRelayed: number;
  statusBroadcasts: number;
  fillBatches: number;
  orderBatches: number;
  alerts: number;
  params: number;
  backfills: number;
  backfillsFromHost: number;
  backfillsRefused: number;
}

export interface Hub {
  /** Flushes pending batches now (tests, shutdown). */
  flush(): void;
  /** Disconnects every socket of a session (logout). */
  endSession(jti: string): void;
  stats(): HubStats;
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export function createHub(io: HubServer, host: RunnerHost, opts: HubOptions = {}): Hub {
  const batchMs = opts.batchMs ?? 250;
  const statusMs = opts.statusMs ?? 250;
  const ringSize = opts.ringSize ?? 5000;
  const backfillLimit = opts.backfillLimit ?? 5000;
  const log = opts.log ?? ((m: string) => console.error(m));
  const clock = opts.clock ?? realClock;
  const stats: HubStats = {
    snapshotBatches: 0,
    snapshotsRelayed: 0,
    statusBroadcasts: 0,
    fillBatches: 0,
    orderBatches: 0,
    alerts: 0,
    params: 0,
    backfills: 0,
    backfillsFromHost: 0,
    backfillsRefused: 0,
  };
  const budget = opts.backfillBudget ?? { history: { burst: 5, perSec: 0.25 }, memory: { burst: 100, perSec: 20 } };
  const now = opts.now ?? Date.now;
  /** Tokens left per "kind:session", as of `at`. */
  const budgets = new Map<string, { tokens: number; at: number; bucket: Bucket }>();
  const refilled = (b: { tokens: number; at: number; bucket: Bucket }, t: number) => Math.min(b.bucket.burst, b.tokens + ((t - b.at) / 1000) * b.bucket.perSec);
  /** Takes a token of `kind` from the session; the seconds to wait when there is none. */
  const take = (jti: string, kind: "history" | "memory"): number => {
    const t = now();
    // A session whose budget has refilled completely is indistinguishable from a new one: forget it.
    if (budgets.size > 1_000) for (const [k, v] of budgets) if (refilled(v, t) >= v.bucket.burst) budgets.delete(k);
    const bucket = budget[kind];
    const key = `${kind}:${jti}`;
    const b = budgets.get(key) ?? { tokens: bucket.burst, at: t, bucket };
    b.tokens = refilled(b, t);
    b.at = t;
    budgets.set(key, b);
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / bucket.perSec));
    b.tokens -= 1;
    return 0;
  };

  let pendingSnapshots: SnapshotDTO[] = [];
  let pendingFills: FillDTO[] = [];
  let pendingOrders: OrderDTO[] = [];
  /** Flushed snapshots, oldest first: exactly what every connected client has been sent. */
  const ring: SnapshotDTO[] = [];
  let latestStatus: StatusDTO | null = null;
  let statusDirty = false;
  let lastStatusAt = 0;
  let statusTimer: unknown = null;
  let closed = false;

  const flush = () => {
    if (pendingSnapshots.length) {
      const batch = pendingSnapshots;
      pendingSnapshots = [];
      for (const s of batch) ring.push(s);
      if (ring.length > ringSize) ring.splice(0, ring.length - ringSize);
      io.emit("snapshots", batch);
      stats.snapshotBatches++;
      stats.snapshotsRelayed += batch.length;
    }
    if (pendingFills.length) {
      const batch = pendingFills;
      pendingFills = [];
      io.emit("fills", batch);
      stats.fillBatches++;
    }
    if (pendingOrders.length) {
      const batch = pendingOrders;
      pendingOrders = [];
      io.emit("orders", batch);
      stats.orderBatches++;
    }
  };
  const batchTimer = clock.setInterval(flush, batchMs);

  const emitStatus = () => {
    statusTimer = null;
    if (!statusDirty || !latestStatus || closed) return;
    statusDirty = false;
    lastStatusAt = clock.now();
    // Not volatile: a polling client is "not writable" between polls and would miss nearly every status.
    io.emit("status", latestStatus);
    stats.statusBroadcasts++;
  };

  const unsubscribe = [
    host.on("snapshot", (s) => {
      pendingSnapshots.push(s);
    }),
    host.on("fill", (f) => {
      pendingFills.push(f);
    }),
    host.on("order", (o) => {
      pendingOrders.push(o);
    }),
    host.on("status", (s) => {
      latestStatus = s;
      statusDirty = true;
      if (statusTimer) return;
      const wait = lastStatusAt + statusMs - clock.now();
      if (wait <= 0) emitStatus();
      else statusTimer = clock.setTimeout(emitStatus, wait);
    }),
    host.on("alert", (a) => {
      // Fills that led to the alert go first, so the feed never shows an alert before its cause.
      flush();
      io.emit("alert", a);
      stats.alerts++;
    }),
    host.on("params", (p) => {
      io.emit("params", p);
      stats.params++;
    }),
  ];

  /** Index of the first ring entry with ts > since (ring is in ts order). */
  const firstAfter = (since: number) => {
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[mid]!.ts <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** The ring holds every snapshot since the hub started; it covers `since` when its oldest is not newer. */
  const ringCovers = (since: number) => ring.length > 0 && ring[0]!.ts <= since + 1;

  const backfill = async (since: number): Promise<SnapshotDTO[]> => {
    stats.backfills++;
    if (ringCovers(since)) {
      const i = firstAfter(since);
      return ring.slice(i, i + backfillLimit);
    }
    stats.backfillsFromHost++;
    const rows = await host.snapshots({ from: since + 1, limit: backfillLimit });
    if (rows.length >= backfillLimit) return rows;
    // The store may lag the live stream: complete with what was broadcast after its last row.
    const last = rows.length ? rows[rows.length - 1]!.ts : since;
    const i = firstAfter(last);
    return rows.concat(ring.slice(i, i + backfillLimit - rows.length));
  };

  const sockets = new Map<string, Set<HubSocket>>();

  io.on("connection", (socket: HubSocket) => {
    const session = socket.data.session;
    let set = sockets.get(session.jti);
    if (!set) sockets.set(session.jti, (set = new Set()));
    set.add(socket);
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - Date.now())));
    expiry.unref();
    socket.on("disconnect", () => {
      clearTimeout(expiry);
      set.delete(socket);
      // The budget outlives the socket while the session lives: reconnecting must not refill it.
      if (!set.size) sockets.delete(session.jti);
    });

    if (latestStatus) socket.emit("status", latestStatus);

    let inFlight = false;
    socket.on("backfill", (req: unknown, ack: unknown) => {
      if (typeof ack !== "function") return;
      const reply = ack as (batch: SnapshotDTO[] | { error: string }) => void;
      const parsed = backfillRequestSchema.safeParse(req);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        reply({ error: `Invalid backfill request: ${issue ? `${issue.path.join(".") || "request"}: ${issue.message}` : "invalid"}` });
        return;
      }
      if (inFlight) {
        reply({ error: "A backfill is already in progress on this connection" });
        return;
      }
      const wait = take(session.jti, ringCovers(parsed.data.since) ? "memory" : "history");
      if (wait > 0) {
        stats.backfillsRefused++;
        reply({ error: `Too many backfill requests: retry in ${wait} s` });
        return;
      }
      inFlight = true;
      backfill(parsed.data.since)
        .then((rows) => reply(rows))
        .catch((err: unknown) => {
          log(`[hub] backfill failed: ${(err as Error)?.message ?? String(err)}`);
          reply({ error: "Backfill failed; retry shortly" });
        })
        .finally(() => {
          inFlight = false;
        });
    });
  });

  return {
    flush,
    endSession(jti) {
      for (const s of sockets.get(jti) ?? []) s.disconnect(true);
      budgets.delete(`history:${jti}`);
      budgets.delete(`memory:${jti}`);
    },
    stats: () => ({ ...stats }),
    close() {
      if (closed) return;
      closed = true;
      clock.clearInterval(batchTimer);
      if (statusTimer) clock.clearTimeout(statusTimer);
      for (const u of unsubscribe) u();
    },
  };
}
