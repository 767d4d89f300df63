"use client";
// "Apply to strategy": a lab result's parameter set goes through the same preview → new version flow as
// a change made on the tuning panel (the same routes, the same validation, the same audit entry), on the
// strategy the operator picks. Nothing changes until the operator confirms after seeing the preview.
import { useEffect, useState } from "react";
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ParamVersionDTO, QuoteDecisionDTO, QuotePreviewDTO } from "@/lib/events";
import type { DeskOverviewDTO } from "@/lib/desk";
import type { LabRunDTO, LabSetResult } from "@/lib/lab/types";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { fmtExact } from "@/components/format/decimal";
import { labApplyRequest } from "@/lib/lab/apply";
import { describeMarket, paramsText } from "./lab-data";

/** Where a strategy's parameter routes live: the desk's default strategy answers without the prefix too. */
const paramsPath = (strategyId: string, rest: "" | "/preview") => `/api/s/${encodeURIComponent(strategyId)}/params${rest}`;

function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.fields ? `${e.message}: ${Object.entries(e.fields).map(([k, v]) => `${k} ${v}`).join("; ")}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

function quoteText(q: { price: string; size: string } | null, quote: string): string {
  return q ? `${fmtExact(q.price)} ${quote} × ${fmtExact(q.size)}` : "no quote";
}

export function ApplyButton({ run, set, canApply }: { run: LabRunDTO; set: LabSetResult; canApply: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" data-testid="lab-apply" disabled={!canApply} title={canApply ? "Preview this parameter set on a strategy, then apply it as a new version" : "Only an operator applies parameters"} onClick={() => setOpen(true)}>
        Apply…
      </Button>
      {open ? <ApplyDialog run={run} set={set} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ApplyDialog({ run, set, onClose }: { run: LabRunDTO; set: LabSetResult; onClose: () => void }) {
  const desk = useQuery({ queryKey: ["lab-apply-desk"], queryFn: () => api.get<DeskOverviewDTO>("/api/desk"), staleTime: 5_000 });
  const strategies = (desk.data?.strategies ?? []).filter((s) => s.lifecycle !== "archived");
  const [pickedTarget, setTarget] = useState<string | null>(null);
  // The operator's pick, or the first strategy listed.
  const target = pickedTarget ?? strategies[0]?.id ?? "";
  const chosen = strategies.find((s) => s.id === target) ?? null;
  // The set is a patch on the strategy's parameters in force; the reason names the run and its figures.
  const [request] = useState(() => labApplyRequest(run, set));
  const [reason, setReason] = useState(request.reason);

  const preview = useMutation({ mutationFn: (id: string) => api.post<QuotePreviewDTO>(paramsPath(id, "/preview"), { params: request.params }) });
  const apply = useMutation({ mutationFn: (id: string) => api.post<ParamVersionDTO>(paramsPath(id, ""), { params: request.params, reason }) });
  const { mutate: runPreview, reset: resetPreview } = preview;
  // A new target is a new preview: the old one was priced on another strategy's book.
  useEffect(() => {
    resetPreview();
    if (target) runPreview(target);
  }, [target, runPreview, resetPreview]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !apply.isPending && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, apply.isPending]);

  const p = preview.data;
  const quote = chosen?.quote ?? "";
  const row = (label: string, pick: (d: QuoteDecisionDTO) => { price: string; size: string } | null) => (
    <tr className="border-t border-edge/60">
      <th className="px-2 py-1 text-left text-[10px] font-semibold tracking-wider text-faint uppercase">{label}</th>
      <td className="num px-2 py-1">{p?.current ? quoteText(pick(p.current), quote) : "—"}</td>
      <td className="num px-2 py-1 font-semibold text-sky-200">{p ? quoteText(pick(p), quote) : "—"}</td>
    </tr>
  );

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-auto bg-black/75 p-3 pt-[8vh] text-left font-normal" onMouseDown={(e) => e.target === e.currentTarget && !apply.isPending && onClose()}>
      <div role="dialog" aria-modal="true" aria-labelledby="lab-apply-title" data-testid="lab-apply-dialog" className="w-full max-w-lg space-y-3 rounded-md border border-sky-600/60 bg-panel p-4 shadow-2xl">
        <h2 id="lab-apply-title" className="text-sm font-bold text-gray-100">
          Apply a lab result to a strategy
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-[12px]">
          <dt className="text-faint">Parameters</dt>
          <dd className="text-gray-100" data-testid="lab-apply-params">
            {paramsText(set.params)}
          </dd>
          <dt className="text-faint">Found on</dt>
          <dd className="text-muted">{describeMarket(run)}</dd>
        </dl>
        {apply.data ? (
          <div data-testid="lab-apply-done" className="space-y-2 rounded border border-emerald-600/50 bg-emerald-500/10 p-2 text-[12px] text-emerald-200">
            <p>
              Version <span data-testid="lab-apply-version">v{apply.data.version}</span> is in force on {chosen?.name ?? "the strategy"}.
            </p>
            <div className="flex gap-2">
              {chosen ? (
                <Link href={`/s/${encodeURIComponent(chosen.id)}`} className="text-sky-300 underline">
                  Open the strategy
                </Link>
              ) : null}
              <Button size="sm" data-testid="lab-apply-close" onClick={onClose}>
                Close
              </Button>
            </div>
          </div>
        ) : (
          <>
            <label className="block text-[12px] text-muted">
              Strategy
              <select data-testid="lab-apply-target" value={target} onChange={(e) => setTarget(e.target.value)} className="mt-1 block w-full rounded border border-edge-strong bg-raised px-2 py-1 text-gray-100">
                {strategies.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} · {s.symbol} on {s.venue}
                    {s.lifecycle !== "running" ? ` (${s.lifecycle})` : ""}
                  </option>
                ))}
              </select>
            </label>
            {desk.error ? <p className="text-[12px] text-red-300">Could not list the desk&apos;s strategies: {errorText(desk.error)}</p> : null}
            {!desk.isPending && !desk.error && !strategies.length ? <p className="text-[12px] text-amber-300">The desk has no strategy to apply it to.</p> : null}
            <div data-testid="lab-apply-preview" data-state={preview.isPending ? "loading" : preview.error ? "error" : p ? "ready" : "idle"} className="rounded border border-edge p-2">
              <p className="mb-1 text-[11px] text-muted">Preview: the parameters in force and this set, priced on the strategy&apos;s current book and inventory.</p>
              {preview.error ? (
                <p className="text-[12px] text-red-300" data-testid="lab-apply-error">
                  {errorText(preview.error)}
                </p>
              ) : (
                <table className="w-full text-[12px]">
                  <thead>
                    <tr className="text-[10px] text-faint uppercase">
                      <th />
                      <th className="px-2 py-1 text-left">Now{p?.currentVersion ? ` (v${p.currentVersion})` : ""}</th>
                      <th className="px-2 py-1 text-left">With this set</th>
                    </tr>
                  </thead>
                  <tbody>
                    {row("Bid", (d) => d.bid)}
                    {row("Ask", (d) => d.ask)}
                  </tbody>
                </table>
              )}
            </div>
            <label className="block text-[12px] text-muted">
              Reason (kept with the version)
              <input data-testid="lab-apply-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} className="mt-1 block w-full rounded border border-edge-strong bg-raised px-2 py-1 text-gray-100" />
            </label>
            {apply.error ? (
              <p className="text-[12px] text-red-300" data-testid="lab-apply-error">
                Not applied: {errorText(apply.error)}
              </p>
            ) : null}
            <div className="flex justify-end gap-2">
              <Button size="sm" variant="ghost" onClick={onClose} disabled={apply.isPending}>
                Cancel
              </Button>
              <Button size="sm" variant="primary" data-testid="lab-apply-confirm" disabled={!p || !target || !reason.trim() || apply.isPending} onClick={() => apply.mutate(target)}>
                {apply.isPending ? "Applying…" : "Apply as a new version"}
              </Button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
