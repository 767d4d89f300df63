// Recorded market data for the replay venue, in one of two formats, validated line by line.
//
// JSONL: one event per line, blank lines and lines starting with '#' ignored.
//   {"type":"book","ts":1700000000000,"bids":[["1999.80","0.35"],...],"asks":[["2000.20","0.14"],...]}
//   {"type":"trade","ts":1700000000350,"side":"sell","price":"1999.80","size":"0.12"}
//   Levels are [price, size] or {"price":..,"size":..}; numbers or decimal strings; ts in ms or ISO-8601.
//   A book line is a full snapshot (it replaces the previous one); side of a trade is the aggressor's.
//
// CSV: a header naming the columns ts,type,side,price,size (any order), then one row per trade or per
// book level:
//   ts,type,side,price,size
//   1700000000000,book,bid,1999.80,0.35     <- consecutive book rows with the same ts form one snapshot
//   1700000000000,book,ask,2000.20,0.14
//   1700000000350,trade,sell,1999.80,0.12   <- side = aggressor (buy|sell)
//
// Events must be in non-decreasing ts order. Any bad line fails the whole file with its line number.
import { readFile } from "node:fs/promises";
import { describeZodError, replayEventSchema, type ReplayEvent } from "../schemas";

export type { ReplayEvent };

/** A parsed event and the line it came from (for error messages further down). */
export type ReplayRecord = ReplayEvent & { readonly line: number };

export class ReplayFileError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source}:${line}: ${message}`);
    this.name = "ReplayFileError";
  }
}

export function parseReplayJsonl(text: string, source = "replay.jsonl"): ReplayRecord[] {
  const out: ReplayRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw || raw.startsWith("#")) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new ReplayFileError(source, i + 1, `invalid JSON: ${(err as Error).message}`);
    }
    const r = replayEventSchema.safeParse(json);
    if (!r.success) throw new ReplayFileError(source, i + 1, describeZodError(r.error));
    push(out, { ...r.data, line: i + 1 }, source);
  }
  return out;
}

const CSV_COLUMNS = ["ts", "type", "side", "price", "size"] as const;

export function parseReplayCsv(text: string, source = "replay.csv"): ReplayRecord[] {
  const lines = text.split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (!lines[h]!.trim() || lines[h]!.trim().startsWith("#"))) h++;
  if (h >= lines.length) return [];
  const header = splitCsv(lines[h]!).map((c) => c.toLowerCase());
  const col: Record<string, number> = {};
  for (const name of CSV_COLUMNS) {
    const k = header.indexOf(name);
    if (k < 0) throw new ReplayFileError(source, h + 1, `header must name the columns ${CSV_COLUMNS.join(",")}; missing "${name}"`);
    col[name] = k;
  }
  const out: ReplayRecord[] = [];
  let book: { ts: unknown; line: number; bids: [string, string][]; asks: [string, string][] } | null = null;
  const flushBook = () => {
    if (!book) return;
    const r = replayEventSchema.safeParse({ type: "book", ts: book.ts, bids: book.bids, asks: book.asks });
    if (!r.success) throw new ReplayFileError(source, book.line, `book snapshot starting here: ${describeZodError(r.error)}`);
    push(out, { ...r.data, line: book.line }, source);
    book = null;
  };
  for (let i = h + 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw || raw.startsWith("#")) continue;
    const cells = splitCsv(raw);
    if (cells.length !== header.length) throw new ReplayFileError(source, i + 1, `expected ${header.length} columns, got ${cells.length}`);
    const get = (name: (typeof CSV_COLUMNS)[number]) => cells[col[name]!]!;
    const type = get("type").toLowerCase();
    if (type === "book") {
      const side = get("side").toLowerCase();
      if (side !== "bid" && side !== "ask") throw new ReplayFileError(source, i + 1, `a book row's side must be bid or ask, got "${get("side")}"`);
      if (book && book.ts !== get("ts")) flushBook();
      if (!book) book = { ts: get("ts"), line: i + 1, bids: [], asks: [] };
      (side === "bid" ? book.bids : book.asks).push([get("price"), get("size")]);
    } else if (type === "trade") {
      flushBook();
      const r = replayEventSchema.safeParse({ type: "trade", ts: get("ts"), side: get("side"), price: get("price"), size: get("size") });
      if (!r.success) throw new ReplayFileError(source, i + 1, describeZodError(r.error));
      push(out, { ...r.data, line: i + 1 }, source);
    } else {
      throw new ReplayFileError(source, i + 1, `type must be book or trade, got "${get("type")}"`);
    }
  }
  flushBook();
  return out;
}

/** Reads a .jsonl/.ndjson or .csv file (or the format given). */
export async function readReplayFile(path: string, format?: "jsonl" | "csv"): Promise<ReplayRecord[]> {
  const text = await readFile(path, "utf8");
  const fmt = format ?? (/\.csv$/i.test(path) ? "csv" : "jsonl");
  return fmt === "csv" ? parseReplayCsv(text, path) : parseReplayJsonl(text, path);
}

function push(out: ReplayRecord[], ev: ReplayRecord, source: string): void {
  const prev = out[out.length - 1];
  if (prev && ev.ts < prev.ts) throw new ReplayFileError(source, ev.line, `ts ${ev.ts} goes back in time (line ${prev.line} has ${prev.ts})`);
  out.push(ev);
}

function splitCsv(line: string): string[] {
  return line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
}
