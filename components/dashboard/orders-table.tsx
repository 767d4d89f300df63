"use client";
// Every order, newest first, filtered by side and status; older ones on scroll; the header counts them all.
import { useState } from "react";
import { usePagedRows } from "./use-paged-rows";
import type { OrderDTO } from "@/lib/events";
import { Panel } from "@/components/ui/panel";
import { fmtExact, fmtTime } from "@/components/format/decimal";
import { useNow, useOrdersList, useStatus, useUnits } from "@/components/live/hooks";
import { ordersQuery, type OrderStatusGroup, type SideFilter } from "@/components/live/history-lists";
import { LIVE_ORDER_STATES } from "@/lib/orders";
import { Choice, CsvLink, HistoryTable, inlineNotOnPhone, ListFooter, onlyVeryWide, SideCell, td, tdl } from "./table-parts";

const SIDES: Array<[SideFilter, string]> = [
  ["all", "Both sides"],
  ["buy", "Buys"],
  ["sell", "Sells"],
];
const STATUSES: Array<[OrderStatusGroup, string]> = [
  ["all", "Any status"],
  ["working", "Working"],
  ["filled", "Filled"],
  ["cancelled", "Cancelled"],
  ["refused", "Rejected / expired"],
];

const statusTone: Record<string, string> = {
  open: "text-sky-300",
  pending_new: "text-sky-300",
  partially_filled: "text-amber-300",
  pending_cancel: "text-amber-300",
  unknown: "text-red-300",
  filled: "text-emerald-400",
  cancelled: "text-faint",
  closed: "text-faint",
  expired: "text-faint",
  rejected: "text-red-400",
};

/** Short words for the long state names, so the column fits a phone; the row's title has the exact one. */
const statusWord: Record<string, string> = {
  pending_new: "sending",
  partially_filled: "partial",
  pending_cancel: "cancelling",
};

const OPEN_LIKE = new Set<string>(LIVE_ORDER_STATES);
/** An order younger than this may be open before the status lists it. */
const LISTING_GRACE_MS = 2_000;

export function OrdersTable() {
  const [side, setSide] = useState<SideFilter>("all");
  const [status, setStatus] = useState<OrderStatusGroup>("all");
  const { list, loadOlder, loadingOlder, olderError } = useOrdersList({ side, status });
  const data = list.data;
  const u = useUnits();
  const { visible, more, onMore, reset } = usePagedRows(data, loadOlder);
  // The status lists what rests right now (every tick): a row still "open" that is not listed there has
  // closed since it was pushed, and says so until the next refresh tells how.
  const openIds = useStatus((s) => s.openOrders.map((o) => o.clientOrderId).join("\n")).data;
  const open = new Set(openIds?.split("\n") ?? []);
  const now = useNow(1000);
  const shownStatus = (o: OrderDTO) =>
    openIds !== undefined && OPEN_LIKE.has(o.status.toLowerCase()) && !open.has(o.clientOrderId) && now - o.updatedAt > LISTING_GRACE_MS ? "closed" : o.status;
  const rows = visible.map((o: OrderDTO) => (
    <tr key={o.clientOrderId} data-testid="order-row" className="border-b border-edge/50 hover:bg-raised/60" title={`${o.clientOrderId} · ${o.reason} · ${o.status}`}>
      <td className={`${tdl} text-muted`}>{fmtTime(o.createdAt)}</td>
      <td className={tdl}>
        <SideCell side={o.side} /> <span className={`text-faint ${inlineNotOnPhone}`}>{o.type === "market" ? "MKT" : "LMT"}</span>
      </td>
      <td className={td}>{o.price === null ? "market" : fmtExact(o.price)}</td>
      <td className={td}>
        {fmtExact(o.filledSize)}
        <span className="text-faint">/{fmtExact(o.size)}</span>
      </td>
      <td data-status={shownStatus(o)} className={`${td} ${statusTone[shownStatus(o).toLowerCase()] ?? "text-gray-300"}`}>
        {statusWord[shownStatus(o)] ?? shownStatus(o)}
      </td>
      <td className={`${td} max-w-[140px] truncate font-sans text-muted ${onlyVeryWide}`}>{o.reason}</td>
    </tr>
  ));
  return (
    <Panel
      title="Orders"
      testId="orders"
      bodyClassName="p-0"
      actions={
        <>
          {list.error ? <span className="text-[11px] text-red-400">{list.error.message}</span> : null}
          <span data-testid="orders-total" data-value={data?.total ?? ""} className="num text-[11px] text-faint" title="All orders matching the filters">
            {data ? data.total.toLocaleString("en-US") : "…"}
          </span>
          <Choice
            label="Side"
            testId="orders-side"
            value={side}
            options={SIDES}
            onChange={(v) => {
              setSide(v);
              reset();
            }}
          />
          <Choice
            label="Status"
            testId="orders-status"
            value={status}
            options={STATUSES}
            onChange={(v) => {
              setStatus(v);
              reset();
            }}
          />
          <CsvLink href={`/api/export/orders.csv?${ordersQuery({ side, status })}`} testId="orders-csv" title="Download every order matching the filters as CSV" />
        </>
      }
    >
      <HistoryTable testId="orders-table" head={["Time", "Side", ["Price", u.quote], ["Filled/Size", u.base], "Status", "Reason"]} hide={{ Reason: onlyVeryWide }} empty="No orders yet" onEnd={more ? onMore : undefined}>
        {rows}
      </HistoryTable>
      {data ? (
        <ListFooter testId="orders" noun="orders" shown={visible.length} total={data.total} more={more} loading={loadingOlder} error={olderError} onMore={onMore} />
      ) : null}
    </Panel>
  );
}
