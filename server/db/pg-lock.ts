// One desk per PostgreSQL schema. Two `npm start` on the same DATABASE_URL both quoted the same strategy, and
// the second marked the first's live run as "process died". The data-folder lock protects PGlite only, so a
// desk that trades takes a session-level advisory lock in the database itself: it is held by one dedicated
// connection for the desk's life, and PostgreSQL frees it when that session ends (a kill -9 included).
import pg from "pg";
import { pgClientConfig, processTag, type PgSettings } from "./pg-connect";

export class DeskAlreadyRunningError extends Error {
  override name = "DeskAlreadyRunningError";
}

// Two-key form: a key space of its own, apart from Prisma migrate's single-bigint lock.
const LOCK_CLASS = 0x5d35_0001; // "skewdesk", version 1 of this lock
const LOCK_SQL = `SELECT pg_try_advisory_lock(${LOCK_CLASS}, hashtext($1)) AS ok`;
// The runners of a scaled-out desk share the lock among themselves (server/cluster): a one-process desk and
// they exclude each other, the runners do not (their leases say who runs what).
const SHARED_LOCK_SQL = `SELECT pg_try_advisory_lock_shared(${LOCK_CLASS}, hashtext($1)) AS ok`;
const HOLDER_SQL = `
  SELECT a.application_name AS app, a.client_addr::text AS addr, a.backend_start AS since
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${LOCK_CLASS}::oid AND l.objid = hashtext($1)::oid AND l.objsubid = 2
  LIMIT 1`;

export interface DeskLock {
  /** Ends the lock's session, which frees the lock. */
  release(): Promise<void>;
}

export interface DeskLockOptions {
  /**
   * The lock's connection broke (the server restarted, the network dropped): another desk may take the lock
   * now. The desk should stop trading; the lock is re-taken when the connection returns, and onRegained says so.
   */
  onLost?: (why: string) => void;
  onRegained?: () => void;
  /** Retry interval after a loss (default 5 s). */
  retryMs?: number;
}

async function tryTake(s: PgSettings, key: string, shared = false): Promise<{ client: pg.Client; ok: boolean; holder?: string }> {
  const client = new pg.Client(pgClientConfig(s, `skewdesk ${shared ? "runner" : "desk"} ${processTag()}`));
  client.on("error", () => undefined);
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean }>(shared ? SHARED_LOCK_SQL : LOCK_SQL, [key]);
    if (r.rows[0]?.ok) return { client, ok: true };
    const h = await client.query<{ app: string | null; addr: string | null; since: Date | null }>(HOLDER_SQL, [key]).catch(() => ({ rows: [] }));
    const row = h.rows[0];
    const holder = row ? `"${row.app || "unknown"}"${row.addr ? ` from ${row.addr}` : ""}${row.since ? ` since ${row.since.toISOString()}` : ""}` : "another session";
    await client.end().catch(() => undefined);
    return { client, ok: false, holder };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/**
 * A runner of a scaled-out desk: the desk's lock in shared mode, held for the runner's life. Throws
 * DeskAlreadyRunningError while a one-process desk runs on the schema (and that desk cannot start meanwhile).
 */
export async function takeSharedDeskLock(s: PgSettings): Promise<DeskLock> {
  const r = await tryTake(s, `skewdesk:${s.schema}`, true);
  if (!r.ok) {
    throw new DeskAlreadyRunningError(
      `A one-process desk is running on ${s.display} (its lock is held by ${r.holder}): stop it before scaling out on this database and schema.`,
    );
  }
  return { release: () => r.client.end().catch(() => undefined) };
}

/** Takes the desk's lock on `s`'s schema, or throws DeskAlreadyRunningError naming who holds it. */
export async function takeDeskLock(s: PgSettings, opts: DeskLockOptions = {}): Promise<DeskLock> {
  const key = `skewdesk:${s.schema}`;
  const first = await tryTake(s, key);
  if (!first.ok) {
    throw new DeskAlreadyRunningError(
      `Another desk is already running on ${s.display}: its lock is held by ${first.holder}. Two desks on one database ` +
        `would trade the same strategy; stop the other one first, or give this one its own database or schema (DATABASE_URL ?schema=).`,
    );
  }
  let client: pg.Client | null = first.client;
  let released = false;
  let timer: NodeJS.Timeout | null = null;

  const watch = (c: pg.Client) => {
    const lost = (why: string) => {
      if (released || client !== c) return;
      client = null;
      c.end().catch(() => undefined);
      opts.onLost?.(why);
      retry();
    };
    c.on("error", (err) => lost(err.message));
    c.on("end", () => lost("the lock's connection closed"));
  };
  const retry = () => {
    if (released) return;
    timer = setTimeout(async () => {
      timer = null;
      try {
        const r = await tryTake(s, key);
        if (released) {
          if (r.ok) await r.client.end().catch(() => undefined);
          return;
        }
        if (r.ok) {
          client = r.client;
          watch(r.client);
          opts.onRegained?.();
          return;
        }
        opts.onLost?.(`the lock is now held by ${r.holder}`);
      } catch {
        // still unreachable: keep trying
      }
      retry();
    }, opts.retryMs ?? 5_000);
    timer.unref();
  };
  watch(first.client);

  return {
    async release() {
      released = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
