"use client";
// What components read. History comes over HTTP through react-query, live updates over the socket into
// the same caches; while the socket is down the lists fall back to polling so nothing silently freezes.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { useMutation, useQuery, useQueryClient, type QueryKey, type UseQueryResult } from "@tanstack/react-query";
import type { AlertDTO, FillDTO, ListPageDTO, MarketDTO, OrderDTO, SnapshotDTO, StatusDTO } from "@/lib/events";
import { api } from "@/components/api/client";
import { unitsOf, type MarketUnits } from "@/lib/units";
import { useLive } from "./live-provider";
import { queryKeys } from "./query-keys";
import { CHART_MIN_REDRAW_MS, chartRedrawMs, windowOf } from "./snapshot-store";
import { mergeAlertsRead, type ParamsState } from "./lists";
import { fetchMergingLive } from "./list-cache";
import { appendOlder, readFirstPage, type ListSpec, type PagedRows } from "./paged-list";
import { fillsQuery, fillsSpec, ordersQuery, ordersSpec, type FillsFilter, type OrdersFilter } from "./history-lists";

const HISTORY_LIMIT = 20_000;
const POLL_WHEN_OFFLINE_MS = 5_000;
/** Charts redraw at most this often however fast ticks arrive: the runner may tick every 100 ms. */
export const CHART_THROTTLE_MS = CHART_MIN_REDRAW_MS;


function usePollWhenOffline(): number | false {
  const { connection } = useLive();
  return connection === "live" ? false : POLL_WHEN_OFFLINE_MS;
}

/** Re-renders every `ms`; returns the current time. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * The last `windowMs` of snapshots (Infinity = everything kept in memory): the window's history from the
 * database merged with live batches, ordered by ts. The store is capped, so "all" means "all in memory".
 */
