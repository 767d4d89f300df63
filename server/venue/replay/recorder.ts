// The desk's own recordings: the books it sees (less its own orders) and the market's trades, written in
// the replay format (replay-file.ts, JSONL) so the lab can replay the market the desk actually traded.
// Files rotate at a size and the folder is capped: past the cap the oldest recordings are deleted. A write
// that fails stops the recording (once, with a message), never the desk.
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { OrderBook, Side } from "@/lib/market";
import type Decimal from "decimal.js";

export interface RecorderOptions {
  dir: string;
  /** A file is closed and a new one started past this many bytes. */
  maxFileBytes: number;
  /** The folder's recordings are kept under this many bytes, the oldest deleted first. */
  maxTotalBytes: number;
  /** Book levels kept per side. */
  depth?: number;
  /** Names files: recording-<time>.jsonl. */
  now?: () => number;
  log?: (line: string) => void;
}

export const RECORDING_NAME = /^recording-\d{8}T\d{6}(-\d+)?\.jsonl$/;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "");

export class ReplayRecorder {
  private fd: number | null = null;
  private path = "";
  private bytes = 0;
  private lastBookTs = -Infinity;
  private lastTs = -Infinity;
  private failed = false;
  private pending: { type: "trade"; ts: number; side: Side; price: string; size: string }[] = [];
  private readonly depth: number;

  constructor(private readonly opts: RecorderOptions) {
    this.depth = opts.depth ?? 20;
    if (!(opts.maxFileBytes > 0 && opts.maxTotalBytes >= opts.maxFileBytes)) throw new Error("recorder: need 0 < maxFileBytes <= maxTotalBytes");
  }

  /**
   * A full snapshot; a book with the same timestamp as the last one recorded is skipped. Trades reported
   * before it but stamped at or before its time are written first, so the file stays in time order.
   */
  book(b: OrderBook): void {
    const ts = Math.floor(b.ts);
    if (ts <= this.lastBookTs || !(b.bids.length || b.asks.length)) return;
    this.lastBookTs = ts;
    this.flushTrades(ts);
    const side = (levels: OrderBook["bids"]) => levels.slice(0, this.depth).map((l) => [l.price.toString(), l.size.toString()]);
    this.write({ type: "book", ts, bids: side(b.bids), asks: side(b.asks) });
  }

  /** A trade on the market; side is the aggressor's. Held until the next book (or close) puts it in order. */
  trade(t: { ts: number; side: Side; price: Decimal; size: Decimal }): void {
    this.pending.push({ type: "trade", ts: Math.floor(t.ts), side: t.side, price: t.price.toString(), size: t.size.toString() });
    if (this.pending.length >= 10_000) this.flushTrades(Infinity);
  }

  private flushTrades(upTo: number): void {
    if (!this.pending.length) return;
    this.pending.sort((a, b) => a.ts - b.ts);
    let i = 0;
    while (i < this.pending.length && this.pending[i]!.ts <= upTo) this.write(this.pending[i++]!);
    this.pending.splice(0, i);
  }

  get file(): string {
    return this.path;
  }

  private write(ev: { ts: number } & Record<string, unknown>): void {
    if (this.failed) return;
    // The replay format needs time order: an event stamped before the last one is dropped.
    if (ev.ts < this.lastTs) return;
    this.lastTs = ev.ts;
    try {
      const line = Buffer.from(JSON.stringify(ev) + "\n");
      if (this.fd === null || this.bytes + line.length > this.opts.maxFileBytes) this.rotate(ev.ts);
      writeSync(this.fd!, line);
      this.bytes += line.length;
    } catch (err) {
      this.failed = true;
      this.opts.log?.(`recording stopped: ${(err as Error).message}`);
    }
  }

  private rotate(ts: number): void {
    this.closeFile();
    mkdirSync(this.opts.dir, { recursive: true, mode: 0o700 });
    const base = `recording-${stamp(this.opts.now?.() ?? ts)}`;
    let name = `${base}.jsonl`;
    for (let i = 1; existsIn(this.opts.dir, name); i++) name = `${base}-${i}.jsonl`;
    this.path = join(this.opts.dir, name);
    this.fd = openSync(this.path, "a", 0o600);
    this.bytes = 0;
    this.prune();
  }

  /** Deletes the oldest recordings (never the one being written) until the folder fits the cap. */
  private prune(): void {
    const files = readdirSync(this.opts.dir)
      .filter((n) => RECORDING_NAME.test(n))
      .map((n) => ({ n, p: join(this.opts.dir, n), s: statSync(join(this.opts.dir, n)) }))
      .sort((a, b) => a.s.mtimeMs - b.s.mtimeMs || (a.n < b.n ? -1 : 1));
    let total = files.reduce((a, f) => a + f.s.size, 0) + this.opts.maxFileBytes;
    for (const f of files) {
      if (total <= this.opts.maxTotalBytes) break;
      if (f.p === this.path) continue;
      unlinkSync(f.p);
      total -= f.s.size;
    }
  }

  /** Writes the trades still held, then closes the file. */
  close(): void {
    this.flushTrades(Infinity);
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function existsIn(dir: string, name: string): boolean {
  try {
    statSync(join(dir, name));
    return true;
  } catch {
    return false;
  }
}
