"use client";
// The time range the charts show and the performance figures cover: one of the live windows (the last
// minute … everything) or a fixed range the operator picks. One choice for both, so the figures always
// describe what the charts show.
import { createContext, useContext, useState, type ReactNode } from "react";

export const WINDOWS = [
  { label: "1m", ms: 60_000 },
  { label: "5m", ms: 300_000 },
  { label: "15m", ms: 900_000 },
  { label: "1h", ms: 3_600_000 },
  { label: "all", ms: Number.POSITIVE_INFINITY },
] as const;

export type ChartRange = { kind: "window"; ms: number; label: string } | { kind: "custom"; from: number; to: number };

const DEFAULT: ChartRange = { kind: "window", ms: WINDOWS[1].ms, label: WINDOWS[1].label };
const RangeContext = createContext<[ChartRange, (r: ChartRange) => void] | null>(null);

export function RangeProvider({ children }: { children: ReactNode }) {
  const state = useState<ChartRange>(DEFAULT);
  return <RangeContext.Provider value={state}>{children}</RangeContext.Provider>;
}

export function useRange(): [ChartRange, (r: ChartRange) => void] {
  const ctx = useContext(RangeContext);
  if (!ctx) throw new Error("useRange must be used inside <RangeProvider>");
  return ctx;
}

/** [from, to) in ms for a range at `now`: a live window ends now; "all" starts at 0. */
export function rangeBounds(r: ChartRange, now: number): { from: number; to: number } {
  if (r.kind === "custom") return { from: r.from, to: r.to };
  return { from: Number.isFinite(r.ms) ? Math.max(0, Math.floor(now - r.ms)) : 0, to: now };
}

/** A datetime-local field's value (local time, minutes) for ms, and back; null when not a valid date. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(v: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return null;
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The operator's range, checked: a message in their words when it cannot be shown. */
export function checkCustomRange(fromText: string, toText: string, now: number): { from: number; to: number } | { error: string } {
  const from = fromLocalInput(fromText);
  const to = fromLocalInput(toText);
  if (from === null) return { error: "Give the start as a date and time" };
  if (to === null) return { error: "Give the end as a date and time" };
  if (from >= to) return { error: "The start must be before the end" };
  if (from > now) return { error: "The start is in the future: nothing recorded there yet" };
  return { from, to: Math.min(to, now) };
}
