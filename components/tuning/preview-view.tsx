"use client";
import type { QuotePreviewDTO } from "@/lib/events";
import { useStatus } from "@/components/live/hooks";
import { fmtExact } from "@/components/format/decimal";

function Quote({ label, q, now, tone }: { label: string; q: { price: string; size: string } | null; now: string | null; tone: string }) {
  return (
    <div className="rounded border border-edge bg-[#0b1016] px-2 py-1.5">
      <div className="text-[10px] font-semibold tracking-wider text-faint uppercase">{label}</div>
      {q ? (
        <div className="num">
          <span data-testid={`preview-${label.toLowerCase()}-price`} data-value={q.price} className={`text-[14px] font-semibold ${tone}`}>
            {fmtExact(q.price)}
          </span>
          <span className="text-muted"> × {fmtExact(q.size)}</span>
        </div>
      ) : (
        <div className="text-[13px] font-semibold text-amber-300">no quote</div>
      )}
      <div className="num text-[10.5px] text-faint">now {fmtExact(now)}</div>
    </div>
  );
}

export function PreviewView({ preview }: { preview: QuotePreviewDTO }) {
  const status = useStatus((s) => ({ ourBid: s.ourBid, ourAsk: s.ourAsk })).data;
  return (
    <div data-testid="tuning-preview-result" className="space-y-1.5 rounded border border-sky-500/40 bg-sky-500/5 p-2">
      <div className="flex items-center justify-between text-[11px]">
        <span className="font-semibold text-sky-200">Preview against the current book</span>
        <span className="num text-faint" data-testid="preview-mid" data-value={preview.mid ?? ""}>
          mid {fmtExact(preview.mid)}
        </span>
      </div>
      <div className="grid grid-cols-2 gap-1.5 md:max-w-md">
        <Quote label="Bid" q={preview.bid} now={status?.ourBid ?? null} tone="text-sky-300" />
        <Quote label="Ask" q={preview.ask} now={status?.ourAsk ?? null} tone="text-fuchsia-300" />
      </div>
      {preview.skipped.map((s) => (
        <p key={s.side} className="text-[12px] text-amber-300">
          {s.side === "buy" ? "Bid" : "Ask"} skipped: {s.reason}
        </p>
      ))}
      {preview.action ? (
        <p className={`text-[12px] font-semibold ${preview.action.kind === "emergency" ? "text-red-400" : "text-amber-300"}`}>
          Would trigger {preview.action.kind}: {preview.action.side.toUpperCase()} {fmtExact(preview.action.amount)}
        </p>
      ) : (
        <p className="text-[11px] text-faint">No rebalance or emergency action.</p>
      )}
      {preview.warnings.map((w) => (
        <p key={w} className="text-[12px] text-amber-300">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}
