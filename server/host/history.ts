// The paged, filtered history the dashboard's tables read: one page of rows, newest first, with the total
// the filter matches and a cursor for the next (older) page. One row more than asked is read to know
// whether an older page exists without a second query.
import type { AuditPageDTO, FillDTO, ListPageDTO, OrderDTO } from "@/lib/events";
import type { AuditQuery, FillsPageQuery, OrdersPageQuery } from "@/lib/api-requests";
import { fillCursorOf, orderCursorOf } from "@/lib/api-requests";
import type { Store } from "@/server/store";
import { computePerformance, type PerformanceFigures } from "@/lib/performance";
import { storedOrderDto } from "@/server/runner/publisher";
import { fillDto, snapshotDto } from "./dto";

export async function fillsPage(store: Store, strategyId: string, q: FillsPageQuery): Promise<ListPageDTO<FillDTO>> {
  const filter = {
    ...(q.side ? { side: q.side } : {}),
    ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
  };
  const [rows, total] = await Promise.all([
    store.listFills(strategyId, { ...filter, limit: q.limit + 1, ...(q.before ? { before: { ts: new Date(q.before.ts), id: q.before.id } } : {}) }),
    store.countFills(strategyId, filter),
  ]);
  const page = rows.slice(0, q.limit).map(fillDto);
  const last = page[page.length - 1];
  return { rows: page, total, next: rows.length > q.limit && last ? fillCursorOf(last) : null };
}

export async function ordersPage(store: Store, strategyId: string, q: OrdersPageQuery): Promise<ListPageDTO<OrderDTO>> {
  const filter = { ...(q.side ? { side: q.side } : {}), ...(q.status ? { statuses: q.status } : {}), ...(q.reason ? { reasons: q.reason } : {}) };
  const before = q.before ? { before: new Date(q.before.ts), ...(q.before.id ? { beforeId: q.before.id } : {}) } : {};
  const [rows, total] = await Promise.all([store.listOrders(strategyId, { ...filter, ...before, limit: q.limit + 1 }), store.countOrders(strategyId, filter)]);
  const page = rows.slice(0, q.limit).map(storedOrderDto);
  const last = page[page.length - 1];
  return { rows: page, total, next: rows.length > q.limit && last ? orderCursorOf(last) : null };
}

/** The activity log, newest first: the audit trail filtered by kind of action and actor. */
export async function auditPage(store: Store, q: AuditQuery): Promise<AuditPageDTO> {
  const rows = await store.listAudit({
    limit: q.limit + 1,
    ...(q.kind ? { actionPrefix: `${q.kind}.` } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.before ? { before: new Date(q.before.ts), beforeId: q.before.id } : {}),
  });
  const page = rows.slice(0, q.limit).map((e) => ({ id: e.id, at: e.createdAt.getTime(), actor: e.actor, action: e.action, target: e.target, before: e.before, after: e.after, ip: e.ip }));
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > q.limit && last ? `${last.at}:${last.id}` : null };
}

/** Enough for hours of a busy desk; beyond it the figures cover the newest fills of the range. */
const PERFORMANCE_FILLS = 10_000;
const PERFORMANCE_POINTS = 100_000;

export async function performance(store: Store, strategyId: string, r: { from: number; to: number }): Promise<PerformanceFigures> {
  const range = { from: new Date(r.from), to: new Date(r.to) };
  const [fills, points] = await Promise.all([
    store.listFills(strategyId, { ...range, limit: PERFORMANCE_FILLS }),
    store.listSnapshots(strategyId, { from: range.from, to: new Date(r.to - 1), limit: PERFORMANCE_POINTS }),
  ]);
  return computePerformance(fills.map(fillDto), points.map(snapshotDto), r.from, r.to);
}
