"use client";
// A Polymarket binary market quoted as a YES/NO pair: both legs side by side, the position skew that
// leans them against each other, the collateral, and the merge the desk proposes (min(YES, NO) back into
// pUSD). An operator merges from here after typing MERGE; the outcome (and every refusal) is shown, and
// the command is audited by the server. Absent on any other desk.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { PairDTO, PairLegDTO, PairMergeOutcomeDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { fmtExact, fmtRatio } from "@/components/format/decimal";
import { useStatus } from "@/components/live/hooks";
import { queryKeys } from "@/components/live/query-keys";

const MERGE_WORD = "MERGE";

export function PairPanel({ isOperator }: { isOperator: boolean }) {
  const pair = useStatus((s) => s.pair ?? null).data;
  if (!pair) return null;
  return <PairBody pair={pair} isOperator={isOperator} />;
}

function LegRow({ label, leg }: { label: string; leg: PairLegDTO }) {
  const id = label.toLowerCase();
  return (
    <tr className="border-t border-edge">
      <th scope="row" className="px-3 py-1.5 text-left font-semibold text-gray-100">
        {label} <span className="font-normal text-faint">{leg.symbol}</span>{" "}
        <span data-testid={`pair-${id}-state`} className={`text-[10px] font-semibold ${leg.mismatch || leg.riskState !== "ACTIVE" ? "text-red-400" : !leg.armed || leg.paused ? "text-amber-300" : "text-emerald-400"}`}>
          {leg.mismatch ? "MISMATCH" : leg.riskState !== "ACTIVE" ? leg.riskState : !leg.armed ? "DISARMED" : leg.paused ? "PAUSED" : "QUOTING"}
        </span>
      </th>
      <td className="num px-2 text-right font-semibold text-gray-100" data-testid={`pair-${id}-inventory`} data-value={leg.inventory}>
        {fmtExact(leg.inventory)}
      </td>
      <td className="num px-2 text-right text-gray-300">{fmtExact(leg.avgPrice)}</td>
      <td className="num px-2 text-right text-gray-300">{leg.mid === null ? "—" : fmtExact(leg.mid)}</td>
      <td className="num px-2 text-right text-emerald-300" data-testid={`pair-${id}-bid`}>{leg.ourBid === null ? "—" : fmtExact(leg.ourBid)}</td>
      <td className="num px-2 text-right text-red-300" data-testid={`pair-${id}-ask`}>{leg.ourAsk === null ? "—" : fmtExact(leg.ourAsk)}</td>
      <td className="num px-3 text-right text-gray-300" data-testid={`pair-${id}-realized`} data-value={leg.realizedPnl}>{fmtExact(leg.realizedPnl)}</td>
    </tr>
  );
}

function PairBody({ pair, isOperator }: { pair: PairDTO; isOperator: boolean }) {
  const m = pair.merge;
  // The proposal as the operator saw it when opening the dialog: the dialog stays (with its outcome) after
  // the merge makes the proposal go away.
  const [open, setOpen] = useState<{ amount: string; freed: string } | null>(null);
  const skipped = [...pair.yes.skipped.map((s) => `YES ${s}`), ...pair.no.skipped.map((s) => `NO ${s}`)];
  return (
    <Panel
      title="YES / NO pair"
      testId="pair-panel"
      bodyClassName="p-0"
      actions={
        <>
          {m.auto ? <Badge tone="violet" testId="merge-auto">AUTO-MERGE</Badge> : null}
          {m.state === "merging" ? <Badge tone="amber" testId="merge-state">MERGING</Badge> : null}
        </>
      }
    >
      <table className="w-full text-[12px]">
        <thead className="text-[10px] tracking-[0.08em] text-faint uppercase">
          <tr>
            <th className="px-3 py-1 text-left font-semibold">Token</th>
            <th className="px-2 text-right font-semibold">Shares</th>
            <th className="px-2 text-right font-semibold">Avg cost</th>
            <th className="px-2 text-right font-semibold">Mid</th>
            <th className="px-2 text-right font-semibold">Our bid</th>
            <th className="px-2 text-right font-semibold">Our ask</th>
            <th className="px-3 text-right font-semibold">Realized</th>
          </tr>
        </thead>
        <tbody>
          <LegRow label="YES" leg={pair.yes} />
          <LegRow label="NO" leg={pair.no} />
        </tbody>
      </table>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 border-t border-edge px-3 py-2 text-[12px] sm:grid-cols-4">
        <Fig label="Position skew" testId="pair-skew" value={String(pair.positionSkew)}>{fmtRatio(pair.positionSkew)}</Fig>
        <Fig label="Value / cap" testId="pair-total" value={pair.totalValue}>
          {fmtExact(pair.totalValue)} / {fmtExact(pair.maxTotalPosition)}
        </Fig>
        <Fig label="Collateral (pUSD)" testId="pair-collateral" value={pair.collateral ?? ""}>{pair.collateral === null ? "—" : fmtExact(pair.collateral)}</Fig>
        <Fig label="Merged so far" testId="pair-merged-total" value={m.mergedTotal}>{fmtExact(m.mergedTotal)}</Fig>
      </dl>
      {skipped.length ? (
        <p data-testid="pair-skipped" className="border-t border-edge px-3 py-1.5 text-[11px] text-amber-300">
          Skipped: {skipped.join("; ")}
        </p>
      ) : null}
      <div className="border-t border-edge px-3 py-2 text-[12px]" data-testid="merge-box">
        {m.proposal ? (
          <p className="text-gray-100" data-testid="merge-proposal">
            Merge proposed: <span className="num font-semibold" data-testid="merge-amount" data-value={m.proposal.amount}>{fmtExact(m.proposal.amount)}</span> YES +{" "}
            {fmtExact(m.proposal.amount)} NO → frees{" "}
            <span className="num font-semibold text-emerald-300" data-testid="merge-collateral" data-value={m.proposal.collateralFreed}>{fmtExact(m.proposal.collateralFreed)}</span> pUSD
          </p>
        ) : (
          <p className="text-muted" data-testid="merge-none">
            No merge: min(YES, NO) is below the threshold {fmtExact(m.threshold)}.
          </p>
        )}
        {!m.executable && m.why ? <p className="mt-1 text-[11px] text-amber-300">{m.why}</p> : null}
        {m.last ? (
          <p data-testid="merge-outcome" data-done={m.last.done ? "true" : "false"} className={`mt-1 text-[11px] break-all ${m.last.done ? "text-emerald-300" : "text-amber-300"}`}>
            {m.last.message}
          </p>
        ) : null}
        {isOperator ? (
          <div className="mt-2 flex justify-end">
            <Button data-testid="merge-open" variant="primary" disabled={!m.proposal || !m.executable || m.state === "merging"} onClick={() => m.proposal && setOpen({ amount: m.proposal.amount, freed: m.proposal.collateralFreed })}>
              Merge…
            </Button>
          </div>
        ) : null}
      </div>
      {open ? <MergeDialog amount={open.amount} freed={open.freed} onClose={() => setOpen(null)} /> : null}
    </Panel>
  );
}

