"use client";
// The one button that sends a market order on purpose. The dialog states exactly what will happen, from
// the server's own preview, and asks the operator to type a word before the request can be sent.
import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { EmergencyLegPreviewDTO, EmergencyOutcomeDTO, EmergencyPreviewDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { fmtExact } from "@/components/format/decimal";
import { queryKeys } from "@/components/live/query-keys";
import { useUnits } from "@/components/live/hooks";
import { CONFIRM_HINT, CONFIRM_WORD, confirmsClose } from "./confirm-word";

export function EmergencyClose({ disabled }: { disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [last, setLast] = useState<EmergencyOutcomeDTO | null>(null);
  return (
    <>
      <button
        type="button"
        data-testid="emergency-open"
        disabled={disabled}
        onClick={() => setOpen(true)}
        className="group flex h-11 w-full items-center justify-center gap-2 rounded border-2 border-red-500 bg-red-700 text-[13px] font-extrabold tracking-[0.14em] text-white uppercase shadow-[0_0_18px_rgba(239,68,68,0.25)] transition-colors hover:bg-red-600 focus-visible:ring-2 focus-visible:ring-red-300 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-40"
      >
        <span aria-hidden className="text-base">⚠</span> Emergency close
      </button>
      <p className="mt-1 text-center text-[11px] text-faint">Market order to target inventory, cancel all quotes, pause.</p>
      {last && !open ? <OutcomeCard outcome={last} compact /> : null}
      {open ? (
        <EmergencyDialog
          onClose={() => setOpen(false)}
          onDone={(o) => {
            setLast(o);
          }}
        />
      ) : null}
    </>
  );
}

type LegView = EmergencyLegPreviewDTO & { symbol: string | null };

const isFlat = (leg: EmergencyLegPreviewDTO) => leg.side === null || /^[-+]?0*(\.0*)?$/.test(leg.amount);

/** What the close would trade on one market (a pair shows one per leg, named). */
function LegPreview({ leg }: { leg: LegView }) {
  const u = useUnits();
  return (
    <div data-testid="emergency-leg" data-symbol={leg.symbol ?? ""} data-amount={isFlat(leg) ? "0" : leg.amount} data-side={leg.side ?? ""}>
      {leg.symbol ? <p className="text-[11px] font-bold tracking-wider text-red-300 uppercase">{leg.symbol}</p> : null}
      {isFlat(leg) ? (
        <p data-testid="emergency-nothing" className="font-semibold text-gray-100">
          Nothing to flatten: inventory {fmtExact(leg.inventory)} {u.base} already sits at target {fmtExact(leg.targetInventory)} {u.base}.
        </p>
      ) : (
        <p className="text-gray-100">
          <span className={`font-bold ${leg.side === "buy" ? "text-emerald-400" : "text-red-400"}`} data-testid="emergency-side">
            {leg.side?.toUpperCase()}
          </span>{" "}
          <span className="num font-bold" data-testid="emergency-amount">
            {fmtExact(leg.amount)}
          </span>{" "}
          <span className="font-bold">{u.base}</span> at market, estimated price{" "}
          <span className="num font-bold" data-testid="emergency-price">
            {leg.estimatedPrice === null ? "unknown (empty book)" : fmtExact(leg.estimatedPrice)}
          </span>
          {leg.estimatedPrice === null ? null : <span className="font-bold"> {u.quote}</span>}
        </p>
      )}
      <p className="num mt-1 text-[12px] text-muted">
        inventory {fmtExact(leg.inventory)} → target {fmtExact(leg.targetInventory)} {u.base}
      </p>
    </div>
  );
}

function EmergencyDialog({ onClose, onDone }: { onClose: () => void; onDone: (o: EmergencyOutcomeDTO) => void }) {
  const qc = useQueryClient();
  const [typed, setTyped] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const preview = useQuery({
    queryKey: ["emergency-preview"],
    queryFn: () => api.get<EmergencyPreviewDTO>("/api/emergency-close/preview"),
    refetchInterval: 1000,
    staleTime: 0,
    gcTime: 0,
  });
  const close = useMutation({
    mutationFn: () => api.post<EmergencyOutcomeDTO>("/api/emergency-close", { confirm: true }),
    onSuccess: (o) => {
      onDone(o);
      for (const key of [queryKeys.status, queryKeys.orders, queryKeys.fills, queryKeys.alerts]) void qc.invalidateQueries({ queryKey: key });
    },
  });

  useEffect(() => {
    inputRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !close.isPending) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, close.isPending]);

  const p = preview.data;
  const legs: LegView[] = p ? [{ ...p, symbol: p.symbol ?? null }, ...(p.otherLegs ?? [])] : [];
  const nothing = !!p && legs.every(isFlat);
  const armed = confirmsClose(typed) && !!p && !close.isPending && !close.data;

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-auto bg-black/75 p-3 pt-[8vh]" onMouseDown={(e) => e.target === e.currentTarget && !close.isPending && onClose()}>
      <div role="dialog" aria-modal="true" aria-labelledby="ec-title" data-testid="emergency-dialog" className="w-full max-w-md rounded-md border-2 border-red-600 bg-[#140c0e] shadow-2xl">
        <div className="flex items-center gap-2 border-b border-red-900 bg-red-700 px-4 py-2.5">
          <span aria-hidden className="text-lg">⚠</span>
          <h2 id="ec-title" className="text-sm font-extrabold tracking-[0.12em] text-white uppercase">
            Emergency close
          </h2>
        </div>

        {close.data ? (
          <div className="p-4">
            <OutcomeCard outcome={close.data} />
            <div className="mt-4 flex justify-end">
              <Button data-testid="emergency-done" onClick={onClose}>
                Close
              </Button>
            </div>
          </div>
        ) : (
          <div className="space-y-3 p-4 text-[13px]">
            {preview.isPending ? <p className="text-muted">Reading inventory and book…</p> : null}
            {preview.error ? <p className="text-red-400">Preview failed: {(preview.error as ApiError).message}</p> : null}
            {p ? (
              <div data-testid="emergency-preview" className="space-y-2 rounded border border-red-900/80 bg-black/30 p-3">
                {legs.map((leg) => (
                  <LegPreview key={leg.symbol ?? "only"} leg={leg} />
                ))}
              </div>
            ) : null}
            <ul className="list-disc space-y-0.5 pl-5 text-[12px] text-gray-300">
              {!nothing ? <li>sends a market order for {legs.length > 1 ? "each amount" : "the amount"} above; the price is not guaranteed</li> : null}
              <li>cancels every open quote</li>
              <li>pauses the strategy (resume by hand)</li>
              <li>raises a critical alert</li>
            </ul>
            <label className="block text-[12px] text-gray-300">
              Type <span className="num rounded bg-red-950 px-1 font-bold text-red-300">{CONFIRM_WORD}</span> ({CONFIRM_HINT}) to confirm
              <input
                ref={inputRef}
                data-testid="emergency-confirm-input"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                onKeyDown={(e) => e.key === "Enter" && armed && close.mutate()}
                autoComplete="off"
                spellCheck={false}
                className="num mt-1 block h-9 w-full rounded border border-red-800 bg-black/40 px-2 text-[14px] tracking-widest text-white uppercase outline-none focus:border-red-500"
              />
            </label>
            {close.error ? (
              <p role="alert" className="text-[12px] text-red-400">
                {(close.error as ApiError).message}
              </p>
            ) : null}
            <div className="flex items-center justify-end gap-2 pt-1">
              <Button variant="ghost" onClick={onClose} disabled={close.isPending}>
                Cancel
              </Button>
              <Button data-testid="emergency-confirm" variant="danger" size="lg" disabled={!armed} onClick={() => close.mutate()}>
                {close.isPending ? "Closing…" : nothing ? "Cancel quotes & pause" : `Flatten now`}
              </Button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function OutcomeCard({ outcome, compact = false }: { outcome: EmergencyOutcomeDTO; compact?: boolean }) {
  const u = useUnits();
  const row = (k: string, v: string, testId: string, unit?: string) => (
    <div className="flex justify-between gap-3">
      <dt className="text-muted">{k}</dt>
      <dd className="num font-semibold text-gray-100">
        <span data-testid={testId}>{v}</span>
        {unit ? <span className="ml-1 font-normal text-muted">{unit}</span> : null}
      </dd>
    </div>
  );
  return (
    <div data-testid="emergency-outcome" className={`rounded border border-edge-strong bg-raised/60 ${compact ? "mt-2 p-2 text-[11px]" : "p-3 text-[13px]"}`}>
      <p className="mb-1.5 font-semibold text-gray-100">{outcome.message}</p>
      <dl className="space-y-0.5">
        {row("Filled", fmtExact(outcome.filled), "outcome-filled", u.base)}
        {row("Average price", outcome.averagePrice === null ? "—" : fmtExact(outcome.averagePrice), "outcome-price", outcome.averagePrice === null ? undefined : u.quote)}
        {row("Inventory after", fmtExact(outcome.inventoryAfter), "outcome-inventory", u.base)}
        {row("Cancelled orders", String(outcome.cancelledOrders), "outcome-cancelled")}
        {row("Strategy", outcome.paused ? "PAUSED" : "running", "outcome-paused")}
      </dl>
    </div>
  );
}
