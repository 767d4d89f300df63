"use client";
// The desk as a whole: a summary line (strategies, total exposure against the cap), the desk-wide controls,
// every strategy's row, and the form that adds one. Viewers see it all and change nothing.
import { useQueryClient } from "@tanstack/react-query";
import { useMe } from "@/components/auth/use-me";
import { fmtDecimal } from "@/components/format/decimal";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { PageNav, SignedIn } from "@/components/nav/page-nav";
import { CreateStrategy } from "./create-strategy";
import { DeskControls } from "./desk-controls";
import { StrategyTable } from "./strategy-table";
import { deskKey, useDesk, useNow } from "./use-desk";

export function DeskPage() {
  const desk = useDesk();
  const me = useMe().data;
  const now = useNow();
  const qc = useQueryClient();
  const isOperator = me?.role === "operator";
  const o = desk.data;
  const refresh = () => void qc.invalidateQueries({ queryKey: deskKey });
  const running = o?.strategies.filter((s) => s.lifecycle === "running" && !s.fault).length ?? 0;

  return (
    <div className="min-h-screen">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-edge bg-panel px-3 py-2">
        <span className="flex items-center gap-2">
          <span aria-hidden className="grid h-6 w-6 place-items-center rounded bg-sky-600 text-[12px] font-black text-white">
            S
          </span>
          <span className="text-[14px] font-bold tracking-tight text-gray-100">Skewdesk</span>
        </span>
        <PageNav />
        <span data-testid="desk-live" data-state={desk.live} className={`text-[11px] ${desk.live === "live" ? "text-emerald-300" : "text-amber-300"}`}>
          {desk.live === "live" ? "● live" : desk.live === "connecting" ? "connecting…" : "reconnecting: updates paused"}
        </span>
        <SignedIn />
      </header>
      <main className="flex flex-col gap-3 p-2 sm:p-3">
        {desk.error ? <p className="rounded border border-red-500/50 bg-red-500/10 px-3 py-2 text-red-300">Desk overview unavailable: {desk.error.message}</p> : null}
        <Panel
          title="Desk"
          actions={
            o ? (
              <span className="flex flex-wrap items-center gap-2 text-[12px]">
                <span data-testid="desk-count">
                  {running} running / {o.strategies.length} strategies
                </span>
                <span className="num" data-testid="desk-exposure">
                  total position {fmtDecimal(o.totalExposure, 2)}
                  {o.maxTotalPosition ? ` of max ${fmtDecimal(o.maxTotalPosition, 2)}` : ""} <span className="text-faint">{quoteUnits(o.strategies)}</span> at mark
                  {o.maxTotalPosition ? "" : " (no cap)"}
                </span>
                {o.growthBlocked ? <Badge tone="red">over cap: reducing only</Badge> : null}
                {o.paused ? <Badge tone="amber">desk paused</Badge> : null}
              </span>
            ) : null
          }
        >
          {isOperator ? <DeskControls onDone={refresh} /> : <p className="text-[12px] text-muted">Viewer: desk-wide controls need the operator role.</p>}
        </Panel>
        <Panel title="Strategies" testId="desk-strategies">
          {o ? <StrategyTable rows={o.strategies} now={now} isOperator={isOperator} onChanged={refresh} /> : <p className="text-muted">Loading the desk…</p>}
        </Panel>
        {isOperator && o ? <CreateStrategy strategies={o.strategies} onCreated={refresh} /> : null}
      </main>
    </div>
  );
}

/** The desk adds every strategy's exposure in its own quote currency (README: SKEWDESK_MAX_TOTAL_POSITION), so the unit names them all. */
function quoteUnits(strategies: { quote: string }[]): string {
  return [...new Set(strategies.map((s) => s.quote))].sort().join("+");
}
