"use client";
// Apply a lab result to the strategy through the normal flow: the set's parameters are previewed against the
// live book (the quotes they would give next to today's), then applied as a new parameter version with a
// reason that names the run. The strategy's limits and the market's bounds are checked by the server, whose
// refusal is shown as it is.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ParamVersionDTO, QuotePreviewDTO } from "@/lib/events";
import type { LabRunDTO, LabSetResult } from "@/lib/lab/types";
import { labApplyRequest } from "@/lib/lab/apply";
import { api, ApiError } from "@/components/api/client";
import { PreviewView } from "@/components/tuning/preview-view";
import { paramsText } from "./lab-data";

const errText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export function LabApply({ run, set, onClose }: { run: LabRunDTO; set: LabSetResult; onClose: () => void }) {
  const qc = useQueryClient();
  const req = labApplyRequest(run, set);
  const [reason, setReason] = useState(req.reason);
  const [preview, setPreview] = useState<QuotePreviewDTO | null>(null);
  const [applied, setApplied] = useState<ParamVersionDTO | null>(null);
  const previewM = useMutation({
    mutationFn: () => api.post<QuotePreviewDTO>("/api/params/preview", { params: req.params }),
    onSuccess: (p) => setPreview(p),
  });
  const applyM = useMutation({
    mutationFn: () => api.post<ParamVersionDTO>("/api/params", { params: req.params, reason }),
    onSuccess: (v) => {
      setApplied(v);
      void qc.invalidateQueries();
    },
  });
  const error = previewM.error ?? applyM.error;
  return (
    <div className="space-y-2 rounded border border-sky-500/40 bg-sky-500/5 p-2 text-[12px]" data-testid="lab-apply">
      <div className="flex items-center justify-between gap-2">
        <span>
          Apply set {set.index + 1} to the strategy: <span className="num text-gray-100">{paramsText(set.params)}</span>{" "}
          <span className="text-faint">(the other parameters keep their current values)</span>
        </span>
        <button className="text-muted hover:text-gray-100" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {applied ? (
        <p className="text-emerald-300" data-testid="lab-apply-done">
          Applied as parameter version {applied.version}.
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-2">
            <button className="rounded border border-edge px-2 py-0.5 hover:bg-raised" data-testid="lab-apply-preview" onClick={() => previewM.mutate()} disabled={previewM.isPending}>
              {previewM.isPending ? "Previewing…" : "Preview quotes"}
            </button>
            <input
              className="min-w-[18rem] flex-1 rounded border border-edge bg-transparent px-2 py-0.5"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              aria-label="Reason for the change"
              data-testid="lab-apply-reason"
            />
            <button
              className="rounded border border-sky-500/60 px-2 py-0.5 text-sky-200 hover:bg-sky-500/10 disabled:opacity-50"
              data-testid="lab-apply-confirm"
              onClick={() => applyM.mutate()}
              disabled={!preview || applyM.isPending || !reason.trim()}
              title={preview ? undefined : "Preview first"}
            >
              {applyM.isPending ? "Applying…" : "Apply as a new version"}
            </button>
          </div>
          {preview ? <PreviewView preview={preview} /> : null}
        </>
      )}
      {error ? (
        <p className="text-red-300" data-testid="lab-apply-error">
          {errText(error)}
        </p>
      ) : null}
    </div>
  );
}
