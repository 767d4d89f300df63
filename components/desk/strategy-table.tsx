"use client";
// Every strategy of the desk on one screen: state, inventory ratio with its recent path, PnL net of fees,
// open alerts and how long since its last tick, live. An operator starts, pauses, resumes, stops and
// archives from the row; a viewer sees the same rows without the buttons.
import { useState } from "react";
import type { StrategyLifecycleAction, StrategyOverviewDTO } from "@/lib/desk";
import { api, ApiError } from "@/components/api/client";
import { fmtAge, fmtDecimal, fmtRatio, signOf } from "@/components/format/decimal";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { riskTone } from "@/components/dashboard/risk";
import { Sparkline } from "./sparkline";

function stateOf(s: StrategyOverviewDTO) {
  if (s.fault) return <Badge tone="red">fault</Badge>;
  if (s.lifecycle !== "running" || !s.riskState) return <Badge tone="gray">{s.lifecycle}</Badge>;
  return (
    <span className="flex flex-wrap gap-1">
      <Badge tone={riskTone[s.riskState]}>{s.riskState}</Badge>
      {s.paused ? <Badge tone="amber">paused</Badge> : null}
    </span>
  );
}

function actionsFor(s: StrategyOverviewDTO): StrategyLifecycleAction[] {
  if (s.lifecycle === "stopped") return ["start", "archive"];
  if (s.lifecycle !== "running") return [];
  if (s.fault) return ["start", "stop"];
  return [s.paused ? "resume" : "pause", "stop"];
}

export function StrategyTable({ rows, now, isOperator, onChanged }: { rows: StrategyOverviewDTO[]; now: number; isOperator: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (s: StrategyOverviewDTO, action: StrategyLifecycleAction) => {
    if ((action === "stop" || action === "archive") && !window.confirm(`${action === "stop" ? "Stop" : "Archive"} ${s.name}? Its quotes are cancelled.`)) return;
    setBusy(s.id);
    setError(null);
    try {
      await api.post("/api/desk/strategy-lifecycle", { id: s.id, action });
      onChanged();
    } catch (err) {
      setError(`${s.name}: ${err instanceof ApiError ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="overflow-x-auto">
      {error ? <p role="alert" className="mb-2 rounded border border-red-500/50 bg-red-500/10 px-3 py-1.5 text-red-300">{error}</p> : null}
      <table className="w-full min-w-[760px] text-[12px]" data-testid="desk-table">
        <thead className="text-left text-[11px] tracking-wide text-muted uppercase">
          <tr className="border-b border-edge">
            <th className="py-1.5 pr-2">Strategy</th>
            <th className="pr-2">Market</th>
            <th className="pr-2">State</th>
            <th className="pr-2 text-right">Inventory</th>
            <th className="pr-2">Ratio (last 60)</th>
            <th className="pr-2 text-right">PnL net of fees</th>
            <th className="pr-2 text-right">Alerts</th>
            <th className="pr-2 text-right">Last tick</th>
            {isOperator ? <th className="text-right">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const age = s.lastTickAt === null ? null : Math.max(0, now - s.lastTickAt);
            const pnlSign = signOf(s.pnlNet, 2);
            return (
              <tr key={s.id} data-testid="desk-row" data-name={s.name} className="border-b border-edge/60 align-middle">
                <td className="py-1.5 pr-2">
                  <a className="font-semibold text-sky-300 hover:underline" href={`/s/${s.id}`}>
                    {s.name}
                  </a>
                  <div className="text-[11px] text-faint">
                    {s.venue} · {s.account}
                  </div>
                  {s.fault ? <div className="max-w-[260px] text-[11px] text-red-300">{s.fault}</div> : null}
                </td>
                <td className="num pr-2">{s.symbol}</td>
                <td className="pr-2">{stateOf(s)}</td>
                <td className="num pr-2 text-right">{fmtDecimal(s.inventory, 3)}</td>
                <td className="pr-2">
                  <span className="flex items-center gap-2">
                    <Sparkline points={s.ratioHistory} />
                    <span className="num w-12 text-right">{fmtRatio(s.ratio, 2)}</span>
                  </span>
                </td>
                <td className={`num pr-2 text-right ${pnlSign > 0 ? "text-emerald-300" : pnlSign < 0 ? "text-red-300" : ""}`}>
                  {fmtDecimal(s.pnlNet, 2, { sign: true })} <span className="text-faint">{s.quote}</span>
                </td>
                <td className="num pr-2 text-right">{s.openAlerts ? <Badge tone="amber">{s.openAlerts}</Badge> : <span className="text-faint">0</span>}</td>
                <td className={`num pr-2 text-right ${age !== null && age > 5_000 && s.lifecycle === "running" ? "text-amber-300" : "text-muted"}`}>
                  {age === null ? "—" : `${fmtAge(age)} ago`}
                </td>
                {isOperator ? (
                  <td className="text-right whitespace-nowrap">
                    {actionsFor(s).map((a) => (
                      <Button key={a} size="sm" variant={a === "stop" || a === "archive" ? "warn" : "default"} className="ml-1" disabled={busy === s.id} onClick={() => act(s, a)} data-testid={`row-${a}`}>
                        {a[0]!.toUpperCase() + a.slice(1)}
                      </Button>
                    ))}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
