"use client";
// The preview, side by side: the quotes of the parameters in force and of the proposal, priced by the
// server on the same book and inventory, and the change per side. The resting quotes are shown apart:
// they were placed on an earlier book, so they differ from "now" even with no change.
import Decimal from "decimal.js";
import type { QuoteDecisionDTO, QuotePreviewDTO } from "@/lib/events";
import { useMarket, useStatus } from "@/components/live/hooks";
import { fmtExact } from "@/components/format/decimal";

type Quote = { price: string; size: string } | null;

function change(now: Quote, next: Quote): string {
  if (!now || !next) return now === next ? "—" : now ? "stops quoting" : "starts quoting";
  const d = new Decimal(next.price).minus(now.price);
  return d.isZero() ? "no change" : `${d.isPositive() ? "+" : "−"}${fmtExact(d.abs().toFixed())}`;
}

function Cell({ q, testId, tone }: { q: Quote; testId: string; tone: string }) {
  return q ? (
    <span className="num">
      <span data-testid={testId} data-value={q.price} className={`font-semibold ${tone}`}>
        {fmtExact(q.price)}
      </span>
      <span className="text-muted"> × {fmtExact(q.size)}</span>
    </span>
  ) : (
    <span data-testid={testId} data-value="" className="font-semibold text-amber-300">
      no quote
    </span>
  );
}

function actionText(d: QuoteDecisionDTO, base: string): string {
  return d.action ? `${d.action.kind} ${d.action.side.toUpperCase()} ${fmtExact(d.action.amount)} ${base}` : "none";
}

export function PreviewView({ preview }: { preview: QuotePreviewDTO }) {
  const status = useStatus((s) => ({ ourBid: s.ourBid, ourAsk: s.ourAsk })).data;
  const market = useMarket().data;
  const quote = market?.quoteCurrency ?? "";
  const base = market?.baseCurrency ?? "";
  const now = preview.current;
  const th = "px-2 py-1 text-left text-[10px] font-semibold tracking-wider text-faint uppercase";
  const td = "px-2 py-1 align-top";
  const row = (label: string, pick: (d: QuoteDecisionDTO) => Quote, side: "bid" | "ask", tone: string) => (
    <tr className="border-t border-edge/60">
      <th className={th}>{label}</th>
      {now ? (
        <td className={td}>
          <Cell q={pick(now)} testId={`preview-now-${side}-price`} tone="text-gray-200" />
        </td>
      ) : null}
      <td className={td}>
        <Cell q={pick(preview)} testId={`preview-${side}-price`} tone={tone} />
      </td>
      {now ? (
        <td className={`${td} num text-right`} data-testid={`preview-${side}-change`}>
          {change(pick(now), pick(preview))} {/^[+−]/.test(change(pick(now), pick(preview))) ? <span className="text-faint">{quote}</span> : null}
        </td>
      ) : null}
    </tr>
  );
  return (
    <div data-testid="tuning-preview-result" className="space-y-1.5 rounded border border-sky-500/40 bg-sky-500/5 p-2">
      <div className="flex flex-wrap items-center justify-between gap-x-3 text-[11px]">
        <span className="font-semibold text-sky-200">Preview: both priced on the current book and inventory</span>
        <span className="num text-faint" data-testid="preview-mid" data-value={preview.mid ?? ""}>
          mid {fmtExact(preview.mid)} {quote}
        </span>
      </div>
      <div className="overflow-x-auto md:max-w-xl">
        <table className="w-full text-[12px]">
          <thead>
            <tr>
              <th className={th} />
              {now ? <th className={th}>Now (v{preview.currentVersion})</th> : null}
              <th className={th}>Proposed</th>
              {now ? <th className={`${th} text-right`}>Change</th> : null}
            </tr>
          </thead>
          <tbody>
            {row("Bid", (d) => d.bid, "bid", "text-sky-300")}
            {row("Ask", (d) => d.ask, "ask", "text-fuchsia-300")}
            <tr className="border-t border-edge/60">
              <th className={th}>Action</th>
              {now ? <td className={`${td} text-muted`}>{actionText(now, base)}</td> : null}
              <td className={`${td} ${preview.action?.kind === "emergency" ? "font-semibold text-red-400" : preview.action ? "font-semibold text-amber-300" : "text-muted"}`} data-testid="preview-action">
                {actionText(preview, base)}
              </td>
              {now ? <td /> : null}
            </tr>
          </tbody>
        </table>
      </div>
      <p className="num text-[11px] text-faint" data-testid="preview-resting">
        Resting now: bid {fmtExact(status?.ourBid ?? null)} · ask {fmtExact(status?.ourAsk ?? null)} {quote} (placed on an earlier book, so they may differ from &quot;now&quot;)
      </p>
      {preview.skipped.map((s) => (
        <p key={s.side} className="text-[12px] text-amber-300">
          Proposed {s.side === "buy" ? "bid" : "ask"} skipped: {s.reason}
        </p>
      ))}
      {preview.warnings.map((w) => (
        <p key={w} className="text-[12px] text-amber-300">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}