function Fig({ label, testId, value, children }: { label: string; testId: string; value: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-[10px] font-semibold tracking-[0.1em] text-faint uppercase">{label}</dt>
      <dd className="num font-semibold text-gray-100" data-testid={testId} data-value={value}>
        {children}
      </dd>
    </div>
  );
}

function MergeDialog({ amount, freed, onClose }: { amount: string; freed: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [typed, setTyped] = useState("");
  const merge = useMutation({
    mutationFn: () => api.post<PairMergeOutcomeDTO>("/api/pair/merge", { confirm: MERGE_WORD }),
    onSuccess: () => {
      for (const key of [queryKeys.status, queryKeys.fills, queryKeys.alerts]) void qc.invalidateQueries({ queryKey: key });
    },
  });
  const ok = typed.trim().toUpperCase() === MERGE_WORD && !merge.isPending && !merge.data;
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-auto bg-black/75 p-3 pt-[10vh]" onMouseDown={(e) => e.target === e.currentTarget && !merge.isPending && onClose()}>
      <div role="dialog" aria-modal="true" aria-labelledby="merge-title" data-testid="merge-dialog" className="w-full max-w-md rounded-md border border-sky-600 bg-panel shadow-2xl">
        <h2 id="merge-title" className="border-b border-edge px-4 py-2.5 text-sm font-bold tracking-[0.1em] text-gray-100 uppercase">
          Merge YES + NO into pUSD
        </h2>
        <div className="space-y-3 p-4 text-[13px]">
          {merge.data ? (
            <p data-testid="merge-result" data-done={merge.data.done ? "true" : "false"} className={`break-all ${merge.data.done ? "text-emerald-300" : "text-amber-300"}`}>
              {merge.data.message}
            </p>
          ) : (
            <>
              <p className="text-gray-100">
                Merges up to <span className="num font-bold">{fmtExact(amount)}</span> YES and as many NO on chain, freeing up to{" "}
                <span className="num font-bold">{fmtExact(freed)}</span> pUSD.
              </p>
              <ul className="list-disc space-y-0.5 pl-5 text-[12px] text-gray-300">
                <li>quoting stops on both tokens and our orders are cancelled first; it resumes after</li>
                <li>both balances are read again on chain: the merge takes what is there, never more than the desk holds</li>
                <li>the merged shares leave the inventory; the collateral is booked</li>
              </ul>
              <label className="block text-[12px] text-gray-300">
                Type <span className="num rounded bg-sky-950 px-1 font-bold text-sky-300">{MERGE_WORD}</span> (in any case) to confirm
                <input
                  data-testid="merge-confirm-input"
                  autoFocus
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  onKeyDown={(e) => e.key === "Enter" && ok && merge.mutate()}
                  autoComplete="off"
                  spellCheck={false}
                  className="num mt-1 block h-9 w-full rounded border border-edge-strong bg-black/40 px-2 text-[14px] tracking-widest text-white uppercase outline-none focus:border-sky-500"
                />
              </label>
            </>
          )}
          {merge.error ? (
            <p role="alert" className="text-[12px] text-red-400">
              {(merge.error as ApiError).message}
            </p>
          ) : null}
          <div className="flex items-center justify-end gap-2 pt-1">
            <Button variant="ghost" data-testid="merge-close" onClick={onClose} disabled={merge.isPending}>
              {merge.data ? "Close" : "Cancel"}
            </Button>
            {merge.data ? null : (
              <Button data-testid="merge-confirm" variant="primary" size="lg" disabled={!ok} onClick={() => merge.mutate()}>
                {merge.isPending ? "Merging…" : "Merge now"}
              </Button>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
