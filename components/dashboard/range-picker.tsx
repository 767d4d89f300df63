"use client";
// The charts' range: the live windows as before (1m … all), and "range…" to pick a start and end.
import { useState } from "react";
import { fmtDateTime } from "@/components/format/decimal";
import { Button } from "@/components/ui/button";
import { checkCustomRange, toLocalInput, useRange, WINDOWS } from "./range";

export function RangePicker() {
  const [range, setRange] = useRange();
  const [open, setOpen] = useState(false);
  const [fromText, setFromText] = useState("");
  const [toText, setToText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const btn = "num h-6 px-2 text-[11px]";
  const on = "bg-sky-600 text-white";
  const off = "bg-raised text-muted hover:text-gray-100";

  const openPicker = () => {
    const now = Date.now();
    setFromText(range.kind === "custom" ? toLocalInput(range.from) : toLocalInput(now - 3_600_000));
    setToText(range.kind === "custom" ? toLocalInput(range.to) : toLocalInput(now));
    setError(null);
    setOpen(!open);
  };
  const apply = () => {
    const r = checkCustomRange(fromText, toText, Date.now());
    if ("error" in r) return setError(r.error);
    setRange({ kind: "custom", ...r });
    setOpen(false);
  };

  return (
    <div className="relative flex items-center gap-1.5">
      <div role="group" aria-label="Time window" className="flex overflow-hidden rounded border border-edge-strong">
        {WINDOWS.map((w, i) => {
          const active = range.kind === "window" && range.ms === w.ms;
          return (
            <button
              key={w.label}
              type="button"
              data-testid={`window-${w.label}`}
              aria-pressed={active}
              onClick={() => setRange({ kind: "window", ms: w.ms, label: w.label })}
              className={`${btn} ${active ? on : off} ${i ? "border-l border-edge-strong" : ""}`}
            >
              {w.label}
            </button>
          );
        })}
        <button
          type="button"
          data-testid="window-custom"
          aria-pressed={range.kind === "custom"}
          aria-expanded={open}
          onClick={openPicker}
          title={range.kind === "custom" ? `${fmtDateTime(range.from)} – ${fmtDateTime(range.to)}` : "Pick a start and end"}
          className={`${btn} border-l border-edge-strong ${range.kind === "custom" ? on : off}`}
        >
          {range.kind === "custom" ? "range ✓" : "range…"}
        </button>
      </div>
      {open ? (
        <div data-testid="range-form" className="absolute top-7 right-0 z-30 w-72 rounded border border-edge-strong bg-panel p-2 shadow-xl">
          <label className="block text-[11px] text-muted">
            From
            <input
              type="datetime-local"
              data-testid="range-from"
              value={fromText}
              onChange={(e) => setFromText(e.target.value)}
              className="num mt-0.5 block h-7 w-full rounded border border-edge-strong bg-[#0b1016] px-1.5 text-[12px] text-gray-100 [color-scheme:dark]"
            />
          </label>
          <label className="mt-1.5 block text-[11px] text-muted">
            To
            <input
              type="datetime-local"
              data-testid="range-to"
              value={toText}
              onChange={(e) => setToText(e.target.value)}
              className="num mt-0.5 block h-7 w-full rounded border border-edge-strong bg-[#0b1016] px-1.5 text-[12px] text-gray-100 [color-scheme:dark]"
            />
          </label>
          {error ? (
            <p data-testid="range-error" role="alert" className="mt-1 text-[11px] text-red-400">
              {error}
            </p>
          ) : null}
          <div className="mt-2 flex justify-end gap-1.5">
            <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button size="sm" variant="primary" data-testid="range-apply" onClick={apply}>
              Show
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
