"use client";
// The activity log: every audited action (sign-ins, pause, resume, re-arm, parameter changes, emergency
// closes, acknowledgements), newest first, with who, when and what it changed; filtered by kind and by
// who; older entries on demand. Viewers read it as operators do.
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { AUDIT_KINDS } from "@/lib/api-requests";
import type { AuditDTO, AuditPageDTO } from "@/lib/events";
import { api } from "@/components/api/client";
import { Panel } from "@/components/ui/panel";
import { Button } from "@/components/ui/button";
import { fmtDateTime } from "@/components/format/decimal";
import { changes, describeAction } from "./describe";

type Kind = (typeof AUDIT_KINDS)[number] | "all";
const KIND_LABELS: Record<Kind, string> = {
  all: "Everything",
  auth: "Sign-ins",
  control: "Pause / resume / re-arm",
  params: "Parameter changes",
  emergency: "Emergency closes",
  alert: "Acknowledgements",
  reconciliation: "Reconciliation",
  notify: "Notification tests",
  pair: "Merges (YES/NO pair)",
};
const PAGE = 50;

function Entry({ e }: { e: AuditDTO }) {
  const [open, setOpen] = useState(false);
  const diff = changes(e);
  return (
    <li data-testid="activity-entry" data-action={e.action} className="border-b border-edge/60 px-3 py-2">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
        <span className="num text-[11px] text-faint">{fmtDateTime(e.at)}</span>
        <span className="font-semibold text-gray-100">{e.actor}</span>
        <span className={e.action.startsWith("emergency") ? "font-semibold text-red-300" : "text-gray-200"}>{describeAction(e.action)}</span>
        {e.target && e.target !== "runner" ? <span className="num text-[11px] text-muted">{e.target}</span> : null}
        {e.ip ? <span className="num ml-auto text-[10px] text-faint">from {e.ip}</span> : null}
      </div>
      {diff.length ? (
        <ul className="mt-1 flex flex-wrap gap-1">
          {diff.slice(0, 8).map((d) => (
            <li key={d.path} className="num rounded bg-raised px-1.5 py-0.5 text-[11px]">
              <span className="text-muted">{d.path}</span> <span className="text-red-300/90 line-through decoration-red-400/40">{d.before}</span>
              <span className="text-faint"> → </span>
              <span className="text-emerald-300">{d.after}</span>
            </li>
          ))}
          {diff.length > 8 ? <li className="text-[11px] text-faint">+{diff.length - 8} more</li> : null}
        </ul>
      ) : null}
      {e.before !== null || e.after !== null ? (
        <button type="button" className="mt-1 text-[11px] text-sky-300 hover:text-sky-200" onClick={() => setOpen(!open)}>
          {open ? "hide" : "before / after"}
        </button>
      ) : null}
      {open ? (
        <div className="mt-1 grid grid-cols-1 gap-2 md:grid-cols-2">
          {(["before", "after"] as const).map((k) => (
            <pre key={k} className="num max-h-48 overflow-auto rounded border border-edge bg-[#0b1016] p-2 text-[11px] text-gray-300">
              <span className="text-faint">{k}: </span>
              {JSON.stringify(e[k], null, 2)}
            </pre>
          ))}
        </div>
      ) : null}
    </li>
  );
}

export function ActivityLog() {
  const [kind, setKind] = useState<Kind>("all");
  const [actor, setActor] = useState("");
  const who = actor.trim();
  const log = useInfiniteQuery({
    queryKey: ["audit", kind, who],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (kind !== "all") q.set("kind", kind);
      if (who) q.set("actor", who);
      if (pageParam) q.set("before", pageParam);
      return api.get<AuditPageDTO>(`/api/audit?${q}`);
    },
    getNextPageParam: (last) => last.next,
    // New actions appear without a reload; older pages stay as loaded.
    refetchInterval: 10_000,
  });
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];
  return (
    <Panel
      title="Activity log"
      testId="activity"
      bodyClassName="p-0"
      actions={
        <div className="flex flex-wrap items-center gap-1.5">
          <select
            data-testid="activity-kind"
            aria-label="Kind of action"
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
            className="h-7 rounded border border-edge-strong bg-raised px-1 text-[12px] text-gray-200"
          >
            {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
          <input
            data-testid="activity-actor"
            aria-label="Who"
            placeholder="who (user name)"
            value={actor}
            maxLength={64}
            onChange={(e) => setActor(e.target.value)}
            className="h-7 w-36 rounded border border-edge-strong bg-[#0b1016] px-2 text-[12px] text-gray-100 placeholder:text-faint"
          />
        </div>
      }
    >
      {log.error ? <p className="px-3 py-2 text-[12px] text-red-400">Activity unavailable: {log.error.message}</p> : null}
      <ol>
        {rows.map((e) => (
          <Entry key={e.id} e={e} />
        ))}
        {!log.isPending && rows.length === 0 ? <li className="px-3 py-6 text-center text-faint">Nothing recorded{kind !== "all" || who ? " for this filter" : ""}.</li> : null}
      </ol>
      <div className="flex items-center justify-between border-t border-edge px-3 py-1.5 text-[11px] text-faint">
        <span data-testid="activity-shown">{rows.length} shown</span>
        {log.hasNextPage ? (
          <Button size="sm" data-testid="activity-older" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            {log.isFetchingNextPage ? "…" : "Older"}
          </Button>
        ) : rows.length ? (
          <span>oldest shown</span>
        ) : null}
      </div>
    </Panel>
  );
}
