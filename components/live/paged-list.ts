// The fills and orders tables: a page of history read over HTTP, older pages loaded on demand, and live
// pushes merged in, all in one react-query entry per filter. Rows merge by id (a read never wipes out a
// row pushed while it was in flight, defect 1); `total` is the count the server gave for the filter, plus
// the rows pushed since that it could not have counted.
import type { QueryClient, QueryKey } from "@tanstack/react-query";

export interface PagedRows<T> {
  /** Newest first. */
  rows: T[];
  /** Every row the filter matches, not just the ones loaded. */
  total: number;
  /** Cursor of the next older page; null when the oldest row is loaded. */
  next: string | null;
}

export interface Page<T> {
  rows: T[];
  total: number;
  next: string | null;
}

export interface ListSpec<T> {
  id(x: T): string;
  /** Negative when `a` is newer (sorts first). */
  newerFirst(a: T, b: T): number;
  /** Both sides hold the row: which report is current. */
  keep(held: T, incoming: T): T;
  /** A cursor that reads the rows older than `x` (possibly repeating rows at x's instant: merged by id). */
  cursorOf(x: T): string;
  /** Rows kept in memory; past this the oldest go and "load older" reads them again. */
  cap: number;
  /**
   * The row came by a live push and was never read back from the database. A read that misses such a row
   * within the range it covers ran before the row was stored, whatever the row's time: two fills of one
   * instant, or rows stored out of order, are not "newer" than what the read returned.
   */
  unread?(x: T): boolean;
}

function mergeRows<T>(spec: ListSpec<T>, held: readonly T[], incoming: readonly T[]): { rows: T[]; added: number } {
  const byId = new Map<string, T>();
  for (const x of held) byId.set(spec.id(x), x);
  let added = 0;
  for (const x of incoming) {
    const h = byId.get(spec.id(x));
    if (h === undefined) added++;
    byId.set(spec.id(x), h === undefined ? x : spec.keep(h, x));
  }
  return { rows: [...byId.values()].sort(spec.newerFirst), added };
}

function capped<T>(spec: ListSpec<T>, list: PagedRows<T>): PagedRows<T> {
  if (list.rows.length <= spec.cap) return list;
  const rows = list.rows.slice(0, spec.cap);
  return { ...list, rows, next: spec.cursorOf(rows[rows.length - 1]!) };
}

/**
 * The first page read again (mount, refetch, reconnect) merged with what is cached: rows loaded from older
 * pages stay, rows pushed while the read was in flight stay and are added to its total.
 */
export function mergeFirstPage<T>(spec: ListSpec<T>, cached: PagedRows<T> | undefined, page: Page<T>): PagedRows<T> {
  if (!cached) return capped(spec, { rows: [...page.rows].sort(spec.newerFirst), total: page.total, next: page.next });
  const inPage = new Set(page.rows.map(spec.id));
  const newest = page.rows[0];
  const oldestRead = page.rows[page.rows.length - 1];
  // Not in the database when the read ran: cached rows newer than anything it returned, and pushed rows it
  // missed within the range it covered.
  const notStored = (x: T) =>
    newest === undefined || oldestRead === undefined || spec.newerFirst(x, newest) < 0 || (spec.unread?.(x) === true && spec.newerFirst(x, oldestRead) < 0);
  const unseen = cached.rows.filter((x) => !inPage.has(spec.id(x)) && notStored(x)).length;
  const { rows } = mergeRows(spec, cached.rows, page.rows);
  const olderLoaded = oldestRead !== undefined && cached.rows.some((x) => spec.newerFirst(x, oldestRead) > 0);
  return capped(spec, { rows, total: page.total + unseen, next: olderLoaded ? cached.next : page.next });
}

/** An older page appended after the rows held. */
export function appendOlder<T>(spec: ListSpec<T>, cached: PagedRows<T> | undefined, page: Page<T>): PagedRows<T> {
  const { rows } = mergeRows(spec, cached?.rows ?? [], page.rows);
  return { rows, total: page.total, next: page.next };
}

/**
 * Live rows into one filtered list: matching rows merge in (new ones count toward the total); a row that
 * no longer matches (an order that left "working") leaves it.
 */
export function mergeLive<T>(spec: ListSpec<T>, cached: PagedRows<T> | undefined, incoming: readonly T[], matches: (x: T) => boolean): PagedRows<T> {
  const base = cached ?? { rows: [], total: 0, next: null };
  const leaving = new Set(incoming.filter((x) => !matches(x)).map(spec.id));
  const kept = leaving.size ? base.rows.filter((x) => !leaving.has(spec.id(x))) : base.rows;
  const removed = base.rows.length - kept.length;
  const { rows, added } = mergeRows(spec, kept, incoming.filter(matches));
  return capped(spec, { rows, total: Math.max(rows.length, base.total + added - removed), next: base.next });
}

/** Pushes rows into every cached filter of a list (the key's second element is the filter). */
export function pushLiveRows<T, F>(qc: QueryClient, prefix: QueryKey, spec: ListSpec<T>, incoming: readonly T[], matcher: (filter: F) => (x: T) => boolean): void {
  for (const [key, data] of qc.getQueriesData<PagedRows<T>>({ queryKey: prefix })) {
    const filter = key[prefix.length] as F;
    qc.setQueryData<PagedRows<T>>(key, mergeLive(spec, data, incoming, matcher(filter)));
  }
}

/** A queryFn: reads the first page, then merges with the cache as it stands when the read returns. */
export async function readFirstPage<T>(qc: QueryClient, key: QueryKey, spec: ListSpec<T>, read: () => Promise<Page<T>>): Promise<PagedRows<T>> {
  const page = await read();
  return mergeFirstPage(spec, qc.getQueryData<PagedRows<T>>(key), page);
}
