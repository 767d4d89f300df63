"use client";
import type { ReactNode } from "react";
import type { FillDTO, OrderDTO } from "@/lib/events";
import { Panel } from "@/components/ui/panel";
import { fmtDecimal, fmtExact, fmtTime } from "@/components/format/decimal";
import { useFills, useNow, useOrders, useStatus } from "@/components/live/hooks";
import { LIVE_ORDER_STATES } from "@/lib/orders";

function SideCell({ side }: { side: "buy" | "sell" }) {
  return <span className={side === "buy" ? "font-semibold text-emerald-400" : "font-semibold text-red-400"}>{side.toUpperCase()}</span>;
}

/** `wideOnly` columns (by header) show only on very wide screens; the row's title still carries them. */
function Table({ head, children, empty, testId, wideOnly = [] }: { head: string[]; children: ReactNode[]; empty: string; testId: string; wideOnly?: string[] }) {
  return (
    <div className="max-h-[260px] overflow-auto">
      <table data-testid={testId} className="num w-full border-collapse text-[12px]">
        <thead className="sticky top-0 z-10 bg-panel">
          <tr className="text-faint">
            {head.map((h, i) => (
              <th
                key={h}
                className={`border-b border-edge px-1.5 py-1.5 text-[10px] font-semibold tracking-wider whitespace-nowrap uppercase ${i < 2 ? "text-left" : "text-right"} ${wideOnly.includes(h) ? "hidden 2xl:table-cell" : ""}`}
              >
                {h}
              </th>
            ))}
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

const td = "px-1.5 py-1 text-right whitespace-nowrap";
const tdl = "px-1.5 py-1 text-left whitespace-nowrap";

export function FillsTable() {
  const { data, error } = useFills();
  const rows = (data ?? []).map((f: FillDTO) => (
    <tr key={f.tradeId} className="border-b border-edge/50 hover:bg-raised/60" title={`${f.tradeId} · order ${f.clientOrderId} · ${f.liquidity}`}>
      <td className={`${tdl} text-muted`}>{fmtTime(f.ts)}</td>
      <td className={tdl}>
        <SideCell side={f.side} /> <span className="text-[10px] text-faint">{f.liquidity === "maker" ? "mkr" : "tkr"}</span>
      </td>
      <td className={td}>{fmtExact(f.price)}</td>
      <td className={td}>{fmtExact(f.size)}</td>
      <td className={`${td} text-muted`}>{fmtDecimal(f.fee, 4)}</td>
      <td className={td}>{fmtExact(f.inventoryAfter)}</td>
    </tr>
  ));
  return (
    <Panel title="Fills" bodyClassName="p-0" actions={error ? <span className="text-[11px] text-red-400">{error.message}</span> : <span className="num text-[11px] text-faint">{data?.length ?? 0}</span>}>
      <Table testId="fills-table" head={["Time", "Side", "Price", "Size", "Fee", "Inv after"]} empty="No fills yet">
        {rows}
      </Table>
    </Panel>
  );
}

const statusTone: Record<string, string> = {
  open: "text-sky-300",
  new: "text-sky-300",
  partially_filled: "text-amber-300",
  filled: "text-emerald-400",
  cancelled: "text-faint",
  closed: "text-faint",
  canceled: "text-faint",
  rejected: "text-red-400",
};

const OPEN_LIKE = new Set<string>(LIVE_ORDER_STATES);
/** An order younger than this may be open before the status lists it. */
const LISTING_GRACE_MS = 2_000;

export function OrdersTable() {
  const { data, error } = useOrders();
  // The status lists what rests right now (every tick): a row still "open" that is not listed there has
  // closed since it was pushed, and says so until the next refresh tells how.
  const openIds = useStatus((s) => s.openOrders.map((o) => o.clientOrderId).join("\n")).data;
  const open = new Set(openIds?.split("\n") ?? []);
  const now = useNow(1000);
  const shownStatus = (o: OrderDTO) =>
    openIds !== undefined && OPEN_LIKE.has(o.status.toLowerCase()) && !open.has(o.clientOrderId) && now - o.updatedAt > LISTING_GRACE_MS ? "closed" : o.status;
  const rows = (data ?? []).map((o: OrderDTO) => (
    <tr key={o.clientOrderId} className="border-b border-edge/50 hover:bg-raised/60" title={`${o.clientOrderId} · ${o.reason}`}>
      <td className={`${tdl} text-muted`}>{fmtTime(o.createdAt)}</td>
      <td className={tdl}>
        <SideCell side={o.side} /> <span className="text-faint">{o.type === "market" ? "MKT" : "LMT"}</span>
      </td>
      <td className={td}>{o.price === null ? "market" : fmtExact(o.price)}</td>
      <td className={td}>
        {fmtExact(o.filledSize)}
        <span className="text-faint">/{fmtExact(o.size)}</span>
      </td>
      <td className={`${td} ${statusTone[shownStatus(o).toLowerCase()] ?? "text-gray-300"}`}>{shownStatus(o)}</td>
      <td className={`${td} hidden max-w-[140px] truncate font-sans text-muted 2xl:table-cell`}>{o.reason}</td>
    </tr>
  ));
  return (
    <Panel title="Orders" bodyClassName="p-0" actions={error ? <span className="text-[11px] text-red-400">{error.message}</span> : <span className="num text-[11px] text-faint">{data?.length ?? 0}</span>}>
      <Table testId="orders-table" head={["Time", "Side", "Price", "Filled/Size", "Status", "Reason"]} wideOnly={["Reason"]} empty="No orders yet">
        {rows}
      </Table>
    </Panel>
  );
}
