// The stream's l2Book messages into Decimals, quickly: a book arrives with every market move and is on the
// way to the order it causes. decimal.js takes ~1 µs to parse a short decimal text and the zod schema
// (wire.ts l2BookSchema) ~50 µs more for a 20-level book, so a book cost ~0.13 ms before a decision began.
// - A level's text that passes a strict plain-decimal pattern (at most 20 integer digits and 18 decimal
//   places: within what checkedDecimal admits, so the same value and the same checks) becomes its Decimal
//   directly, without zod in between.
// - Decimals are immutable, and a book repeats the texts of the last ones (unchanged levels, round sizes):
//   each text is parsed once and its Decimal reused while it keeps coming (a bounded table, emptied when full).
// - Anything else (a number, an exponent, a sign, a missing field, an extra side) goes through the zod
//   schema as before, which accepts what it accepted and refuses with the same message naming the field.
import Decimal from "decimal.js";
import type { BookLevel } from "@/lib/market";
import { parseVenueData } from "@/server/venue/schemas";
import { VENUE } from "./errors";
import { l2BookSchema } from "./wire";

export interface L2Book {
  coin: string;
  time: number;
  levels: [BookLevel[], BookLevel[]];
}

const PLAIN = /^\d{1,20}(?:\.\d{1,18})?$/;

export class BookReader {
  private readonly seen = new Map<string, Decimal>();

  constructor(private readonly capacity = 4096) {}

  /** The book, or BadResponse naming the bad field (as parseVenueData with l2BookSchema). */
  read(data: unknown, where = "l2Book"): L2Book {
    return this.fast(data) ?? parseVenueData(l2BookSchema, data, where, VENUE);
  }

  /** Texts remembered now (tests). */
  get size(): number {
    return this.seen.size;
  }

  private fast(data: unknown): L2Book | null {
    if (typeof data !== "object" || data === null) return null;
    const { coin, time, levels } = data as { coin?: unknown; time?: unknown; levels?: unknown };
    if (typeof coin !== "string" || typeof time !== "number" || !Number.isFinite(time) || !Array.isArray(levels) || levels.length !== 2) return null;
    const bids = this.side(levels[0]);
    const asks = bids && this.side(levels[1]);
    return asks ? { coin, time, levels: [bids!, asks] } : null;
  }

  private side(raw: unknown): BookLevel[] | null {
    if (!Array.isArray(raw)) return null;
    const out: BookLevel[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const l = raw[i] as { px?: unknown; sz?: unknown } | null;
      if (typeof l !== "object" || l === null || Array.isArray(l)) return null;
      const price = this.decimal(l.px);
      const size = this.decimal(l.sz);
      // Price > 0 and size >= 0 (no sign passes the pattern): a zero price is the schema's to refuse.
      if (price === null || size === null || price.isZero()) return null;
      out[i] = { price, size };
    }
    return out;
  }

  private decimal(v: unknown): Decimal | null {
    if (typeof v !== "string") return null;
    const known = this.seen.get(v);
    if (known) return known;
    if (!PLAIN.test(v)) return null;
    if (this.seen.size >= this.capacity) this.seen.clear();
    const d = new Decimal(v);
    this.seen.set(v, d);
    return d;
  }
}
