import type { Mode } from "@/lib/events";

/** Full-width, top of every screen: nobody should wonder whether real money is on the line. */
export function ModeBanner({ mode }: { mode: Mode | undefined }) {
  if (!mode)
    return <div data-testid="mode-banner" data-mode="unknown" className="h-7 border-b border-edge bg-raised" />;
  if (mode === "live")
    return (
      <div
        data-testid="mode-banner"
        data-mode="live"
        role="status"
        className="flex h-8 items-center justify-center gap-3 bg-red-600 text-[13px] font-extrabold tracking-[0.3em] text-white shadow-[0_2px_12px_rgba(220,38,38,0.45)] [background-image:repeating-linear-gradient(135deg,transparent_0_14px,rgba(0,0,0,0.12)_14px_28px)]"
      >
        <span className="h-2 w-2 animate-pulse rounded-full bg-white" />
        LIVE TRADING · REAL MONEY
        <span className="h-2 w-2 animate-pulse rounded-full bg-white" />
      </div>
    );
  return (
    <div
      data-testid="mode-banner"
      data-mode="paper"
      role="status"
      className="flex h-7 items-center justify-center gap-2 border-b border-sky-400/30 bg-sky-900/60 text-[12px] font-bold tracking-[0.3em] text-sky-100"
    >
      PAPER TRADING <span className="hidden font-normal tracking-normal text-sky-200/70 sm:inline">· simulated fills, no real money</span>
    </div>
  );
}
