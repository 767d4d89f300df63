// The lease epoch a client order id carries on a scaled-out desk: sd-<tag>-e<epoch>-<uuid> (see
// server/runner/client-ids.ts). Read by the runner and by the store, which refuses an order of an epoch the
// strategy's lease has moved past.
const EPOCHED = /^sd-[a-z0-9]{6}-e([0-9]{1,15})-/;

/** The epoch an id carries; null for an id without one. */
export function epochOfClientId(id: string): number | null {
  const m = EPOCHED.exec(id);
  return m ? Number(m[1]) : null;
}
