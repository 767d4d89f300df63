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

/**
 * On every (re)connect: read again what the socket feeds. Rows made between a read and this moment were
 * neither in that read nor pushed to us (we were not listening yet). A read still in flight may have run
 * before the connection, and invalidating alone would only join it (react-query shares the fetch under
 * way with a query that has no data yet), so it is cancelled first; rows pushes merged meanwhile stay
 * (react-query reverts to the state they set).
 */
export async function rereadOnConnect(qc: QueryClient, keys: readonly QueryKey[]): Promise<void> {
  await Promise.all(
    keys.map(async (queryKey) => {
      await qc.cancelQueries({ queryKey });
      await qc.invalidateQueries({ queryKey });
    }),
  );
}
