// FillLedger (server/runner/fill-ledger.ts): journal first, then the position, then the database through
// the ordered write queue; idempotent by trade id; a broken journal is reported once and booking goes on;
// replay books only what the database has not seen; the journal is truncated only once its entries are
// all in the database.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { Side } from "@/lib/market";
import { FillJournal, JournalWriteError, type JournalFill } from "@/server/runner/fill-journal";
import { FillLedger, entryOfFill, type LedgerEntry } from "@/server/runner/fill-ledger";
import { WriteQueue } from "@/server/runner/write-queue";
import { createMemoryStore, type NewFill, type Store } from "@/server/store";
import { D, settle } from "@/tests/support/runner-doubles";

/** A journal in memory: `entries` is what readAll returns; every call is logged. */
class JournalDouble extends FillJournal {
  entries: JournalFill[] = [];
  readonly appended: JournalFill[] = [];
  truncations = 0;
  failWith: unknown = null;

  constructor(private readonly onAppend: (f: JournalFill) => void) {
    super("/nonexistent/unused-fills.jsonl");
  }

  override append(f: JournalFill): void {
    this.onAppend(f);
    if (this.failWith !== null) throw this.failWith;
    this.appended.push(f);
  }

  override readAll(): JournalFill[] {
    return this.entries.slice();
  }

  override truncate(): void {
    this.truncations++;
  }
}

let n = 0;

class LedgerRig {
  readonly log: string[] = [];
  readonly journal = new JournalDouble((f) => this.log.push(`journal ${f.tradeId} at ${this.ledger.position.qty}`));
  readonly writes = new WriteQueue({ maxDroppable: 100, onError: () => undefined, onRecovered: () => undefined });
  readonly broken: JournalWriteError[] = [];
  readonly booked: Array<[string, string]> = [];
  /** When set, each recordFill waits for the test to call the next function in `held`. */
  hold = false;
  readonly held: Array<() => void> = [];
  /** When set, recordFill fails (the database is down). */
  down = false;
  ledger!: FillLedger;

  private constructor(
    readonly store: Store,
    readonly strategyId: string,
  ) {}

  static async open(store: Store = createMemoryStore()): Promise<LedgerRig> {
    const s = await store.ensureStrategy({ name: `ledger-${++n}`, market: "test", symbol: "TEST-USD", venue: "hand", mode: "paper" });
    const rig = new LedgerRig(store, s.id);
    const record = store.recordFill.bind(store);
    store.recordFill = async (f: NewFill) => {
      rig.log.push(`store ${f.venueTradeId} at ${rig.ledger.position.qty} after ${f.inventoryAfter}`);
      if (rig.down) throw new Error("database unavailable (test)");
      if (rig.hold) await new Promise<void>((r) => rig.held.push(r));
      return record(f);
    };
    rig.ledger = rig.newLedger();
    return rig;
  }

  newLedger(): FillLedger {
    return new FillLedger({
      journal: this.journal,
      store: this.store,
      writes: this.writes,
      venueId: "hand",
      strategyId: this.strategyId,
      runId: () => null,
      onJournalBroken: (err) => void this.broken.push(err),
      onBooked: (e, pos) => void this.booked.push([e.tradeId, pos.qty.toString()]),
    });
  }

  async stored(): Promise<Array<[string, string, string, string | null]>> {
    const fills = await this.store.listFills(this.strategyId, { limit: 100 });
    return fills.reverse().map((f) => [f.venueTradeId, f.kind, f.inventoryAfter.toString(), f.note]);
  }
}

function trade(tradeId: string, side: Side, size: Decimal.Value, price: Decimal.Value = 100): LedgerEntry {
  return entryOfFill({ tradeId, clientOrderId: "c-1", venueOrderId: "v-1", side, price: D(price), size: D(size), fee: D("0.01"), liquidity: "maker", ts: 1_000 });
}

const adjustment = (tradeId: string, side: Side, size: Decimal.Value): LedgerEntry => ({
  tradeId,
  clientOrderId: null,
  venueOrderId: null,
  side,
  price: D(100),
  size: D(size),
  fee: D(0),
  liquidity: "taker",
  ts: 2_000,
  kind: "adjustment",
  note: "adopt the venue's position: operator checked the venue's statement",
});

