"use client";
// Every fill, newest first: the latest page live, older ones on scroll; the header counts them all.
import { useState } from "react";
import { usePagedRows } from "./use-paged-rows";
import type { FillDTO } from "@/lib/events";
import { Panel } from "@/components/ui/panel";
import { fmtDecimal, fmtExact, fmtTime } from "@/components/format/decimal";
import { useFillsList, useUnits } from "@/components/live/hooks";
import { fillsQuery, type SideFilter } from "@/components/live/history-lists";
import { Choice, CsvLink, HistoryTable, inlineNotOnPhone, ListFooter, notOnPhone, SideCell, td, tdl } from "./table-parts";

const SIDES: Array<[SideFilter, string]> = [
  ["all", "Both sides"],
  ["buy", "Buys"],
  ["sell", "Sells"],
];

export function FillsTable() {
  const [side, setSide] = useState<SideFilter>("all");
  const { list, loadOlder, loadingOlder, olderError } = useFillsList({ side });
  const data = list.data;
  const u = useUnits();
  const { visible, more, onMore, reset } = usePagedRows(data, loadOlder);
  const rows = visible.map((f: FillDTO) => (
    <tr key={f.tradeId} data-testid="fill-row" className="border-b border-edge/50 hover:bg-raised/60" title={`${f.tradeId} · order ${f.clientOrderId} · ${f.liquidity} · fee ${f.fee}`}>
      <td className={`${tdl} text-muted`}>{fmtTime(f.ts)}</td>
      <td className={tdl}>
        <SideCell side={f.side} /> <span className={`text-[10px] text-faint ${inlineNotOnPhone}`}>{f.liquidity === "maker" ? "mkr" : "tkr"}</span>
      </td>
      <td className={td}>{fmtExact(f.price)}</td>
      <td className={td}>{fmtExact(f.size)}</td>
      <td className={`${td} text-muted ${notOnPhone}`}>{fmtDecimal(f.fee, 4)}</td>
      <td className={td}>{fmtExact(f.inventoryAfter)}</td>
    </tr>
  ));
  return (
    <Panel
      title="Fills"
      testId="fills"
      bodyClassName="p-0"
      actions={
        <>
          {list.error ? <span className="text-[11px] text-red-400">{list.error.message}</span> : null}
          <span data-testid="fills-total" data-value={data?.total ?? ""} className="num text-[11px] text-faint" title="All fills matching the filter">
            {data ? data.total.toLocaleString("en-US") : "…"}
          </span>
          <Choice
            label="Side"
            testId="fills-side"
            value={side}
            options={SIDES}
            onChange={(v) => {
              setSide(v);
              reset();
            }}
          />
          <CsvLink href={`/api/export/fills.csv?${fillsQuery({ side })}`} testId="fills-csv" title="Download every fill matching the filter as CSV" />
        </>
      }
    >
      <HistoryTable testId="fills-table" head={["Time", "Side", ["Price", u.quote], ["Size", u.base], ["Fee", u.quote], ["Inv after", u.base]]} hide={{ Fee: notOnPhone }} empty="No fills yet" onEnd={more ? onMore : undefined}>
        {rows}
      </HistoryTable>
      {data ? (
        <ListFooter testId="fills" noun="fills" shown={visible.length} total={data.total} more={more} loading={loadingOlder} error={olderError} onMore={onMore} />
      ) : null}
    </Panel>
  );
}
