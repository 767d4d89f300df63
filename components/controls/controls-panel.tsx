"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { StatusDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { queryKeys } from "@/components/live/query-keys";
import { useConnection, useStatus } from "@/components/live/hooks";
import { EmergencyClose } from "./emergency-close";
import { NotifyBox } from "./notify-box";

// No Start button: the runner starts with the desk and nothing the dashboard does stops it (pause keeps it
// running without quotes), so a Start button could never be enabled.
type Action = "pause" | "resume" | "rearm" | "arm";

export function ControlsPanel({ isOperator }: { isOperator: boolean }) {
  const qc = useQueryClient();
  const s = useStatus((st) => ({ running: st.running, paused: st.paused, riskState: st.riskState, mode: st.mode, armed: st.armed })).data;
  // A command sent blind could act on a state the operator has not seen: wait for the live connection.
  const linked = useConnection() === "live";
  const control = useMutation({
    mutationFn: (action: Action) => api.post<StatusDTO>("/api/control", { action }),
    onSuccess: (s) => qc.setQueryData(queryKeys.status, s),
  });

  const can: Record<Action, boolean> = {
    pause: !!s && s.running && !s.paused,
    resume: !!s && s.running && s.paused && s.armed !== false,
    rearm: !!s && s.riskState !== "ACTIVE",
    arm: !!s && s.mode === "live" && !s.armed,
  };
  const unarmedLive = !!s && s.mode === "live" && !s.armed;
  const busy = control.isPending;
  const btn = (action: Action, label: string, title: string, variant: "default" | "primary" | "warn" = "default") => (
    <Button
      data-testid={`control-${action}`}
      variant={variant}
      disabled={!isOperator || !linked || !can[action] || busy}
      title={title}
      onClick={() => control.mutate(action)}
      className="flex-1"
    >
      {busy && control.variables === action ? "…" : label}
    </Button>
  );

  return (
    <Panel title="Controls" testId="controls">
      {!isOperator ? (
        <p data-testid="viewer-note" className="mb-2 rounded border border-edge bg-raised px-2 py-1.5 text-[12px] text-muted">
          Signed in as a viewer: controls, tuning and emergency close need the operator role.
        </p>
      ) : null}
      {!linked ? (
        <p data-testid="controls-offline" role="status" className="mb-2 rounded border border-red-500/50 bg-red-500/10 px-2 py-1.5 text-[12px] text-red-200">
          No live connection to the desk: its state is unknown, so the controls and emergency close are off until the connection is back.
        </p>
      ) : null}
      {unarmedLive ? (
        <div data-testid="arm-live" className="mb-2 rounded border border-red-500/60 bg-red-950/50 p-2 text-[12px] text-red-100">
          <p className="mb-1.5 font-semibold">Live trading is not armed: nothing is quoted until an operator arms it.</p>
          <p className="mb-2 text-red-200/80">Arming places real orders with real money on the venue. It is recorded in the audit trail under your name.</p>
          {btn("arm", "Arm live trading", "Start quoting with real money (audited)", "warn")}
        </div>
      ) : null}
      <div className="grid grid-cols-3 gap-1.5">
        {btn("pause", "Pause", "Pause: cancels all quotes")}
        {btn("resume", "Resume", "Resume quoting")}
        {btn("rearm", "Re-arm", "Re-arm from REDUCING or HALTED back to ACTIVE", "warn")}
      </div>
      {control.error ? (
        <p role="alert" className="mt-2 text-[12px] text-red-400">
          {(control.error as ApiError).message}
        </p>
      ) : null}
      <div className="mt-3 border-t border-edge pt-3">
        <EmergencyClose disabled={!isOperator || !linked} />
      </div>
      <NotifyBox isOperator={isOperator} />
    </Panel>
  );
}