export function useLiveSnapshots(windowMs: number): { points: readonly SnapshotDTO[]; loading: boolean; error: Error | null } {
  const { store, backfill } = useLive();
  const finite = Number.isFinite(windowMs);
  const history = useQuery({
    queryKey: queryKeys.snapshots(finite ? windowMs : -1),
    queryFn: () => {
      const q = new URLSearchParams({ limit: String(HISTORY_LIMIT) });
      if (finite) q.set("from", String(Math.max(0, Math.floor(Date.now() - windowMs))));
      return api.get<SnapshotDTO[]>(`/api/snapshots?${q}`);
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  useEffect(() => {
    const data = history.data;
    if (!data?.length) return;
    store.merge(data);
    // Live batches may have started after this history was cut: ask for whatever lies in between.
    let last = data[0]!.ts;
    for (const p of data) if (p.ts > last) last = p.ts;
    backfill(last);
  }, [history.data, store, backfill]);

  const redrawMs = chartRedrawMs(windowMs);
  const subscribe = useMemo(() => store.subscribeThrottled(redrawMs), [store, redrawMs]);
  const all = useSyncExternalStore(subscribe, store.getSnapshot, store.getSnapshot);
  const now = useNow(Math.max(1000, redrawMs));
  const points = useMemo(() => windowOf(all, windowMs, Math.max(now, all[all.length - 1]?.ts ?? 0)), [all, windowMs, now]);
  return { points, loading: history.isPending, error: history.error };
}

/** The snapshots of a fixed range (the operator's own pick): read once, no live points (the range ended). */
export function useRangeSnapshots(range: { from: number; to: number } | null): { points: readonly SnapshotDTO[]; loading: boolean; error: Error | null } {
  const q = useQuery({
    queryKey: ["snapshots-range", range?.from, range?.to],
    enabled: range !== null,
    staleTime: Infinity,
    queryFn: () => api.get<SnapshotDTO[]>(`/api/snapshots?${new URLSearchParams({ from: String(range!.from), to: String(range!.to), limit: String(HISTORY_LIMIT) })}`),
  });
  return { points: q.data ?? NO_POINTS, loading: q.isPending && range !== null, error: q.error };
}
const NO_POINTS: SnapshotDTO[] = [];

/**
 * The runner status. Status changes every tick: pass `select` to pick only what a component shows, so it
 * re-renders only when that part changes (react-query compares the selection structurally).
 */
export function useStatus(): UseQueryResult<StatusDTO>;
export function useStatus<T>(select: (s: StatusDTO) => T): UseQueryResult<T>;
export function useStatus<T>(select?: (s: StatusDTO) => T) {
  const refetchInterval = usePollWhenOffline();
  return useQuery({
    queryKey: queryKeys.status,
    queryFn: () => api.get<StatusDTO>("/api/status"),
    refetchInterval,
    select: select as ((s: StatusDTO) => T) | undefined,
  });
}

/** The newest snapshot in memory (throttled like the charts). */
export function useLatestSnapshot(): SnapshotDTO | undefined {
  const { store } = useLive();
  const subscribe = useMemo(() => store.subscribeThrottled(CHART_THROTTLE_MS), [store]);
  const get = () => store.last();
  return useSyncExternalStore(subscribe, get, get);
}

/** Rows per page read, and rows a table adds to what it shows each time the operator asks for more. */
export const PAGE_SIZE = 100;

/** A paged list: the first page kept fresh (and merged with live pushes), older pages on demand. */
function usePagedList<T>(key: QueryKey, spec: ListSpec<T>, path: string, query: URLSearchParams, refetchInterval: number | false) {
  const qc = useQueryClient();
  const url = (before?: string) => {
    const q = new URLSearchParams(query);
    q.set("limit", String(PAGE_SIZE));
    if (before) q.set("before", before);
    return `${path}?${q}`;
  };
  const list = useQuery({
    queryKey: key,
    queryFn: () => readFirstPage(qc, key, spec, () => api.get<ListPageDTO<T>>(url())),
    refetchInterval,
  });
  const older = useMutation({
    mutationFn: async () => {
      const next = qc.getQueryData<PagedRows<T>>(key)?.next;
      if (!next) return;
      const page = await api.get<ListPageDTO<T>>(url(next));
      qc.setQueryData<PagedRows<T>>(key, (cur) => appendOlder(spec, cur, page));
    },
  });
  const { isPending, mutate } = older;
  const loadOlder = useCallback(() => {
    if (!isPending) mutate();
  }, [isPending, mutate]);
  return { list, loadOlder, loadingOlder: isPending, olderError: older.error };
}

/** The fills' first page is read again now and then while live too: a fill the runner pushed just before
 *  the socket connected, and stored just after the read, would otherwise be missing until a reload. */
const FILLS_REFRESH_MS = 15_000;

export function useFillsList(filter: FillsFilter) {
  const refetchInterval = usePollWhenOffline() || FILLS_REFRESH_MS;
  return usePagedList<FillDTO>(queryKeys.fillsList(filter), fillsSpec, "/api/fills/page", fillsQuery(filter), refetchInterval);
}

/** Order statuses from the database every few seconds as well: a socket push may announce an order
 *  without every later change (cancelled, filled) being pushed too. */
const ORDERS_REFRESH_MS = 5_000;

export function useOrdersList(filter: OrdersFilter) {
  return usePagedList<OrderDTO>(queryKeys.ordersList(filter), ordersSpec, "/api/orders/page", ordersQuery(filter), ORDERS_REFRESH_MS);
}

/** The currencies of sizes (base) and of prices and money (quote): the market's, else read from its symbol. */
export function useUnits(): MarketUnits {
  const market = useMarket().data;
  const symbol = useStatus((s) => s.market).data;
  return useMemo(() => unitsOf(market?.symbol ?? symbol, market ?? {}), [market, symbol]);
}

/** The instrument and its preset: read once, it does not change while the desk runs. */
export function useMarket() {
  return useQuery({ queryKey: queryKeys.market, queryFn: () => api.get<MarketDTO>("/api/market"), staleTime: Infinity });
}

export function useAlerts(limit = 100) {
  const qc = useQueryClient();
  const refetchInterval = usePollWhenOffline();
  return useQuery({
    queryKey: queryKeys.alerts,
    queryFn: () => fetchMergingLive(qc, queryKeys.alerts, () => api.get<AlertDTO[]>(`/api/alerts?limit=${limit}`), mergeAlertsRead),
    refetchInterval,
  });
}

export function useParams() {
  return useQuery({ queryKey: queryKeys.params, queryFn: () => api.get<ParamsState>("/api/params") });
}

export function useConnection() {
  return useLive().connection;
}
