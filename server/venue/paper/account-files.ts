// The files of a paper account (layout in paper/README.md), their zod schemas, and the low-level reading
// and writing they need: JSONL logs whose torn last line (a kill in the middle of a write) is dropped,
// atomic replacement of the snapshots (temp file + rename), and the folder's lock. Anything else that does
// not parse is refused with a PaperAccountError naming the file, the line and what to do: a paper account
// is never silently started over.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { MarketSpec } from "@/lib/market";
import { decimalSchema, describeZodError } from "../schemas";

export const ACCOUNT_FORMAT = "skewdesk-paper-account";
export const ACCOUNT_VERSION = 1;

export const FILES = {
  snapshot: "snapshot.json",
  market: "market.json",
  journal: "journal.jsonl",
  fills: "fills.jsonl",
  lock: "lock",
} as const;

export class PaperAccountError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    advice: string,
  ) {
    super(`paper account file ${file}: ${problem}. ${advice}`);
    this.name = "PaperAccountError";
  }
}

/** What to do about a file that does not read back: the account's history is at stake, so say it plainly. */
export const CORRUPT_ADVICE = (dir: string) =>
  `The paper account cannot be restored from it. Restore the folder from a backup, or move ${dir} away to start a fresh paper account (its orders, fills, position and cash are then forgotten).`;
export const MISMATCH_ADVICE = (dir: string) =>
  `This folder belongs to another paper account: point the desk at the right data folder or seed, or move ${dir} away to start a fresh paper account.`;

const int = z.number().int();
// z.number() refuses NaN and Infinity.
const time = z.number();

/** An order as the journal and the snapshot keep it; ticks and lots are counts on the market's grid. */
export const orderRecordSchema = z
  .object({
    seq: int.positive(),
    id: z.string().min(1),
    vid: z.string().min(1),
    side: z.enum(["buy", "sell"]),
    type: z.enum(["limit", "market"]),
    /** null for a market order. */
    tick: int.nullable(),
    lots: int.positive(),
    filled: int.nonnegative(),
    status: z.enum(["pending", "open", "partially_filled", "filled", "cancelled", "rejected", "expired"]),
    queue: int.nonnegative(),
    postOnly: z.boolean(),
    reduceOnly: z.boolean(),
    /** null while in flight. */
    acceptedAt: time.nullable(),
    ts: time,
  })
  .refine((o) => o.filled <= o.lots, { message: "filled exceeds the order's size" })
  .refine((o) => (o.type === "limit") === (o.tick !== null), { message: "a limit order has a tick, a market order none" });
export type OrderRecord = z.infer<typeof orderRecordSchema>;

/** The simulated market (PaperMarketState) at `time`. */
export const marketStateSchema = z.object({
  time,
  start: time,
  fair: z.number().positive(),
  version: int.nonnegative(),
  depletedBids: int.nonnegative(),
  depletedAsks: int.nonnegative(),
  lastUpdate: time,
  nextAt: time,
  rng: z.object({ a: int, b: int, c: int, d: int, spare: z.number().nullable() }),
  regimeSetting: z.string(),
  scheduleIdx: int.nonnegative(),
  markovState: int.nonnegative(),
  nextSwitchAt: time.nullable(),
});

/**
 * One line of journal.jsonl, numbered in the account's one sequence: an order change, a position
 * adjustment, or a market checkpoint (appending one is far cheaper than replacing market.json).
 */
export const journalLineSchema = z.discriminatedUnion("k", [
  z.object({ s: int.positive(), k: z.literal("order"), o: orderRecordSchema }),
  z.object({ s: int.positive(), k: z.literal("adjust"), lots: int, ts: time }),
  z.object({ s: int.positive(), k: z.literal("market"), m: marketStateSchema }),
]);
export type JournalLine = z.infer<typeof journalLineSchema>;

/** One line of fills.jsonl: a fill in the account's sequence (s) and the trade counter (t). */
export const fillLineSchema = z.object({
  s: int.positive(),
  t: int.positive(),
  id: z.string().min(1),
  cid: z.string().min(1),
  vid: z.string().min(1),
  side: z.enum(["buy", "sell"]),
  price: decimalSchema,
  size: decimalSchema,
  fee: decimalSchema,
  liq: z.enum(["maker", "taker"]),
  ts: time,
});
export type FillLine = z.infer<typeof fillLineSchema>;

