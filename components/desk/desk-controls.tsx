"use client";
// Desk-wide pause, resume and emergency close: each acts on every running strategy, so the operator types
// the word first (any case), and the answer lists what happened to each strategy.
import { useState } from "react";
import { DESK_CONFIRM, type DeskCommandReportDTO } from "@/lib/desk";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";

type Action = keyof typeof DESK_CONFIRM;
const paths: Record<Action, string> = { pause: "/api/desk/pause", resume: "/api/desk/resume", emergency_close: "/api/desk/emergency-close" };
const labels: Record<Action, string> = { pause: "Pause all", resume: "Resume all", emergency_close: "Emergency close all" };

export function DeskControls({ onDone }: { onDone: () => void }) {
  const [open, setOpen] = useState<Action | null>(null);
  const [typed, setTyped] = useState("");
  const [sending, setSending] = useState(false);
  const [report, setReport] = useState<DeskCommandReportDTO | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmed = open !== null && typed.trim().toUpperCase() === DESK_CONFIRM[open];

  const send = async () => {
    if (!open || !confirmed) return;
    setSending(true);
    setError(null);
    try {
      setReport(await api.post<DeskCommandReportDTO>(paths[open], { confirm: typed }));
      setOpen(null);
      setTyped("");
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="flex flex-col gap-2" data-testid="desk-controls">
      <div className="flex flex-wrap gap-2">
        {(Object.keys(labels) as Action[]).map((a) => (
          <Button key={a} variant={a === "emergency_close" ? "danger" : a === "pause" ? "warn" : "default"} onClick={() => (setOpen(a), setTyped(""), setError(null))} data-testid={`desk-${a}`}>
            {labels[a]}
          </Button>
        ))}
      </div>
      {open ? (
        <div className="flex flex-wrap items-center gap-2 rounded border border-edge-strong bg-raised p-2 text-[12px]" role="dialog" aria-label={labels[open]}>
          <span>
            {open === "emergency_close" ? "Flattens every strategy at market and pauses it." : open === "pause" ? "Every strategy stops quoting." : "Every strategy quotes again."} Type{" "}
            <b className="text-gray-100">{DESK_CONFIRM[open]}</b> (any case):
          </span>
          <input autoFocus className="h-7 w-32 rounded border border-edge-strong bg-panel px-2" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="desk-confirm" />
          <Button size="sm" variant={open === "emergency_close" ? "danger" : "primary"} disabled={!confirmed || sending} onClick={send} data-testid="desk-confirm-send">
            {sending ? "Sending…" : labels[open]}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setOpen(null)}>
            Cancel
          </Button>
        </div>
      ) : null}
      {error ? <p role="alert" className="text-red-300">{error}</p> : null}
      {report ? (
        <ul className="text-[12px]" data-testid="desk-report">
          {report.results.map((r) => (
            <li key={r.id} className={r.ok ? "text-muted" : "text-red-300"}>
              <b className="text-gray-200">{r.name}</b>: {r.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
