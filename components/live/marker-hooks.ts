"use client";
// The events the charts mark: the fills in the chart window, the rebalance and emergency orders, the
// parameter versions. Fills and orders are list entries of their own (under the "fills" and "orders"
// prefixes), so live pushes reach them like the tables.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { FillDTO, ListPageDTO, OrderDTO, ParamVersionDTO } from "@/lib/events";
import { api } from "@/components/api/client";
import { useParams } from "./hooks";
import { fillsSpec, ordersQuery, ordersSpec, type FillsFilter, type OrdersFilter } from "./history-lists";
import { readFirstPage } from "./paged-list";
import { queryKeys } from "./query-keys";

const NO_FILLS: FillDTO[] = [];
const NO_ORDERS: OrderDTO[] = [];
/** Enough for a busy window; the markers cap what they draw anyway. */
const MARKER_ROWS = 1000;
const ACTIONS: OrdersFilter = { side: "all", status: "all", reasons: ["rebalance", "emergency"] };

export function useMarkerData(windowMs: number): { fills: readonly FillDTO[]; actions: readonly OrderDTO[] } {
  const qc = useQueryClient();
  const finite = Number.isFinite(windowMs);
  const fillsFilter: FillsFilter = { side: "all", window: finite ? windowMs : -1 };
  const fillsKey = queryKeys.fillsList(fillsFilter);
  const fills = useQuery({
    queryKey: fillsKey,
    queryFn: () =>
      readFirstPage(qc, fillsKey, fillsSpec, () => {
        const q = new URLSearchParams({ limit: String(MARKER_ROWS) });
        if (finite) q.set("from", String(Math.max(0, Math.floor(Date.now() - windowMs))));
        return api.get<ListPageDTO<FillDTO>>(`/api/fills/page?${q}`);
      }),
  });
  const actionsKey = queryKeys.ordersList(ACTIONS);
  const actions = useQuery({
    queryKey: actionsKey,
    queryFn: () =>
      readFirstPage(qc, actionsKey, ordersSpec, () => {
        const q = ordersQuery(ACTIONS);
        q.set("limit", String(MARKER_ROWS));
        return api.get<ListPageDTO<OrderDTO>>(`/api/orders/page?${q}`);
      }),
  });
  return { fills: fills.data?.rows ?? NO_FILLS, actions: actions.data?.rows ?? NO_ORDERS };
}

const NO_VERSIONS: ParamVersionDTO[] = [];

export function useVersions(): readonly ParamVersionDTO[] {
  return useParams().data?.versions ?? NO_VERSIONS;
}