/** The market a folder was made for: an account kept in ticks and lots means nothing on another grid. */
const marketIdentity = z.object({
  symbol: z.string(),
  tickSize: z.string(),
  lotSize: z.string(),
  minSize: z.string(),
  minPrice: z.string(),
  maxPrice: z.string(),
  makerFeeRate: z.string(),
  takerFeeRate: z.string(),
});
export type MarketIdentity = z.infer<typeof marketIdentity>;

export function marketIdentityOf(m: MarketSpec): MarketIdentity {
  return {
    symbol: m.symbol,
    tickSize: m.tickSize.toString(),
    lotSize: m.lotSize.toString(),
    minSize: m.minSize.toString(),
    minPrice: m.minPrice.toString(),
    maxPrice: m.maxPrice.toString(),
    makerFeeRate: m.makerFeeRate.toString(),
    takerFeeRate: m.takerFeeRate.toString(),
  };
}

const header = {
  format: z.literal(ACCOUNT_FORMAT, { error: `not a Skewdesk paper account file (format must be "${ACCOUNT_FORMAT}")` }),
  version: z.literal(ACCOUNT_VERSION, { error: (iss) => `written by an incompatible version (${JSON.stringify(iss.input)}; this build reads ${ACCOUNT_VERSION})` }),
  venue: z.string().min(1),
  seed: int,
  market: marketIdentity,
};

/** snapshot.json: the account through record `seq` of the sequence (fills excepted: fills.jsonl keeps them all). */
export const snapshotSchema = z.object({
  ...header,
  seq: int.nonnegative(),
  savedAt: time,
  orderSeq: int.nonnegative(),
  tradeSeq: int.nonnegative(),
  positionLots: int,
  cash: decimalSchema,
  orders: z.array(orderRecordSchema),
  finished: z.array(z.string()),
  resting: z.object({ bids: z.array(z.string()), asks: z.array(z.string()) }),
});
export type SnapshotFile = z.input<typeof snapshotSchema>;
export type Snapshot = z.output<typeof snapshotSchema>;

/** market.json: the simulated market when the snapshot was taken (later checkpoints are journal records). */
export const marketFileSchema = z.object({ ...header, state: marketStateSchema });
export type MarketFile = z.output<typeof marketFileSchema>;


/** Reads and validates a JSON file; PaperAccountError on anything wrong. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S, advice: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new PaperAccountError(path, `cannot be read as JSON (${(err as Error).message})`, advice);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new PaperAccountError(path, describeZodError(r.error), advice);
  return r.data;
}

/**
 * Reads a JSONL log. A last line without its newline is a write the process did not finish (it was killed
 * mid-write, before anything it recorded was acted on): it is dropped and cut from the file, so appends
 * continue on a clean line. Any other bad line is corruption.
 */
export function readLog<S extends z.ZodType>(path: string, schema: S, advice: string): { line: number; value: z.output<S> }[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  const out: { line: number; value: z.output<S> }[] = [];
  const lines = text.slice(0, end).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new PaperAccountError(`${path}:${i + 1}`, `not JSON (${(err as Error).message})`, advice);
    }
    const r = schema.safeParse(json);
    if (!r.success) throw new PaperAccountError(`${path}:${i + 1}`, describeZodError(r.error), advice);
    out.push({ line: i + 1, value: r.data });
  }
  return out;
}

export function nonEmpty(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0;
}

/**
 * Replaces `path` as a whole: a reader sees the old file or the new one, never half of either, whatever
 * kills the process. With `fsync` that holds through an OS crash too (the data reaches the disk before
 * the rename does, and the rename before we go on).
 */
export function writeAtomic(dir: string, name: string, text: string, fsync: boolean): void {
  const path = join(dir, name);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, text);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (!fsync) return;
  // The rename itself lives in the directory: sync it too, or an OS crash may bring back the old file.
  const dfd = openSync(dir, "r");
  try {
    fsyncSync(dfd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic for a process kill.
  } finally {
    closeSync(dfd);
  }
}

/**
 * Takes the folder's lock for this process. A lock left by a process that no longer runs (kill -9) is
 * taken over; one held by a live process is refused, since two writers would interleave their logs.
 */
export function takeLock(dir: string): () => void {
  const path = join(dir, FILES.lock);
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new PaperAccountError(path, `the account is in use by process ${pid}`, "Stop that process first, or give this run another data folder.");
    }
  }
  writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
  return () => {
    try {
      if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