const journaled = (e: LedgerEntry): JournalFill => ({ ...e, price: e.price.toString(), size: e.size.toString(), fee: e.fee.toString() });

describe("FillLedger.book", () => {
  test("journal first, then the position, then the database", async () => {
    const r = await LedgerRig.open();
    assert.equal(r.ledger.book(trade("T1", "buy", "0.3")), true);
    assert.equal(r.ledger.book(trade("T2", "sell", "0.1")), true);
    assert.ok(await r.writes.flush(1_000));
    assert.deepEqual(r.log, ["journal T1 at 0", "store T1 at 0.3 after 0.3", "journal T2 at 0.3", "store T2 at 0.2 after 0.2"]);
    assert.deepEqual(r.booked, [["T1", "0.3"], ["T2", "0.2"]]);
    assert.deepEqual(r.journal.appended[0], { tradeId: "T1", clientOrderId: "c-1", venueOrderId: "v-1", side: "buy", price: "100", size: "0.3", fee: "0.01", liquidity: "maker", ts: 1_000, kind: "trade", note: null });
    assert.deepEqual(await r.stored(), [["T1", "trade", "0.3", null], ["T2", "trade", "0.2", null]]);
    assert.equal(r.ledger.position.qty.toString(), "0.2");
    assert.equal(r.ledger.position.fees.toString(), "0.02");
  });

  test("the same trade id booked twice counts once", async () => {
    const r = await LedgerRig.open();
    assert.equal(r.ledger.book(trade("T1", "buy", "0.3")), true);
    assert.equal(r.ledger.book(trade("T1", "buy", "0.3")), false);
    assert.equal(r.ledger.has("T1"), true);
    assert.ok(await r.writes.flush(1_000));
    assert.equal(r.ledger.position.qty.toString(), "0.3");
    assert.equal(r.journal.appended.length, 1);
    assert.equal(r.booked.length, 1);
    assert.deepEqual(await r.stored(), [["T1", "trade", "0.3", null]]);
  });

  test("a trade restored from the database is not booked again", async () => {
    const r = await LedgerRig.open();
    r.ledger.book(trade("T1", "buy", "0.3"));
    r.ledger.book(trade("T2", "buy", "0.2", 110));
    assert.ok(await r.writes.flush(1_000));
    const next = r.newLedger();
    next.restore(await r.store.listFills(r.strategyId, { limit: 100 }).then((f) => f.reverse()));
    assert.equal(next.position.qty.toString(), "0.5");
    assert.equal(next.position.avgPrice.toString(), "104");
    assert.equal(next.book(trade("T2", "buy", "0.2", 110)), false);
    assert.equal(next.position.qty.toString(), "0.5");
  });

  test("a journal that cannot be written is reported once; booking continues in memory and in the database", async () => {
    const r = await LedgerRig.open();
    const err = new JournalWriteError(new Error("ENOSPC: no space left on device"));
    r.journal.failWith = err;
    assert.equal(r.ledger.book(trade("T1", "buy", "0.3")), true);
    assert.equal(r.ledger.book(trade("T2", "buy", "0.2")), true);
    assert.deepEqual(r.broken, [err]);
    assert.equal(r.ledger.journalBroken, true);
    assert.equal(r.ledger.position.qty.toString(), "0.5");
    assert.ok(await r.writes.flush(1_000));
    assert.deepEqual((await r.stored()).map((s) => s[0]), ["T1", "T2"]);
    r.ledger.truncateJournalIfDrained();
    assert.equal(r.journal.truncations, 0, "a broken journal is never truncated");
  });

  test("an adjustment (kind and note) goes through the same path, once", async () => {
    const r = await LedgerRig.open();
    r.ledger.book(trade("T1", "buy", "0.3"));
    const adj = adjustment("adj-1", "sell", "0.05");
    assert.equal(r.ledger.book(adj), true);
    assert.equal(r.ledger.book(adj), false);
    assert.ok(await r.writes.flush(1_000));
    assert.deepEqual(r.log.slice(2), ["journal adj-1 at 0.3", "store adj-1 at 0.25 after 0.25"]);
    assert.deepEqual(r.journal.appended[1], journaled(adj));
    assert.deepEqual((await r.stored())[1], ["adj-1", "adjustment", "0.25", adj.note]);
    const rows = await r.store.listFills(r.strategyId, { limit: 1 });
    assert.equal(rows[0]!.clientOrderId, null);
    assert.equal(r.ledger.position.qty.toString(), "0.25");
  });
});

