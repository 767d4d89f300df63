"use client";
// The strategy overview: everything the operator watches and touches on one screen. Wide screens get a
// main column (state, charts, tables), a side column (controls, alerts, history) and the tuning form
// across the bottom; phones stack them.
// Status changes every tick, so each panel selects only the part of it that it shows.
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
import { ReconciliationBanner } from "./reconciliation-banner";
import { StatePanel } from "./state-panel";
import { PerformanceStrip } from "./performance-strip";
import { RangeProvider } from "./range";
import { FillsTable } from "./fills-table";
import { OrdersTable } from "./orders-table";
import { PairPanel } from "./pair-panel";

export function Dashboard() {
  return (
    <LiveProvider>
      <RangeProvider>
        <DashboardBody />
      </RangeProvider>
    </LiveProvider>
  );
}

function DashboardBody() {
  const { connection } = useLive();
  const isOperator = useMe().data?.role === "operator";
  const mode = useStatus((s) => s.mode).data;
  const statusError = useStatus(() => null).error;

  return (
    <div className="min-h-screen">
      <ModeBanner mode={mode} />
      <Header connection={connection} />
      <ReconciliationBanner isOperator={isOperator} />
      {statusError && !mode ? (
        <p className="m-3 rounded border border-red-500/50 bg-red-500/10 px-3 py-2 text-red-300">Status unavailable: {statusError.message}</p>
      ) : null}
      {/* Below xl the two columns dissolve (display: contents) and the panels stack in the order a phone
          user needs them: state, controls, charts, alerts, then tables and tuning. */}
      <main className="flex flex-col gap-3 p-2 sm:p-3 xl:grid xl:grid-cols-[minmax(0,1fr)_400px] xl:items-start">
        <div className="contents xl:flex xl:min-w-0 xl:flex-col xl:gap-3">
          <div className="order-1 min-w-0 xl:order-none">
            <StatePanel />
            <div className="mt-3 empty:hidden">
              <PairPanel isOperator={isOperator} />
            </div>
            <PerformanceStrip />
          </div>
          <div className="order-3 min-w-0 xl:order-none">
            <ChartsPanel />
          </div>
          <div className="order-5 grid min-w-0 grid-cols-1 gap-3 lg:grid-cols-2 xl:order-none">
            <FillsTable />
            <OrdersTable />
          </div>
        </div>
        <aside className="contents xl:flex xl:min-w-0 xl:flex-col xl:gap-3">
          <div className="order-2 min-w-0 xl:order-none">
            <ControlsPanel isOperator={isOperator} />
          </div>
          <div className="order-4 min-w-0 xl:order-none">
            <AlertsFeed canAck={isOperator} />
          </div>
          <div className="order-7 min-w-0 xl:order-none">
            <VersionHistory isOperator={isOperator} />
          </div>
        </aside>
        <div className="order-6 min-w-0 xl:order-none xl:col-span-2">
          <TuningPanel isOperator={isOperator} />
        </div>
      </main>
    </div>
  );
}
