"use client";
// The skew lab: set up a sweep, watch it run, compare the parameter sets in a table, a heatmap and their
// overlaid paths. Viewers see every run and result; only an operator starts or cancels one.
import { useState } from "react";
import { LiveProvider, useLive } from "@/components/live/live-provider";
import { useStatus } from "@/components/live/hooks";
import { useIsOperator } from "@/components/auth/use-me";
import { Header } from "@/components/dashboard/header";
import { ModeBanner } from "@/components/dashboard/mode-banner";
import { Panel } from "@/components/ui/panel";
import { LabForm } from "./lab-form";
import { LabRuns } from "./lab-runs";
import { LabTable } from "./lab-table";
import { LabApply } from "./lab-apply";
import { LabHeatmap } from "./lab-heatmap";
import { LabPaths } from "./lab-paths";
import { describeMarket, useLabRun, useLabRuns } from "./lab-data";

export function LabPage() {
  return (
    <LiveProvider>
      <Body />
    </LiveProvider>
  );
}

function Body() {
  const { connection } = useLive();
  const mode = useStatus((s) => s.mode).data;
  const operator = useIsOperator();
  const runs = useLabRuns().data ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  // null: the two best sets by PnL, until the operator ticks their own.
  const [pickedByUser, setPicked] = useState<number[] | null>(null);
  const busy = runs.some((r) => r.status === "running");
  // Until the operator picks one, show the newest run.
  const shown = selected ?? runs[0]?.id ?? null;
  const run = useLabRun(shown);
  const picked = pickedByUser ?? (run.data?.status === "done" ? bestTwo(run.data.results) : []);
  // The set being applied to the strategy (of the run shown; another run shown closes it).
  const [applying, setApplying] = useState<{ run: string; index: number } | null>(null);
  const applySet = applying && run.data?.id === applying.run ? run.data.results.find((r) => r.index === applying.index) : undefined;

  return (
    <div className="min-h-screen">
      <ModeBanner mode={mode} />
      <Header connection={connection} />
      <main className="mx-auto flex max-w-[1400px] flex-col gap-2 p-2 sm:p-3">
        <div className="grid gap-2 lg:grid-cols-[minmax(0,1.1fr)_minmax(0,1fr)]">
          <LabForm
            canRun={operator}
            busy={busy}
            onStarted={(r) => {
              setSelected(r.id);
              setPicked(null);
            }}
          />
          <LabRuns
            selected={shown}
            canCancel={operator}
            onSelect={(id) => {
              setSelected(id);
              setPicked(null);
            }}
          />
        </div>
        {run.data ? (
          <>
            <Panel title={`Results: ${run.data.name}`} testId="lab-results" actions={<span className="num text-[11px] text-muted">{describeMarket(run.data)}</span>}>
              {run.data.status === "done" ? (
                <>
                  <LabTable
                    run={run.data}
                    picked={picked}
                    onToggle={(i) => setPicked(picked.includes(i) ? picked.filter((x) => x !== i) : [...picked, i])}
                    onApply={operator ? (set) => setApplying({ run: run.data!.id, index: set.index }) : undefined}
                  />
                  {applySet ? <LabApply key={`${run.data.id}-${applySet.index}`} run={run.data} set={applySet} onClose={() => setApplying(null)} /> : null}
                </>
              ) : (
                <p className="text-[12px] text-muted" data-testid="lab-no-results">
                  {run.data.status === "running" ? "Running: the results appear when every simulation is done." : run.data.status === "cancelled" ? "Cancelled: no results were kept." : `Failed: ${run.data.error ?? "unknown error"}`}
                </p>
              )}
            </Panel>
            {run.data.status === "done" ? (
              <div className="grid gap-2 xl:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
                <Panel title="Heatmap">
                  <LabHeatmap key={run.data.id} run={run.data} />
                </Panel>
                <Panel title="Inventory and PnL paths">
                  <LabPaths run={run.data} picked={picked} />
                </Panel>
              </div>
            ) : null}
          </>
        ) : run.error ? (
          <p className="text-[12px] text-red-300">Could not load the run: {(run.error as Error).message}</p>
        ) : null}
      </main>
    </div>
  );
}

/** The two sets with the best PnL, to start the overlay with something worth comparing. */
function bestTwo(results: { index: number; pnl: string }[]): number[] {
  return [...results]
    .sort((a, b) => Number(b.pnl) - Number(a.pnl))
    .slice(0, 2)
    .map((r) => r.index);
}
