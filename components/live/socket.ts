"use client";
// The dashboard's one socket.io connection. Same origin with the session cookie; socket.io reconnects on
// its own, and every (re)connect asks the server for the snapshots we missed so the charts have no gap.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, SnapshotDTO } from "@/lib/events";
import { currentStrategyScope } from "@/components/api/client";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline" | "unauthorized";

const BACKFILL_TIMEOUT_MS = 10_000;

export function createLiveSocket(): LiveSocket {
  const scope = currentStrategyScope();
  // A strategy page of the desk listens to that strategy's stream (its own namespace); "/" to the default one.
  return io(scope ? `/s/${scope}` : "/", {
    withCredentials: true,
    autoConnect: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
}

/**
 * Pulls every snapshot after `since` into `store`. One answer is capped by the server, so keep asking from
 * the last ts received until the answers reach the newest point we hold (live batches may have arrived
 * meanwhile) or come back empty. Bounded, so a broken server cannot keep us looping.
 */
export async function backfillInto(
  socket: LiveSocket,
  store: { merge(batch: readonly SnapshotDTO[]): void; lastTs(): number | null },
  since: number,
  maxRounds = 20,
): Promise<void> {
  let from = since;
  for (let round = 0; round < maxRounds && socket.connected; round++) {
    const batch = await requestBackfill(socket, from);
    if (!batch.length) return;
    store.merge(batch);
    let last = from;
    for (const s of batch) if (s.ts > last) last = s.ts;
    const newest = store.lastTs();
    if (last <= from || newest === null || last >= newest) return;
    from = last;
  }
}

/** Every snapshot newer than `since` (one capped answer); [] when the server errs or does not answer in time. */
export function requestBackfill(socket: LiveSocket, since: number): Promise<SnapshotDTO[]> {
  return new Promise((resolve) => {
    socket.timeout(BACKFILL_TIMEOUT_MS).emit("backfill", { since: Math.max(0, Math.floor(since)) }, (err, res) => {
      if (err || !Array.isArray(res)) {
        if (!err && res && "error" in res) console.warn("backfill refused:", res.error);
        resolve([]);
        return;
      }
      resolve(res);
    });
  });
}
