"use client";
// Going back to the market's preset is its own action, never a side effect of an empty change (a change is a
// patch on the current version). First a preview: which parameters would change and the quotes the preset
// would give against the current book; then an explicit apply, recorded as a version like any other.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ParamVersionDTO, QuotePreviewDTO } from "@/lib/events";
import { api } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { mergeParams, type ParamsState } from "@/components/live/lists";
import { queryKeys } from "@/components/live/query-keys";
import { PreviewView } from "./preview-view";

const PRESET = { params: {}, base: "preset" as const };

function changes(current: Record<string, unknown>, next: Record<string, unknown> | undefined): Array<[string, unknown, unknown]> {
  if (!next) return [];
  return Object.keys(next)
    .filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]))
    .map((k) => [k, current[k], next[k]]);
}

const show = (v: unknown) => (v === null || v === undefined ? "—" : String(v));

export function PresetReset({ current }: { current: ParamVersionDTO }) {
  const qc = useQueryClient();
  const [preview, setPreview] = useState<QuotePreviewDTO | null>(null);
  const [error, setError] = useState<string | null>(null);
  const previewM = useMutation({
    mutationFn: () => api.post<QuotePreviewDTO>("/api/params/preview", PRESET),
    onSuccess: (p) => {
      setPreview(p);
      setError(null);
    },
    onError: (e) => setError(e instanceof Error ? e.message : String(e)),
  });
  const applyM = useMutation({
    mutationFn: () => api.post<ParamVersionDTO>("/api/params", { ...PRESET, reason: "reset to the market's preset" }),
    onSuccess: (v) => {
      qc.setQueryData<ParamsState>(queryKeys.params, (cur) => mergeParams(cur, v));
      void qc.invalidateQueries({ queryKey: queryKeys.status });
      setPreview(null);
    },
    onError: (e) => setError(e instanceof Error ? e.message : String(e)),
  });
  const diff = changes(current.params, preview?.params);

  return (
    <div className="mt-3 border-t border-edge pt-2" data-testid="preset-reset">
      <div className="flex items-center gap-2">
        <Button variant="ghost" data-testid="preset-preview" onClick={() => previewM.mutate()} disabled={previewM.isPending}>
          {previewM.isPending ? "Previewing…" : "Preview reset to the market's preset"}
        </Button>
        {preview ? (
          <>
            <Button variant="primary" data-testid="preset-apply" onClick={() => applyM.mutate()} disabled={applyM.isPending || diff.length === 0}>
              {applyM.isPending ? "Applying…" : diff.length ? `Apply reset (${diff.length} change${diff.length > 1 ? "s" : ""})` : "Already at the preset"}
            </Button>
            <Button variant="ghost" onClick={() => setPreview(null)}>
              Cancel
            </Button>
          </>
        ) : null}
      </div>
      {preview ? (
        <div className="mt-2 space-y-2">
          {diff.length ? (
            <ul className="num text-[12px] text-gray-300" data-testid="preset-changes">
              {diff.map(([k, from, to]) => (
                <li key={k}>
                  {k}: {show(from)} → <span className="text-sky-300">{show(to)}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <PreviewView preview={preview} />
        </div>
      ) : null}
      {error ? <p className="mt-1 text-[12px] text-red-400">{error}</p> : null}
    </div>
  );
}
