// The desk's book of money that moved: every fill (and every audited adjustment) goes journal first
// (durable), then into the position, then to the database through the ordered write queue. Idempotent by
// the venue's trade id: a fill seen twice (redelivery, reconciliation, journal replay) is booked once.
import Decimal from "decimal.js";
import { applyFill, flatPosition, type Position } from "@/lib/portfolio";
import type { FillKind, FillRecord, NewFill, Store } from "@/server/store";
import type { Side } from "@/lib/market";
import type { VenueFill } from "@/server/venue/types";
import { JournalWriteError, type FillJournal, type JournalFill } from "@/server/runner/fill-journal";
import type { WriteQueue } from "@/server/runner/write-queue";

/** A fill as the ledger books it: a venue trade, or an adjustment that belongs to no order. */
export interface LedgerEntry {
  readonly tradeId: string;
  readonly clientOrderId: string | null;
  readonly venueOrderId: string | null;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly fee: Decimal;
  readonly liquidity: "maker" | "taker";
  readonly ts: number;
  readonly kind: FillKind;
  readonly note: string | null;
}

export interface FillLedgerDeps {
  journal: FillJournal;
  store: Store;
  writes: WriteQueue;
  venueId: string;
  strategyId: string;
  runId: () => string | null;
  /** False: fills are booked in memory (and the journal) only, never written to the store. Default true. */
  record?: boolean;
  /** The journal could not be written: durability is gone, the owner halts quoting. */
  onJournalBroken: (err: JournalWriteError) => void;
  /** After the position moved. */
  onBooked: (e: LedgerEntry, position: Position) => void;
}

// Field by field rather than a spread: every fill passes here, and a spread of an object of unknown shape is
// several times slower than a literal of a known one.
export const entryOfFill = (f: VenueFill): LedgerEntry => ({
  tradeId: f.tradeId,
  clientOrderId: f.clientOrderId,
  venueOrderId: f.venueOrderId,
  side: f.side,
  price: f.price,
  size: f.size,
  fee: f.fee,
  liquidity: f.liquidity,
  ts: f.ts,
  kind: "trade",
  note: null,
});

export class FillLedger {
  private pos: Position = flatPosition;
  private readonly seen = new Set<string>();
  private broken = false;

  constructor(private readonly deps: FillLedgerDeps) {}

  get position(): Position {
    return this.pos;
  }

  get journalBroken(): boolean {
    return this.broken;
  }

  has(tradeId: string): boolean {
    return this.seen.has(tradeId);
  }

  /** Rebuilds the position from stored fills, in the order they were recorded. */
  restore(fills: readonly FillRecord[]): void {
    for (const f of fills) {
      this.seen.add(f.venueTradeId);
      this.pos = applyFill(this.pos, f);
    }
  }

  /**
   * Books the journal's entries the database never saw (the process died, or the database was down).
   * `each` runs right after each entry is booked, before the next: what it writes (its order's new state)
   * queues behind that fill and ahead of the next one, as when the fills arrived live.
   */
  replayJournal(each?: (e: LedgerEntry) => void): LedgerEntry[] {
    const booked: LedgerEntry[] = [];
    for (const j of this.deps.journal.readAll()) {
      const e = fromJournal(j);
      if (!this.book(e, false)) continue;
      booked.push(e);
      each?.(e);
    }
    return booked;
  }

  /** Returns false when this trade was already booked. */
  book(e: LedgerEntry, journal = true): boolean {
    if (this.seen.has(e.tradeId)) return false;
    if (journal && this.deps.journal.keeps) {
      try {
        this.deps.journal.append(toJournal(e));
      } catch (err) {
        // Booking continues in memory and in the database; the owner halts quoting.
        if (err instanceof JournalWriteError && !this.broken) {
          this.broken = true;
          this.deps.onJournalBroken(err);
        }
      }
    }
    this.seen.add(e.tradeId);
    this.pos = applyFill(this.pos, e);
    const inventoryAfter = this.pos.qty;
    const realizedAfter = this.pos.realized;
    if (this.deps.record !== false) {
      const fill: NewFill = {
        strategyId: this.deps.strategyId,
        runId: this.deps.runId(),
        venue: this.deps.venueId,
        venueTradeId: e.tradeId,
        kind: e.kind,
        note: e.note,
        clientOrderId: e.clientOrderId,
        side: e.side,
        price: e.price,
        size: e.size,
        fee: e.fee,
        liquidity: e.liquidity,
        inventoryAfter,
        realizedPnlAfter: realizedAfter,
        ts: new Date(e.ts),
      };
      this.deps.writes.pushWrite({ op: "recordFill", fill }, () => this.deps.store.recordFill(fill), {
        label: `fill ${e.tradeId}`,
        then: () => this.truncateJournalIfDrained(),
      });
    }
    this.deps.onBooked(e, this.pos);
    return true;
  }

  /** Truncates once everything journaled is in the database: the queue is empty (a write leaves it before its `then`). */
  truncateJournalIfDrained(): void {
    // After a dead-lettered write the journal may hold the only record of a fill: it is kept (and replayed,
    // and refused again with an alert, at every start) rather than truncated.
    if (this.deps.writes.length === 0 && !this.broken && this.deps.writes.deadLettered === 0) {
      try {
        this.deps.journal.truncate();
      } catch {
        // Entries left behind are harmless: recovery skips those already in the database.
      }
    }
  }
}

function toJournal(e: LedgerEntry): JournalFill {
  return {
    tradeId: e.tradeId,
    clientOrderId: e.clientOrderId,
    venueOrderId: e.venueOrderId,
    side: e.side,
    price: e.price.toString(),
    size: e.size.toString(),
    fee: e.fee.toString(),
    liquidity: e.liquidity,
    ts: e.ts,
    kind: e.kind,
    note: e.note,
  };
}

function fromJournal(j: JournalFill): LedgerEntry {
  return {
    tradeId: j.tradeId,
    clientOrderId: j.clientOrderId,
    venueOrderId: j.venueOrderId,
    side: j.side,
    price: new Decimal(j.price),
    size: new Decimal(j.size),
    fee: new Decimal(j.fee),
    liquidity: j.liquidity,
    ts: j.ts,
    kind: j.kind ?? "trade",
    note: j.note ?? null,
  };
}
