"use client";
// Pieces both history tables share: the scrolling table whose end loads older rows, the filter chips,
// the count line ("100 of 1,234") and the CSV link.
import { useRef, type ReactNode, type UIEvent } from "react";

export function SideCell({ side }: { side: "buy" | "sell" }) {
  return <span className={side === "buy" ? "font-semibold text-emerald-400" : "font-semibold text-red-400"}>{side.toUpperCase()}</span>;
}

export const td = "px-1 py-1 text-right whitespace-nowrap sm:px-1.5";
export const tdl = "px-1 py-1 text-left whitespace-nowrap sm:px-1.5";
/** Columns a phone does without (the row's title and the CSV still carry them). */
export const notOnPhone = "hidden sm:table-cell";
/** The same for a word inside a cell. */
export const inlineNotOnPhone = "hidden sm:inline";
export const onlyVeryWide = "hidden 2xl:table-cell";

/**
 * `hide` gives a column's visibility class by header (notOnPhone, onlyVeryWide); rows use the same class.
 * Reaching the end of the scroll area calls `onEnd` (load older rows).
 */
export function HistoryTable({
  head,
  children,
  empty,
  testId,
  hide = {},
  onEnd,
}: {
  /** Column names; [name, unit] puts the unit (ETH, USD) under the name. */
  head: Array<string | [string, string]>;
  children: ReactNode[];
  empty: string;
  testId: string;
  hide?: Record<string, string>;
  onEnd?: () => void;
}) {
  // Only a scroll by the operator to the bottom asks for more: a table that is not full yet must not page
  // through the whole history on its own.
  const last = useRef(0);
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    const atEnd = el.scrollTop > 0 && el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
    if (!atEnd || !onEnd || el.scrollHeight === last.current) return;
    last.current = el.scrollHeight; // once per content height: the rows it loads make it taller
    onEnd();
  };
  return (
    <div className="max-h-[260px] overflow-auto" onScroll={onScroll}>
      <table data-testid={testId} className="num w-full border-collapse text-[12px]">
        <thead className="sticky top-0 z-10 bg-panel">
          <tr className="text-faint">
            {head.map((col, i) => {
              const [name, unit] = typeof col === "string" ? [col, null] : col;
              return (
                <th
                  key={name}
                  className={`border-b border-edge px-1 py-1.5 align-bottom text-[10px] font-semibold tracking-wider whitespace-nowrap uppercase sm:px-1.5 ${i < 2 ? "text-left" : "text-right"} ${hide[name] ?? ""}`}
                >
                  {name}
                  {unit ? <span className="block text-[9px] font-normal tracking-normal text-faint/80 normal-case">{unit}</span> : null}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {children.length ? (
            children
          ) : (
            <tr>
              <td colSpan={head.length} className="px-2 py-6 text-center font-sans text-faint">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Choice<V extends string>({ label, value, options, onChange, testId }: { label: string; value: V; options: Array<[V, string]>; onChange: (v: V) => void; testId: string }) {
  return (
    <label className="flex items-center gap-1 text-[11px] text-faint">
      <span className="sr-only">{label}</span>
      <select
        data-testid={testId}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value as V)}
        className="h-6 rounded border border-edge-strong bg-raised px-1 text-[11px] text-gray-200 outline-none focus:border-sky-500"
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CsvLink({ href, testId, title }: { href: string; testId: string; title: string }) {
  return (
    <a href={href} download data-testid={testId} title={title} className="rounded border border-edge-strong bg-raised px-1.5 py-0.5 text-[11px] text-gray-200 hover:border-sky-500 hover:text-white">
      CSV
    </a>
  );
}

/** "100 of 1,234" and the way to the older rows. */
export function ListFooter({
  shown,
  total,
  more,
  loading,
  error,
  onMore,
  noun,
  testId,
}: {
  shown: number;
  total: number;
  more: boolean;
  loading: boolean;
  error: Error | null;
  onMore: () => void;
  noun: string;
  testId: string;
}) {
  return (
    <div className="flex items-center justify-between gap-2 border-t border-edge px-2 py-1 text-[11px] text-faint">
      <span data-testid={`${testId}-shown`} data-shown={shown} data-total={total}>
        {shown.toLocaleString("en-US")} of {total.toLocaleString("en-US")} {noun}
      </span>
      {error ? <span className="text-red-400">older rows: {error.message}</span> : null}
      {more ? (
        <button type="button" data-testid={`${testId}-older`} disabled={loading} onClick={onMore} className="text-sky-300 hover:text-sky-200 disabled:text-faint">
          {loading ? "loading…" : "Load older"}
        </button>
      ) : shown > 0 ? (
        <span>oldest shown</span>
      ) : null}
    </div>
  );
}
