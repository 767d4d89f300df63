"use client";
import { useStatus } from "@/components/live/hooks";
import type { ConnectionState } from "@/components/live/socket";
import { PageNav, SignedIn } from "@/components/nav/page-nav";

const connectionLook: Record<ConnectionState, { dot: string; text: string; label: string }> = {
  live: { dot: "bg-emerald-400", text: "text-emerald-300", label: "live" },
  connecting: { dot: "bg-gray-400 animate-pulse", text: "text-muted", label: "connecting" },
  reconnecting: { dot: "bg-amber-400 animate-pulse", text: "rounded bg-amber-500/15 px-1.5 py-0.5 text-amber-300", label: "reconnecting: live updates paused" },
  offline: { dot: "bg-red-500", text: "rounded bg-red-500/15 px-1.5 py-0.5 text-red-300", label: "offline: live updates stopped" },
  unauthorized: { dot: "bg-red-500", text: "rounded bg-red-500/15 px-1.5 py-0.5 text-red-300", label: "signed out" },
};

export function Header({ connection }: { connection: ConnectionState }) {
  const status = useStatus((s) => ({ market: s.market, venue: s.venue, strategy: s.strategy })).data;
  const look = connectionLook[connection];

  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-edge bg-panel px-3 py-2">
      <div className="flex items-center gap-2">
        <span aria-hidden className="grid h-6 w-6 place-items-center rounded bg-sky-600 text-[12px] font-black text-white">
          S
        </span>
        <span className="text-[14px] font-bold tracking-tight text-gray-100">Skewdesk</span>
      </div>
      {status ? (
        <div className="num flex min-w-0 items-center gap-2 text-[12px] text-muted">
          <span className="font-semibold text-gray-200">{status.market}</span>
          <span className="text-faint">·</span>
          <span>{status.venue}</span>
          <span className="text-faint">·</span>
          <span className="truncate">{status.strategy}</span>
        </div>
      ) : null}
      <PageNav />
      <div data-testid="connection" data-state={connection} className={`flex items-center gap-1.5 text-[11px] ${look.text}`}>
        <span className={`h-2 w-2 rounded-full ${look.dot}`} />
        {look.label}
      </div>
      <SignedIn />
    </header>
  );
}
