"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ParamVersionDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { fmtDateTime, fmtTime } from "@/components/format/decimal";
import { useParams } from "@/components/live/hooks";
import { mergeParams, type ParamsState } from "@/components/live/lists";
import { queryKeys } from "@/components/live/query-keys";
import { diffParams, humanize, showValue } from "./fields";
import { labelOf } from "./param-help";

export function VersionHistory({ isOperator }: { isOperator: boolean }) {
  const qc = useQueryClient();
  const { data } = useParams();
  const versions = data?.versions ?? [];
  const current = data?.current.version;
  // A rollback changes what trades on the next tick: it asks once, in place, before it is sent.
  const [asking, setAsking] = useState<number | null>(null);
  const rollback = useMutation({
    mutationFn: (version: number) =>
      api.post<ParamVersionDTO>("/api/params/rollback", { version, reason: current === undefined ? "one-click rollback" : `rolled back from v${current}` }),
    onSuccess: (v) => {
      setAsking(null);
      qc.setQueryData<ParamsState>(queryKeys.params, (cur) => mergeParams(cur, v));
      void qc.invalidateQueries({ queryKey: queryKeys.status });
    },
  });

  return (
    <Panel title="Parameter history" testId="param-history" bodyClassName="p-0" actions={<span className="num text-[11px] text-faint">{versions.length} versions</span>}>
      {rollback.error ? (
        <p role="alert" className="px-3 py-2 text-[12px] text-red-400">
          Rollback failed: {(rollback.error as ApiError).message}
        </p>
      ) : null}
      <ol className="max-h-[320px] overflow-auto">
        {versions.map((v, i) => {
          const prev = v.previous ?? versions[i + 1]?.params ?? null;
          const diff = diffParams(prev, v.params);
          const isCurrent = v.version === current;
          return (
            <li key={v.version} data-testid="param-version" data-version={v.version} className={`border-b border-edge/60 px-3 py-2 ${isCurrent ? "bg-sky-500/5" : ""}`}>
              <div className="flex items-center gap-2">
                <span className={`num text-[13px] font-bold ${isCurrent ? "text-sky-300" : "text-gray-200"}`}>v{v.version}</span>
                {isCurrent ? <span className="rounded bg-sky-600/30 px-1 text-[10px] font-semibold text-sky-200 uppercase">current</span> : null}
                <span className="truncate text-[12px] text-gray-300">{v.changedBy}</span>
                <span className="num text-[11px] text-faint" title={fmtDateTime(v.createdAt)}>
                  {fmtTime(v.createdAt)}
                </span>
                {!isCurrent ? (
                  <Button
                    size="sm"
                    className="ml-auto"
                    data-testid={`rollback-${v.version}`}
                    disabled={!isOperator || rollback.isPending}
                    title={isOperator ? `Make v${v.version}'s values current again (as a new version)` : "Operators only"}
                    onClick={() => setAsking(asking === v.version ? null : v.version)}
                  >
                    {rollback.isPending && rollback.variables === v.version ? "…" : "Rollback"}
                  </Button>
                ) : null}
              </div>
              {asking === v.version && !isCurrent ? (
                <div data-testid={`rollback-ask-${v.version}`} role="alertdialog" className="mt-1.5 flex flex-wrap items-center gap-2 rounded border border-amber-500/50 bg-amber-500/10 px-2 py-1.5 text-[12px] text-amber-100">
                  <span className="flex-1">
                    Make v{v.version}&apos;s values current again as v{(current ?? 0) + 1}? The desk quotes with them from the next tick.
                  </span>
                  <Button size="sm" variant="warn" data-testid={`rollback-confirm-${v.version}`} disabled={rollback.isPending} onClick={() => rollback.mutate(v.version)}>
                    Roll back
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setAsking(null)}>
                    Cancel
                  </Button>
                </div>
              ) : null}
              <p className="mt-0.5 text-[12px] break-words text-muted">
                {v.rolledBackFrom !== null ? (
                  <span className="mr-1.5 rounded bg-amber-500/15 px-1 text-[11px] font-semibold text-amber-300">↺ rollback to v{v.rolledBackFrom}</span>
                ) : null}
                {v.reason || <span className="italic">no reason given</span>}
              </p>
              {diff.length ? (
                <ul className="mt-1 flex flex-wrap gap-1">
                  {diff.map((d) => (
                    <li key={d.path} className="num rounded bg-raised px-1.5 py-0.5 text-[11px]" title={d.path}>
                      <span className="text-muted">{labelOf(d.path, humanize)}</span> <span className="text-red-300/90 line-through decoration-red-400/40">{showValue(d.before)}</span>
                      <span className="text-faint"> → </span>
                      <span className="text-emerald-300">{showValue(d.after)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-0.5 text-[11px] text-faint">{prev ? "no change in values" : "first version"}</p>
              )}
            </li>
          );
        })}
      </ol>
    </Panel>
  );
}
