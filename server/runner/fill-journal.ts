// A durable local journal of fills: every fill is appended and fsynced BEFORE the database sees it, so a
// database outage or a crash between the venue's report and the insert loses nothing. On recovery the
// journal is replayed into the store (inserts are idempotent on the venue trade id) and then truncated.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, existsSync, ftruncateSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

export const journalFillSchema = z.object({
  tradeId: z.string().min(1),
  clientOrderId: z.string().min(1).nullable(),
  venueOrderId: z.string().nullable(),
  side: z.enum(["buy", "sell"]),
  price: z.string(),
  size: z.string(),
  fee: z.string(),
  liquidity: z.enum(["maker", "taker"]),
  ts: z.number(),
  kind: z.enum(["trade", "adjustment"]).default("trade"),
  note: z.string().nullable().default(null),
});
export type JournalFill = z.input<typeof journalFillSchema>;

export class JournalWriteError extends Error {
  constructor(cause: unknown) {
    super(`fill journal write failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "JournalWriteError";
  }
}

export class FillJournal {
  private fd: number | null = null;
  /** False for a journal that keeps nothing (a lab simulation's): the ledger then skips building entries. */
  readonly keeps: boolean = true;

  constructor(
    readonly path: string,
    /** fsync each append; off only for benchmarks and throwaway simulations. */
    private readonly durable = true,
  ) {}

  private open(): number {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a", 0o600);
    }
    return this.fd;
  }

  /** Throws JournalWriteError when the fill could not be made durable: the caller must halt quoting. */
  append(fill: JournalFill): void {
    try {
      const fd = this.open();
      writeSync(fd, JSON.stringify(fill) + "\n");
      if (this.durable) fsyncSync(fd);
    } catch (err) {
      throw new JournalWriteError(err);
    }
  }

  /** Every complete entry; a torn last line (crash mid-write) is ignored, since its fill never reached the store either. */
  readAll(): JournalFill[] {
    if (!existsSync(this.path)) return [];
    const out: JournalFill[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const parsed = journalFillSchema.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // torn line
      }
    }
    return out;
  }

  /** After every entry is known to be in the store. */
  truncate(): void {
    const fd = this.open();
    ftruncateSync(fd, 0);
    if (this.durable) fsyncSync(fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