describe("FillLedger.replayJournal", () => {
  test("books only the entries the database does not hold, in order, without journaling them again", async () => {
    const r = await LedgerRig.open();
    r.ledger.book(trade("T1", "buy", "0.3"));
    assert.ok(await r.writes.flush(1_000));
    const restarted = r.newLedger();
    restarted.restore(await r.store.listFills(r.strategyId, { limit: 100 }));
    r.journal.entries = [journaled(trade("T1", "buy", "0.3")), journaled(trade("T2", "buy", "0.2")), journaled(adjustment("adj-1", "sell", "0.1"))];
    const appendedBefore = r.journal.appended.length;

    const seen: Array<[string, string]> = [];
    const booked = restarted.replayJournal((e) => seen.push([e.tradeId, restarted.position.qty.toString()]));
    assert.deepEqual(booked.map((e) => [e.tradeId, e.kind, e.note]), [["T2", "trade", null], ["adj-1", "adjustment", adjustment("adj-1", "sell", 0).note]]);
    assert.deepEqual(seen, [["T2", "0.5"], ["adj-1", "0.4"]], "each runs right after its entry is booked");
    assert.equal(r.journal.appended.length, appendedBefore);
    assert.equal(restarted.position.qty.toString(), "0.4");
    assert.ok(booked[0]!.price instanceof Decimal);
    assert.ok(await r.writes.flush(1_000));
    assert.deepEqual(await r.stored(), [["T1", "trade", "0.3", null], ["T2", "trade", "0.5", null], ["adj-1", "adjustment", "0.4", adjustment("adj-1", "sell", 0).note]]);
  });

  test("replaying twice books nothing the second time", async () => {
    const r = await LedgerRig.open();
    r.journal.entries = [journaled(trade("T1", "sell", "0.3"))];
    assert.equal(r.ledger.replayJournal().length, 1);
    assert.equal(r.ledger.replayJournal().length, 0);
    assert.equal(r.ledger.position.qty.toString(), "-0.3");
  });
});

describe("FillLedger: journal truncation", () => {
  test("the last queued fill write truncates the journal, once everything before it is written", async () => {
    const r = await LedgerRig.open();
    r.hold = true;
    for (const id of ["T1", "T2", "T3"]) r.ledger.book(trade(id, "buy", "0.1"));
    assert.equal(r.writes.length, 3);
    for (let i = 0; i < 3; i++) {
      assert.equal(r.journal.truncations, 0, `not before write ${i + 1} of 3 is done`);
      while (r.held.length === 0) await settle();
      r.held.shift()!();
      await settle();
    }
    assert.equal(r.journal.truncations, 1);
    assert.equal(r.writes.length, 0);
  });

  test("truncateJournalIfDrained truncates an empty queue's journal, not one with writes waiting", async () => {
    const r = await LedgerRig.open();
    r.ledger.truncateJournalIfDrained();
    assert.equal(r.journal.truncations, 1);
    r.hold = true;
    r.ledger.book(trade("T1", "buy", "0.1"));
    r.ledger.book(trade("T2", "buy", "0.1"));
    r.ledger.truncateJournalIfDrained();
    assert.equal(r.journal.truncations, 1, "two fills not yet written");
    r.hold = false;
    while (r.held.length) r.held.shift()!();
    assert.ok(await r.writes.flush(1_000));
    assert.equal(r.journal.truncations, 2);
  });

  test(
    "is not truncated while the one queued write is a fill the database has not taken",
    async () => {
      const r = await LedgerRig.open();
      r.down = true;
      r.ledger.book(trade("T1", "buy", "0.1"));
      await settle();
      assert.equal(r.writes.length, 1, "the failed fill write stays queued");
      assert.equal(await r.writes.flush(0), false, "the database is still down");
      r.ledger.truncateJournalIfDrained();
      assert.equal(r.journal.truncations, 0, "T1 is only in the journal");
    },
  );
});
