"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { fmtDateTime, fmtTime } from "@/components/format/decimal";
import { useAlerts } from "@/components/live/hooks";
import { mergeAlerts } from "@/components/live/lists";
import { queryKeys } from "@/components/live/query-keys";

const severityTone = { info: "sky", warning: "amber", critical: "red" } as const;
const severityBar = { info: "border-l-sky-500/60", warning: "border-l-amber-500", critical: "border-l-red-500" } as const;
const kindLabel: Record<AlertDTO["kind"], string> = {
  rebalance: "rebalance",
  emergency: "emergency",
  stale_data: "stale data",
  cancel_failure: "cancel failure",
  risk_state: "risk state",
  reconciliation: "reconciliation",
  error: "error",
};

export function AlertsFeed({ canAck }: { canAck: boolean }) {
  const qc = useQueryClient();
  const { data, error } = useAlerts();
  const ack = useMutation({
    mutationFn: (id: string) => api.post<AlertDTO>("/api/alerts/ack", { id }),
    onSuccess: (a) => qc.setQueryData<AlertDTO[]>(queryKeys.alerts, (cur) => mergeAlerts(cur, [a])),
  });
  const ackAll = useMutation({
    mutationFn: () => api.post<{ acknowledged: AlertDTO[] }>("/api/alerts/ack-all", {}),
    onSuccess: ({ acknowledged }) => {
      qc.setQueryData<AlertDTO[]>(queryKeys.alerts, (cur) => mergeAlerts(cur, acknowledged));
      void qc.invalidateQueries({ queryKey: queryKeys.alerts });
    },
  });
  const alerts = data ?? [];
  const open = alerts.filter((a) => a.acknowledgedAt === null);
  const unacked = open.length;
  const worst = open.some((a) => a.severity === "critical") ? "critical" : open.some((a) => a.severity === "warning") ? "warning" : "info";

  return (
    <Panel
      title="Alerts"
      testId="alerts"
      bodyClassName="p-0"
      actions={
        unacked ? (
          <>
            <Badge tone={severityTone[worst]} testId="alerts-unacked">
              {unacked} new
            </Badge>
            {canAck ? (
              <Button size="sm" data-testid="alerts-ack-all" disabled={ackAll.isPending} title="Acknowledge every open alert" onClick={() => ackAll.mutate()}>
                {ackAll.isPending ? "…" : "Ack all"}
              </Button>
            ) : null}
          </>
        ) : (
          <span className="text-[11px] text-faint">all acknowledged</span>
        )
      }
    >
      {error ? <div className="px-3 py-2 text-[12px] text-red-400">{error.message}</div> : null}
      {ack.error ? <div className="px-3 py-2 text-[12px] text-red-400">ack failed: {(ack.error as ApiError).message}</div> : null}
      {ackAll.error ? <div className="px-3 py-2 text-[12px] text-red-400">acknowledge all failed: {(ackAll.error as ApiError).message}</div> : null}
      <ul className="max-h-[300px] overflow-auto">
        {alerts.length === 0 ? <li className="px-3 py-6 text-center text-faint">No alerts</li> : null}
        {alerts.map((a) => {
          const acked = a.acknowledgedAt !== null;
          const count = a.count ?? 1;
          const last = a.lastSeenAt ?? a.createdAt;
          return (
            <li
              key={a.id}
              data-testid="alert"
              data-id={a.id}
              data-kind={a.kind}
              data-acked={acked ? "true" : "false"}
              data-count={count}
              className={`flex items-start gap-2 border-b border-l-2 border-b-edge/60 px-3 py-1.5 ${severityBar[a.severity]} ${acked ? "opacity-55" : ""}`}
            >
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-1.5">
                  <Badge tone={severityTone[a.severity]}>{kindLabel[a.kind]}</Badge>
                  {count > 1 ? (
                    <span data-testid="alert-count" className="num rounded bg-raised px-1 text-[11px] font-semibold text-gray-200" title={`${count} times while open`}>
                      ×{count}
                    </span>
                  ) : null}
                  <span className="num text-[11px] text-faint" title={`first ${fmtDateTime(a.createdAt)}${count > 1 ? `, last ${fmtDateTime(last)}` : ""}`}>
                    {count > 1 ? `${fmtTime(a.createdAt)} – ${fmtTime(last)}` : fmtTime(a.createdAt)}
                  </span>
                </div>
                <p className="mt-0.5 text-[12px] leading-snug break-words text-gray-200">{a.message}</p>
                {acked ? (
                  <p className="text-[11px] text-faint">
                    ack by {a.acknowledgedBy} at {fmtTime(a.acknowledgedAt)}
                  </p>
                ) : null}
              </div>
              {!acked ? (
                <Button
                  size="sm"
                  variant="default"
                  disabled={!canAck || ack.isPending}
                  title={canAck ? "Acknowledge" : "Operators only"}
                  onClick={() => ack.mutate(a.id)}
                >
                  Ack
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
