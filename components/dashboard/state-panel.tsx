"use client";
import Decimal from "decimal.js";
import type { ReactNode } from "react";
import type { SnapshotDTO, StatusDTO } from "@/lib/events";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { fmtAge, fmtDecimal, fmtExact, fmtRatio, signOf } from "@/components/format/decimal";
import { useConnection, useLatestSnapshot, useNow, useStatus, useUnits } from "@/components/live/hooks";
import type { MarketUnits } from "@/lib/units";
import { riskText, riskTone } from "./risk";

/** `value` is the raw figure (decimal string) on data-value, so tests read what the server sent. */
function Cell({ label, children, testId, sub, value }: { label: string; children: ReactNode; testId?: string; sub?: ReactNode; value?: string }) {
  return (
    <div data-cell={label} className="min-w-0 bg-panel px-3 py-2">
      <div className="truncate text-[10px] font-semibold tracking-[0.1em] text-faint uppercase">{label}</div>
      <div data-testid={testId} data-value={value} className="num mt-0.5 truncate text-[15px] leading-6 font-semibold text-gray-100">
        {children}
      </div>
      {sub ? <div className="num text-[11px] leading-tight text-muted">{sub}</div> : null}
    </div>
  );
}

function pnlClass(s: string | null | undefined): string {
  const sign = signOf(s, 2);
  return sign > 0 ? "text-emerald-400" : sign < 0 ? "text-red-400" : "text-gray-100";
}

/** Total PnL net of fees, as the runner reports it on the latest tick (lib/portfolio totalPnl):
 *  realized + unrealized − fees when no tick newer than the status is loaded. */
export function totalPnlOf(status: StatusDTO, last: SnapshotDTO | undefined): string {
  if (last && status.lastTickAt !== null && last.ts >= status.lastTickAt) return last.totalPnl;
  return new Decimal(status.realizedPnl).plus(status.unrealizedPnl).minus(status.fees).toFixed();
}

export function TickAge({ status }: { status: StatusDTO }) {
  const now = useNow(1000);
  if (status.lastTickAt === null)
    return (
      <span data-testid="tick-age" data-stale="true" className="text-red-400">
        NO TICK
      </span>
    );
  const age = now - status.lastTickAt;
  const stale = age > status.staleAfterMs;
  return (
    <span data-testid="tick-age" data-stale={stale ? "true" : "false"} className={stale ? "text-red-400" : "text-gray-100"}>
      {stale ? <span className="mr-1.5 rounded bg-red-600 px-1 text-[11px] font-bold text-white">STALE</span> : null}
      {fmtAge(age)}
    </span>
  );
}

export function StatePanel() {
  const status = useStatus().data;
  const last = useLatestSnapshot();
  // Without the live connection the last status is only what the desk was doing when we lost it.
  const linked = useConnection() === "live";
  const units = useUnits();
  if (!status) return <div className="h-[150px] animate-pulse rounded-md border border-edge bg-panel" />;
  return <StateGrid status={status} last={last} linked={linked} u={units} />;
}

/** A figure's currency, quieter than the figure. */
const Unit = ({ children }: { children: string }) => <span className="ml-1 text-[11px] font-normal text-faint">{children}</span>;

