// The scaled-out desk's message bus: socket.io's PostgreSQL adapter (LISTEN/NOTIFY, large messages through
// the socket_io_attachments table), one channel per desk schema. Runner processes publish their strategies'
// events and their part of the overview on it and answer calls; web processes relay the events to their
// browser sockets with their own hub and route an operator's call to the runner that holds the strategy.
import pg from "pg";
import { createAdapter } from "@socket.io/postgres-adapter";
import { pgClientConfig, type PgSettings } from "@/server/db/pg-connect";

/** Messages between processes (serverSideEmit on the main namespace). */
export const BUS = {
  /** runner → web: (strategyId, event, payload), a runner event of a strategy it hosts. */
  event: "sd:event",
  /** runner → web: (RunnerOverview), once a second. */
  overview: "sd:overview",
  /** web → runners: (BusCall, ack) — answered by the runner it is for, { skip: true } by the others. */
  call: "sd:call",
} as const;

export interface BusCall {
  /** A strategy's call: answered by the runner hosting it. */
  strategyId?: string;
  /** A desk call: answered by this runner ("*": by every runner, each for its own strategies). */
  runner?: string;
  method: string;
  args: unknown[];
}

export type BusReply = { skip: true } | { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; fields?: Record<string, string>; status?: number } };

export interface BusAdapter {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export function busAdapter(settings: PgSettings, what: string, log: (line: string) => void): BusAdapter {
  const pool = new pg.Pool({ ...pgClientConfig(settings, `skewdesk bus ${what}`.slice(0, 63)), max: 4 });
  pool.on("error", (err) => log(`bus connection error: ${err.message}`));
  const adapter = createAdapter(pool, {
    channelPrefix: `skewdesk_${settings.schema}`,
    // A process that stops answering is forgotten after this (a call does not wait on a killed runner longer).
    heartbeatInterval: 1_000,
    heartbeatTimeout: 4_000,
    errorHandler: (err) => log(`bus: ${err.message}`),
  });
  return { adapter, close: () => pool.end().catch(() => undefined) };
}
