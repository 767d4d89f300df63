import type { ReactNode } from "react";

type Tone = "green" | "amber" | "red" | "sky" | "gray" | "violet";

const tones: Record<Tone, string> = {
  green: "bg-emerald-500/15 text-emerald-300 ring-emerald-500/40",
  amber: "bg-amber-500/15 text-amber-300 ring-amber-500/40",
  red: "bg-red-500/20 text-red-300 ring-red-500/50",
  sky: "bg-sky-500/15 text-sky-300 ring-sky-500/40",
  gray: "bg-gray-500/15 text-gray-300 ring-gray-500/30",
  violet: "bg-violet-500/15 text-violet-300 ring-violet-500/40",
};

export function Badge({ tone = "gray", children, className = "", testId }: { tone?: Tone; children: ReactNode; className?: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px] font-semibold tracking-wide uppercase ring-1 ring-inset ${tones[tone]} ${className}`}
    >
      {children}
    </span>
  );
}