function StateGrid({ status, last, linked, u }: { status: StatusDTO; last: SnapshotDTO | undefined; linked: boolean; u: MarketUnits }) {
  const total = totalPnlOf(status, last);
  const ratioAbs = Math.abs(status.ratio);
  const ratioClass =
    ratioAbs >= status.emergencyThreshold ? "text-red-400" : ratioAbs >= status.rebalanceThreshold ? "text-amber-400" : "text-gray-100";
  const runState = !status.running ? "STOPPED" : status.paused ? "PAUSED" : "RUNNING";
  const runTone = !status.running ? "gray" : status.paused ? "amber" : "green";

  return (
    <Panel
      title="Strategy state"
      testId="state-panel"
      bodyClassName="p-0"
      actions={
        <span className="num text-[11px] text-faint">
          params v{status.paramVersion} · tick {status.tickIntervalMs}ms
        </span>
      }
    >
      <div className="grid grid-cols-2 gap-px overflow-hidden rounded-b-md bg-edge sm:grid-cols-3 lg:grid-cols-6">
        <Cell label="Risk state" sub={linked ? undefined : `last known ${status.riskState}`}>
          <span data-testid="risk-state" data-value={status.riskState} data-linked={linked} className={`font-bold ${linked ? riskText[status.riskState] : "text-muted"}`}>
            <Badge tone={linked ? riskTone[status.riskState] : "gray"} className="text-[13px]">
              {linked ? status.riskState : "UNKNOWN"}
            </Badge>
          </span>
        </Cell>
        <Cell label="Runner" sub={linked ? undefined : `last known ${runState}`}>
          <span data-testid="run-state" data-paused={status.paused ? "true" : "false"} data-running={status.running ? "true" : "false"} data-linked={linked}>
            <Badge tone={linked ? runTone : "red"} className="text-[13px]">
              {linked ? runState : "DISCONNECTED"}
            </Badge>
          </span>
        </Cell>
        <Cell
          label="Inventory"
          testId="inventory"
          value={status.inventory}
          sub={
            <>
              <span className="whitespace-nowrap">tgt {fmtExact(status.targetInventory)}</span> <span className="whitespace-nowrap">· max {fmtExact(status.maxInventory)}</span>
            </>
          }
        >
          {fmtExact(status.inventory)}
          <Unit>{u.base}</Unit>
        </Cell>
        <Cell
          label="Ratio"
          sub={<span title="rebalance / emergency thresholds">±{status.rebalanceThreshold} / ±{status.emergencyThreshold}</span>}
        >
          <span data-testid="ratio" data-value={status.ratio} className={ratioClass}>
            {fmtRatio(status.ratio)}
          </span>
        </Cell>
        <Cell label="Skew" testId="skew" value={String(status.skew)}>
          {fmtRatio(status.skew, 4)}
        </Cell>
        <Cell label="Last tick" sub={`stale after ${status.staleAfterMs / 1000}s`}>
          <TickAge status={status} />
        </Cell>

        <Cell label="Realized PnL" sub="before fees">
          <span data-testid="pnl-realized" className={pnlClass(status.realizedPnl)}>
            {fmtDecimal(status.realizedPnl, 2, { sign: true })}
          </span>
          <Unit>{u.quote}</Unit>
        </Cell>
        <Cell label="Unrealized PnL">
          <span data-testid="pnl-unrealized" className={pnlClass(status.unrealizedPnl)}>
            {fmtDecimal(status.unrealizedPnl, 2, { sign: true })}
          </span>
          <Unit>{u.quote}</Unit>
        </Cell>
        <Cell label="Total PnL (net)" sub={`fees ${fmtDecimal(status.fees, 2)} ${u.quote}`}>
          <span data-testid="pnl-total" className={pnlClass(total)}>
            {fmtDecimal(total, 2, { sign: true })}
          </span>
          <Unit>{u.quote}</Unit>
        </Cell>
        <Cell label="Peak |inv|" testId="peak" value={status.peak}>
          {fmtExact(status.peak)}
          <Unit>{u.base}</Unit>
        </Cell>
        <Cell label="Rebalances" testId="rebalance-count" value={String(status.rebalanceCount)}>
          {status.rebalanceCount}
        </Cell>
        <Cell label="Open orders" testId="open-orders">
          {status.openOrders.length}
        </Cell>
      </div>
      <QuoteStrip status={status} quote={u.quote} />
    </Panel>
  );
}

function QuoteStrip({ status, quote }: { status: StatusDTO; quote: string }) {
  const item = (label: string, value: string | null, testId: string, cls: string) => (
    <div className="flex items-baseline gap-1.5">
      <span className="text-[10px] font-semibold tracking-[0.1em] text-faint uppercase">{label}</span>
      <span data-testid={testId} data-value={value ?? ""} className={`num text-[13px] font-semibold ${cls}`}>
        {fmtExact(value)}
      </span>
    </div>
  );
  return (
    <div className="flex flex-wrap items-center gap-x-5 gap-y-1 border-t border-edge px-3 py-2">
      {item("Our bid", status.ourBid, "our-bid", "text-sky-300")}
      {item("Best bid", status.bestBid, "best-bid", "text-emerald-400")}
      {item("Mid", status.mid, "mid", "text-gray-100")}
      {item("Best ask", status.bestAsk, "best-ask", "text-red-400")}
      {item("Our ask", status.ourAsk, "our-ask", "text-fuchsia-300")}
      <span className="text-[10px] text-faint">prices in {quote}</span>
    </div>
  );
}
