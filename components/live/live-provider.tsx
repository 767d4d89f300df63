"use client";
// Owns the socket and routes every server push into the right cache: snapshots into the SnapshotStore,
// everything else into react-query, so components read one source whether data came by HTTP or socket.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { AlertDTO, FillDTO, OrderDTO, StatusDTO } from "@/lib/events";
import { backfillInto, createLiveSocket, type ConnectionState, type LiveSocket } from "./socket";
import { SnapshotStore } from "./snapshot-store";
import { mergeAlerts, mergeParams, type ParamsState } from "./lists";
import { pushLive, rereadOnConnect } from "./list-cache";
import { pushLiveRows } from "./paged-list";
import { fillsMatcher, fillsSpec, ordersMatcher, ordersSpec, type FillsFilter, type OrdersFilter } from "./history-lists";
import { queryKeys } from "./query-keys";

interface LiveContextValue {
  store: SnapshotStore;
  connection: ConnectionState;
  /** Pulls every snapshot after `since` over the socket (used after history loads, and on reconnect). */
  backfill: (since: number) => void;
}

declare global {
  interface Window {
    __skewdeskLive?: { offlineFor: (ms: number) => void; connected: () => boolean };
  }
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [store] = useState(() => new SnapshotStore());
  const socketRef = useRef<LiveSocket | null>(null);
  const [connection, setConnection] = useState<ConnectionState>("connecting");

  useEffect(() => {
    const s = createLiveSocket();
    let everConnected = false;
    socketRef.current = s;

    s.on("connect", () => {
      setConnection("live");
      const since = store.lastTs();
      if (since !== null) void backfillInto(s, store, since);
      // Read the lists again from here on, also on the first connect (a first read may be in flight).
      void rereadOnConnect(qc, [queryKeys.status, queryKeys.fills, queryKeys.orders, queryKeys.alerts, queryKeys.params]);
      everConnected = true;
    });
    s.on("disconnect", (reason) => {
      setConnection(reason === "io client disconnect" ? "offline" : "reconnecting");
    });
    s.on("connect_error", (err) => {
      if (/unauthori[sz]ed|forbidden|401|403|session/i.test(err.message)) {
        setConnection("unauthorized");
        void qc.invalidateQueries({ queryKey: queryKeys.me });
      } else setConnection(everConnected ? "reconnecting" : "connecting");
    });
    s.io.on("reconnect_attempt", () => setConnection("reconnecting"));

    // A handle for browser tests: go offline for a while, so reconnection and backfill run for real.
    window.__skewdeskLive = {
      offlineFor: (ms: number) => {
        s.disconnect();
        setTimeout(() => s.connect(), ms);
      },
      connected: () => s.connected,
    };

    s.on("snapshots", (batch) => store.merge(batch));
    s.on("status", (status) => qc.setQueryData<StatusDTO>(queryKeys.status, status));
    // The performance figures are computed from stored fills: read them again shortly after fills arrive (once
    // per burst, after the write has had time to land) rather than only on their 10 s refresh.
    let perfTimer: ReturnType<typeof setTimeout> | null = null;
    s.on("fills", (fills) => {
      pushLiveRows<FillDTO, FillsFilter>(qc, queryKeys.fills, fillsSpec, fills, fillsMatcher);
      perfTimer ??= setTimeout(() => {
        perfTimer = null;
        void qc.invalidateQueries({ queryKey: ["performance"] });
      }, 1_500);
    });
    s.on("orders", (orders) => pushLiveRows<OrderDTO, OrdersFilter>(qc, queryKeys.orders, ordersSpec, orders, ordersMatcher));
    s.on("alert", (alert) => pushLive<AlertDTO>(qc, queryKeys.alerts, [alert], mergeAlerts));
    // The lab page reads a run's progress from here; a run that ended refreshes the lab's lists.
    s.on("lab:progress", (p) => {
      qc.setQueryData(queryKeys.labProgress, p);
      if (p.status !== "running") void qc.invalidateQueries({ queryKey: queryKeys.lab });
    });
    s.on("params", (v) => {
      const cur = qc.getQueryData<ParamsState>(queryKeys.params);
      if (cur) qc.setQueryData<ParamsState>(queryKeys.params, mergeParams(cur, v));
      else void qc.invalidateQueries({ queryKey: queryKeys.params });
    });

    return () => {
      if (perfTimer) clearTimeout(perfTimer);
      s.removeAllListeners();
      s.io.removeAllListeners();
      s.close();
      socketRef.current = null;
      delete window.__skewdeskLive;
    };
  }, [qc, store]);

  const backfill = useCallback(
    (since: number) => {
      const s = socketRef.current;
      if (s?.connected) void backfillInto(s, store, since);
    },
    [store],
  );
  const value = useMemo<LiveContextValue>(() => ({ store, connection, backfill }), [store, connection, backfill]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error("useLive must be used inside <LiveProvider>");
  return ctx;
}
