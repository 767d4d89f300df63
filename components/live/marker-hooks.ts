"use client";
// The events the charts mark: the fills in the chart window, the rebalance and emergency orders, the
// parameter versions. Fills and orders are list entries of their own (under the "fills" and "orders"
// prefixes), so live pushes reach them like the tables.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { FillDTO, ListPageDTO, OrderDTO, ParamVersionDTO } from "@/lib/events";
import { api } from "@/components/api/client";
import { useParams } from "./hooks";
import { fillsSpec, ordersQuery, ordersSpec, type OrdersFilter } from "./history-lists";
import { readFirstPage } from "./paged-list";
import { queryKeys } from "./query-keys";

const NO_FILLS: FillDTO[] = [];
const NO_ORDERS: OrderDTO[] = [];
/** Enough for a busy window; the markers cap what they draw anyway. */
const MARKER_ROWS = 1000;
const ACTIONS: OrdersFilter = { side: "all", status: "all", reasons: ["rebalance", "emergency"] };

/** `windowMs` for a live window (Infinity = all), or a fixed [from, to) the operator picked. */
export function useMarkerData(range: { windowMs: number } | { from: number; to: number }): { fills: readonly FillDTO[]; actions: readonly OrderDTO[] } {
  const qc = useQueryClient();
  const fixed = "from" in range ? range : null;
  const windowMs = "windowMs" in range ? range.windowMs : 0;
  // A live window's fills are a list under the "fills" prefix, so live pushes reach it.
  const fillsKey = queryKeys.fillsList({ side: "all", window: Number.isFinite(windowMs) ? windowMs : -1 });
  const live = useQuery({
    queryKey: fillsKey,
    enabled: fixed === null,
    queryFn: () =>
      readFirstPage(qc, fillsKey, fillsSpec, () => {
        const q = new URLSearchParams({ limit: String(MARKER_ROWS) });
        if (Number.isFinite(windowMs)) q.set("from", String(Math.max(0, Math.floor(Date.now() - windowMs))));
        return api.get<ListPageDTO<FillDTO>>(`/api/fills/page?${q}`);
      }),
  });
  // A fixed range has ended: read once.
  const past = useQuery({
    queryKey: ["range-fills", fixed?.from, fixed?.to],
    enabled: fixed !== null,
    staleTime: Infinity,
    queryFn: () => api.get<ListPageDTO<FillDTO>>(`/api/fills/page?${new URLSearchParams({ limit: String(MARKER_ROWS), from: String(fixed!.from), to: String(fixed!.to) })}`),
  });
  const fills = fixed ? past.data?.rows : live.data?.rows;
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
  return { fills: fills ?? NO_FILLS, actions: actions.data?.rows ?? NO_ORDERS };
}

const NO_VERSIONS: ParamVersionDTO[] = [];

export function useVersions(): readonly ParamVersionDTO[] {
  return useParams().data?.versions ?? NO_VERSIONS;
}
