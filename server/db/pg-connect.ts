// How the desk talks to PostgreSQL: with timeouts everywhere. Without them a connection that stopped answering
// (a proxy that accepts and never forwards, a blackholed address) hung every query forever: writes queued for
// 14 minutes with no error, and a start against an unreachable DATABASE_URL never printed a word.
//
// - connect: a connection that is not established within connectTimeoutMs fails (start-up says so clearly);
// - statement_timeout: the server cancels a statement running longer than statementTimeoutMs;
// - query_timeout: the client gives up on an answer that never comes (the server cannot cancel what it never
//   received); set a little later than the server's, so a live server's own timeout reports first;
// - a query that fails this way releases its connection with the error, and the pool replaces it.
import { hostname } from "node:os";
import pg from "pg";

export interface PgSettings {
  connectionString: string;
  schema: string;
  /** Where, without credentials, for messages. */
  display: string;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export class DbUnreachableError extends Error {
  override name = "DbUnreachableError";
}

/** Pool settings shared by the Prisma adapter, the start-up probe and the desk lock. */
export function pgClientConfig(s: PgSettings, applicationName = "skewdesk"): pg.PoolConfig {
  return {
    connectionString: s.connectionString,
    // search_path makes the schema engine's unqualified migration SQL land in the desk's schema.
    options: `-c search_path="${s.schema}"`,
    application_name: applicationName,
    connectionTimeoutMillis: s.connectTimeoutMs,
    statement_timeout: s.statementTimeoutMs,
    query_timeout: s.statementTimeoutMs + 2_000,
    idle_in_transaction_session_timeout: s.statementTimeoutMs * 2,
    // Dead peers are noticed by TCP keepalive even while idle, so the pool drops them before handing them out.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** "skewdesk desk pid 1234 on host": what another desk's refusal message names as the lock's holder. */
export function processTag(): string {
  return `pid ${process.pid} on ${hostname()}`.slice(0, 50);
}

/** Why a connection failed, in a sentence (never the URL: it may carry a password). */
function reason(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const msg = e?.message || String(err);
  return /timeout/i.test(msg) ? `no answer within the connect timeout (${msg})` : e?.code ? `${msg} [${e.code}]` : msg;
}

/**
 * Connects once before anything else, with the timeouts, and creates the schema when it is not "public".
 * Throws DbUnreachableError naming the server and the reason within about connectTimeoutMs.
 */
export async function probePostgres(s: PgSettings): Promise<void> {
  const client = new pg.Client(pgClientConfig(s, "skewdesk start-up"));
  // A socket error after connect must not become an uncaught 'error' event.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new DbUnreachableError(
      `Cannot connect to PostgreSQL at ${s.display}: ${reason(err)}. Check DATABASE_URL and that the server is up and reachable.`,
      { cause: err },
    );
  }
  try {
    await client.query("SELECT 1");
    if (s.schema !== "public") await client.query(`CREATE SCHEMA IF NOT EXISTS "${s.schema}"`);
  } catch (err) {
    throw new DbUnreachableError(`PostgreSQL at ${s.display} accepted the connection but did not answer: ${reason(err)}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
