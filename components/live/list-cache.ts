// The lists the dashboard shows (fills, orders, alerts) live in react-query's cache and are fed from two
// sides: an HTTP read of the database and socket pushes. A push can arrive while a read is in flight, for a
// row the database did not have yet when the read ran; the read must then not wipe it out. So every read
// is merged, by id, with what the cache holds when the read returns, and every push is merged likewise.
import type { QueryClient, QueryKey } from "@tanstack/react-query";

export type Merge<T> = (current: readonly T[] | undefined, incoming: readonly T[]) => T[];

/** A queryFn body: fetch, then merge into the rows already in the cache (pushed while we waited). */
export async function fetchMergingLive<T>(qc: QueryClient, key: QueryKey, fetch: () => Promise<T[]>, merge: Merge<T>): Promise<T[]> {
  const fetched = await fetch();
  // Read the cache only now: pushes that arrived during the read are in it.
  return merge(qc.getQueryData<T[]>(key), fetched);
}

/** A socket push: merged into the cached rows (or the first rows, when no read has answered yet). */
export function pushLive<T>(qc: QueryClient, key: QueryKey, rows: readonly T[], merge: Merge<T>): void {
  qc.setQueryData<T[]>(key, (cur) => merge(cur, rows));
}
