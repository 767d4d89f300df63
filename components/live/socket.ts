"use client";
// The dashboard's one socket.io connection. Same origin with the session cookie; socket.io reconnects on
// its own, and every (re)connect asks the server for the snapshots we missed so the charts have no gap.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, SnapshotDTO } from "@/server/realtime/events";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline" | "unauthorized";

const BACKFILL_TIMEOUT_MS = 10_000;

export function createLiveSocket(): LiveSocket {
  return io({
    withCredentials: true,
    autoConnect: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
}

/** Every snapshot newer than `since`; resolves [] when the server errs or does not answer in time. */
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
