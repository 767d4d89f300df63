"use client";
// The strategy overview: everything the operator watches and touches on one screen. Wide screens get a
// main column (state, charts, tables) and a side column (controls, alerts, tuning); phones stack them.
import { useSyncExternalStore } from "react";
import { LiveProvider, useLive } from "@/components/live/live-provider";
import { useStatus } from "@/components/live/hooks";
import { useMe } from "@/components/auth/use-me";
import { ControlsPanel } from "@/components/controls/controls-panel";
import { TuningPanel } from "@/components/tuning/tuning-panel";
import { VersionHistory } from "@/components/tuning/version-history";
import { AlertsFeed } from "./alerts-feed";
import { ChartsPanel } from "./charts";
import { Header } from "./header";
import { ModeBanner } from "./mode-banner";
import { StatePanel } from "./state-panel";
import { FillsTable, OrdersTable } from "./tables";

export function Dashboard() {
  return (
    <LiveProvider>
      <DashboardBody />
    </LiveProvider>
  );
}

function DashboardBody() {
  const { connection, store } = useLive();
  const me = useMe();
  const status = useStatus();
  const points = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const last = points[points.length - 1];
  const isOperator = me.data?.role === "operator";
  const s = status.data;

  return (
    <div className="min-h-screen">
      <ModeBanner mode={s?.mode} />
      <Header status={s} connection={connection} />
      {status.error && !s ? (
        <p className="m-3 rounded border border-red-500/50 bg-red-500/10 px-3 py-2 text-red-300">Status unavailable: {status.error.message}</p>
      ) : null}
      <main className="grid grid-cols-1 gap-3 p-3 xl:grid-cols-[minmax(0,1fr)_400px]">
        <div className="flex min-w-0 flex-col gap-3">
          {s ? <StatePanel status={s} last={last} /> : <div className="h-[150px] animate-pulse rounded-md border border-edge bg-panel" />}
          <ChartsPanel status={s} />
          <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
            <FillsTable />
            <OrdersTable />
          </div>
        </div>
        <aside className="flex min-w-0 flex-col gap-3">
          <ControlsPanel status={s} isOperator={isOperator} />
          <AlertsFeed canAck={isOperator} />
          <TuningPanel isOperator={isOperator} status={s} />
          <VersionHistory isOperator={isOperator} />
        </aside>
      </main>
    </div>
  );
}
