"use client";
// The stored lab runs, newest first, with the one under way on top: its progress bar (from the socket) and,
// for an operator, Cancel.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { LabRunSummaryDTO } from "@/lib/lab/types";
import { ApiError, api } from "@/components/api/client";
import { queryKeys } from "@/components/live/query-keys";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { describeMarket, useLabProgress, useLabRuns } from "./lab-data";

const tone = { running: "sky", done: "green", cancelled: "amber", failed: "red" } as const;

export function LabRuns({ selected, onSelect, canCancel }: { selected: string | null; onSelect: (id: string) => void; canCancel: boolean }) {
  const qc = useQueryClient();
  const runs = useLabRuns();
  const progress = useLabProgress().data;
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  async function cancel(id: string) {
    setCancelling(true);
    setError(null);
    try {
      await api.post("/api/lab/cancel", { id });
      void qc.invalidateQueries({ queryKey: queryKeys.lab });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setCancelling(false);
    }
  }

  const list = runs.data ?? [];
  return (
    <Panel title="Lab runs" testId="lab-runs" bodyClassName="p-0">
      {runs.error ? <p className="p-3 text-[12px] text-red-300">Could not load the runs: {(runs.error as Error).message}</p> : null}
      {!list.length && !runs.isLoading ? <p className="p-3 text-[12px] text-muted">No lab run yet.</p> : null}
      <ul className="max-h-[420px] divide-y divide-edge overflow-y-auto">
        {list.map((r: LabRunSummaryDTO) => {
          const live = r.status === "running" && progress?.id === r.id ? progress : null;
          const done = live?.completed ?? r.completed;
          const frac = r.simulations ? done / r.simulations : 0;
          return (
            <li key={r.id}>
              <div
                role="button"
                tabIndex={0}
                onClick={() => onSelect(r.id)}
                onKeyDown={(e) => (e.key === "Enter" ? onSelect(r.id) : undefined)}
                data-testid="lab-run-item"
                data-status={r.status}
                aria-current={selected === r.id ? "true" : undefined}
                className={`flex cursor-pointer flex-col gap-1 px-3 py-2 ${selected === r.id ? "bg-raised" : "hover:bg-raised/50"}`}
              >
                <div className="flex items-center gap-2">
                  <Badge tone={tone[r.status]}>{r.status}</Badge>
                  <span className="truncate text-[12px] text-gray-100">{r.name}</span>
                </div>
                <div className="num text-[11px] text-muted">
                  {describeMarket(r)} · {r.sets} sets · {r.simulations} sims
                  {r.wallMs !== null ? ` · ${(r.wallMs / 1000).toFixed(1)} s` : ""} · {new Date(r.createdAt).toLocaleString()} by {r.createdBy}
                </div>
                {r.status === "running" ? (
                  <div className="flex items-center gap-2">
                    <div className="h-2 flex-1 overflow-hidden rounded bg-edge" role="progressbar" aria-valuemin={0} aria-valuemax={r.simulations} aria-valuenow={done} data-testid="lab-progress">
                      <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
                    </div>
                    <span className="num text-[11px] text-muted">
                      {done}/{r.simulations}
                    </span>
                    {canCancel ? (
                      <Button
                        size="sm"
                        variant="warn"
                        disabled={cancelling}
                        data-testid="lab-cancel"
                        onClick={(e) => {
                          e.stopPropagation();
                          void cancel(r.id);
                        }}
                      >
                        Cancel
                      </Button>
                    ) : null}
                  </div>
                ) : null}
                {r.error ? <p className="text-[11px] text-red-300">{r.error}</p> : null}
              </div>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p role="alert" className="m-2 rounded bg-red-500/15 px-2 py-1 text-[12px] text-red-300">
          {error}
        </p>
      ) : null}
    </Panel>
  );
}
