"use client";
// Where critical alerts go (or that they go nowhere), the last delivery, and a test an operator sends to
// see that they arrive.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { NotifyDeliveryDTO, NotifyStatusDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { fmtTime } from "@/components/format/decimal";

export function NotifyBox({ isOperator }: { isOperator: boolean }) {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ["notify"], queryFn: () => api.get<NotifyStatusDTO>("/api/notify"), refetchInterval: 30_000 });
  const test = useMutation({
    mutationFn: () => api.post<NotifyDeliveryDTO>("/api/notify/test", {}),
    onSettled: () => void qc.invalidateQueries({ queryKey: ["notify"] }),
  });
  const s = status.data;
  if (!s) return null;
  const last = test.data ?? s.last;
  return (
    <div data-testid="notify" className="mt-3 border-t border-edge pt-2 text-[12px]">
      {s.configured ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-muted">
            Critical alerts go to <span className="num text-gray-200">{s.destination}</span> ({s.format})
          </span>
          <Button size="sm" className="ml-auto" data-testid="notify-test" disabled={!isOperator || test.isPending} title={isOperator ? "Send a test message to the webhook" : "Operators only"} onClick={() => test.mutate()}>
            {test.isPending ? "Sending…" : "Send test"}
          </Button>
        </div>
      ) : (
        <p data-testid="notify-off" className="text-faint">
          Notifications off: set SKEWDESK_NOTIFY_URL (a Slack, Discord or Telegram webhook) to get critical alerts on a phone.
        </p>
      )}
      {last ? (
        <p data-testid="notify-last" data-ok={last.ok} className={`mt-1 text-[11px] ${last.ok ? "text-emerald-400" : "text-red-400"}`}>
          {last.ok ? `Delivered at ${fmtTime(last.at)}` : `Not delivered at ${fmtTime(last.at)} after ${last.attempts} attempt${last.attempts > 1 ? "s" : ""}: ${last.error}`}
        </p>
      ) : null}
      {test.error ? <p className="mt-1 text-[11px] text-red-400">{(test.error as ApiError).message}</p> : null}
    </div>
  );
}
