"use client";
// The desk's books parted from the venue's: the desk is HALTED, and this says so above everything else,
// with both figures. An operator resolves it here, with a reason that goes into the audit trail: adopt the
// venue's position (booked as an adjustment at the mark), or adopt it and flatten to target.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { ReconciliationDTO, StatusDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { useStatus } from "@/components/live/hooks";
import { queryKeys } from "@/components/live/query-keys";

export function ReconciliationBanner({ isOperator }: { isOperator: boolean }) {
  const rec = useStatus((s) => s.reconciliation ?? null).data ?? null;
  if (!rec || rec.state !== "mismatch") return null;
  return <MismatchBanner rec={rec} isOperator={isOperator} />;
}

function MismatchBanner({ rec, isOperator }: { rec: ReconciliationDTO; isOperator: boolean }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<"adopt" | "flatten" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function resolve(action: "adopt" | "flatten") {
    setBusy(action);
    setError(null);
    try {
      const status = await api.post<StatusDTO>("/api/reconciliation/resolve", { action, reason });
      qc.setQueryData(queryKeys.status, status);
      setReason("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  const detected = rec.detectedAt ? new Date(rec.detectedAt).toLocaleTimeString() : "—";
  return (
    <section role="alert" aria-label="reconciliation mismatch" className="border-y-2 border-red-500 bg-red-950/80 px-3 py-2 text-red-100">
      <p className="font-semibold">
        HALTED: the desk&apos;s books differ from the venue&apos;s (since {detected})
      </p>
      <p className="text-sm">
        desk inventory <span className="font-mono">{rec.deskInventory}</span> · venue position <span className="font-mono">{rec.venuePosition ?? "—"}</span> · difference{" "}
        <span className="font-mono">{rec.difference ?? "—"}</span> (tolerance {rec.tolerance}). Quotes are cancelled; nothing trades until an operator resolves it.
      </p>
      {isOperator ? (
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
          <input
            aria-label="reason"
            className="min-w-64 flex-1 rounded border border-red-400/50 bg-black/40 px-2 py-1"
            placeholder="Why (goes into the audit trail), e.g. fills missed during the outage"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            className="rounded bg-amber-600 px-3 py-1 font-medium text-black disabled:opacity-50"
            disabled={busy !== null || reason.trim().length < 3}
            title={reason.trim().length < 3 ? "Say why first (at least 3 characters)" : undefined}
            onClick={() => resolve("adopt")}
          >
            {busy === "adopt" ? "Adopting…" : "Adopt venue position"}
          </button>
          <button
            type="button"
            className="rounded bg-red-600 px-3 py-1 font-medium text-white disabled:opacity-50"
            disabled={busy !== null || reason.trim().length < 3}
            title={reason.trim().length < 3 ? "Say why first (at least 3 characters)" : undefined}
            onClick={() => resolve("flatten")}
          >
            {busy === "flatten" ? "Flattening…" : "Adopt and flatten"}
          </button>
          <span className="text-xs text-red-200/80">Then re-arm from the controls to trade again.</span>
        </div>
      ) : (
        <p className="mt-1 text-xs text-red-200/80">An operator must resolve it.</p>
      )}
      {error ? <p className="mt-1 text-sm text-red-300">{error}</p> : null}
    </section>
  );
}
