// Store.applyWrites (issue 12, item 4): a batch of the runner's writes leaves exactly what the same writes
// one by one leave, and a write that fails takes nothing of the batch with it beyond what the store says
// went in (a database: nothing; the memory store: the writes before it). Registered by contract.ts inside
// each backend's suite.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { BatchWriteError, DecimalRangeError, IllegalOrderStateChange, OrderConflictError, type NewFill, type NewOrder, type OrderRecord, type Snapshot, type Store, type StoreWrite, type StrategyRecord } from "@/server/store";

const D = (s: string | number) => new Decimal(s);

export interface BatchFixtures {
  store(): Store;
  strategy(): Promise<StrategyRecord>;
  order(strategyId: string, over?: Partial<NewOrder>): NewOrder;
  fill(strategyId: string, over?: Partial<NewFill>): NewFill;
  snapshot(strategyId: string, ts: Date, over?: Partial<Snapshot>): Snapshot;
}

/** The same writes one by one, as the write queue did before batches. */
async function oneByOne(store: Store, writes: readonly StoreWrite[]): Promise<void> {
  for (const w of writes) {
    if (w.op === "saveOrder") await store.saveOrder(w.order);
    else if (w.op === "recordFill") await store.recordFill(w.fill);
    else if (w.op === "insertSnapshot") await store.insertSnapshot(w.snapshot);
    else if (!w.ignoreMissing || (await store.getOrder(w.clientOrderId))) await store.updateOrder(w.clientOrderId, w.patch);
  }
}

const orderShape = (o: OrderRecord | null) =>
  o && {
    status: o.status,
    filledSize: o.filledSize.toFixed(),
    statusReason: o.statusReason,
    venueOrderId: o.venueOrderId,
    opened: o.openedAt?.getTime() ?? null,
    closed: o.closedAt?.getTime() ?? null,
    history: o.history,
  };

export function batchWritesContract(f: BatchFixtures): void {
  /** A tick's worth of writes of one strategy: orders saved and moved, fills (one repeated), snapshots. */
  const script = (s: string, tag: string): StoreWrite[] => {
    const t0 = Date.UTC(2026, 0, 1, 12);
    const a = f.order(s, { clientOrderId: `${tag}-a`, size: D("10") });
    const b = f.order(s, { clientOrderId: `${tag}-b`, side: "sell", price: D("0.55"), size: D("5") });
    const c = f.order(s, { clientOrderId: `${tag}-c`, size: D("3") });
    const fa1 = f.fill(s, { venueTradeId: `${tag}-t1`, clientOrderId: a.clientOrderId, size: D("4"), inventoryAfter: D("4"), ts: new Date(t0 + 1) });
    const fa2 = f.fill(s, { venueTradeId: `${tag}-t2`, clientOrderId: a.clientOrderId, size: D("6"), inventoryAfter: D("10"), ts: new Date(t0 + 2) });
    const fb = f.fill(s, { venueTradeId: `${tag}-t3`, clientOrderId: b.clientOrderId, side: "sell", size: D("2"), inventoryAfter: D("8"), ts: new Date(t0 + 3) });
    return [
      { op: "saveOrder", order: a },
      { op: "saveOrder", order: b },
      { op: "saveOrder", order: a },
      { op: "updateOrder", clientOrderId: a.clientOrderId, patch: { status: "open", venueOrderId: `${tag}-v1` } },
      { op: "updateOrder", clientOrderId: b.clientOrderId, patch: { status: "open", openedAt: new Date(t0) } },
      { op: "insertSnapshot", snapshot: f.snapshot(s, new Date(t0)) },
      { op: "recordFill", fill: fa1 },
      { op: "recordFill", fill: fa1 },
      { op: "recordFill", fill: fa2 },
      { op: "recordFill", fill: fb },
      { op: "updateOrder", clientOrderId: b.clientOrderId, patch: { status: "pending_cancel", statusReason: "requote" } },
      { op: "updateOrder", clientOrderId: `${tag}-never-saved`, patch: { status: "cancelled" }, ignoreMissing: true },
      { op: "updateOrder", clientOrderId: b.clientOrderId, patch: { status: "cancelled", closedAt: new Date(t0 + 4), history: [{ at: t0 + 4, from: "pending_cancel", to: "cancelled", event: "cancelled", reason: "test" }] } },
      // Named before it is saved: skipped as unknown, exactly as one by one (the batch is split there).
      { op: "updateOrder", clientOrderId: c.clientOrderId, patch: { status: "open" }, ignoreMissing: true },
      { op: "saveOrder", order: c },
      { op: "insertSnapshot", snapshot: f.snapshot(s, new Date(t0 + 4), { inventory: D("8") }) },
      { op: "insertSnapshot", snapshot: f.snapshot(s, new Date(t0 + 5), { inventory: D("8") }) },
    ];
  };

  test("applyWrites leaves exactly what the same writes one by one leave: orders, fills (a repeat counted once), snapshots", async () => {
    const store = f.store();
    const [x, y] = [await f.strategy(), await f.strategy()];
    const tagX = `bx-${x.id.slice(0, 8)}`;
    const tagY = `by-${y.id.slice(0, 8)}`;
    const writes = script(x.id, tagX);
    assert.equal(await store.applyWrites(writes), writes.length);
    await oneByOne(store, script(y.id, tagY));
    for (const k of ["a", "b", "c"]) {
      const bx = orderShape(await store.getOrder(`${tagX}-${k}`));
      const by = orderShape(await store.getOrder(`${tagY}-${k}`));
      assert.ok(bx && by, `order ${k} stored`);
      // openedAt / closedAt defaulted to "now" differ between the two runs; that they are set is what matters.
      const fuzzy = (o: NonNullable<typeof bx>) => ({ ...o, opened: k === "a" ? o.opened !== null : o.opened, venueOrderId: o.venueOrderId?.replace(/^b[xy]-[0-9a-f]{8}/, "") });
      assert.deepEqual(fuzzy(bx), fuzzy(by), `order ${k}`);
    }
    const a = await store.getOrder(`${tagX}-a`);
    assert.equal(a?.status, "filled");
    assert.equal(a?.filledSize.toFixed(), "10");
    assert.equal(a?.closedAt?.getTime(), Date.UTC(2026, 0, 1, 12) + 2, "closed at the fill that completed it");
    assert.equal((await store.getOrder(`${tagX}-b`))?.filledSize.toFixed(), "2");
    assert.equal((await store.getOrder(`${tagX}-c`))?.status, "pending_new", "the update sent before its order was saved changed nothing");
    const fills = (s: string) => store.listFills(s, { limit: 100 }).then((l) => l.reverse().map((r) => [r.venueTradeId.slice(r.venueTradeId.lastIndexOf("-")), r.size.toFixed(), r.inventoryAfter.toFixed()]));
    assert.deepEqual(await fills(x.id), await fills(y.id));
    assert.equal((await fills(x.id)).length, 3);
    // Recovery replays fills in the order they were recorded: the batch keeps its order.
    assert.deepEqual((await store.loadRecoveryState(x.id)).fills.map((r) => r.venueTradeId), [`${tagX}-t1`, `${tagX}-t2`, `${tagX}-t3`]);
    const snaps = (s: string) => store.listSnapshots(s).then((l) => l.map((r) => [r.ts.getTime(), r.inventory.toFixed()]));
    assert.deepEqual(await snaps(x.id), await snaps(y.id));
    assert.equal((await snaps(x.id)).length, 3);
    assert.equal(await store.applyWrites([]), 0);
  });

  /** Checks a refused batch kept exactly its first `applied` writes (the store's own answer). */
  async function refusedBatch(store: Store, writes: StoreWrite[], failing: number, cause: (e: unknown) => boolean): Promise<number> {
    let applied = -1;
    await assert.rejects(store.applyWrites(writes), (e: unknown) => {
      applied = e instanceof BatchWriteError ? e.applied : 0;
      return cause(e instanceof BatchWriteError ? e.cause : e);
    });
    assert.ok(applied === 0 || applied === failing, `applied ${applied}: none, or every write before the refused one`);
    return applied;
  }

  test("applyWrites: a write the store refuses fails the batch; only what the store says went in is in", async () => {
    const store = f.store();
    const s = await f.strategy();
    const o = f.order(s.id, { size: D("10") });
    const writes: StoreWrite[] = [
      { op: "saveOrder", order: o },
      { op: "insertSnapshot", snapshot: f.snapshot(s.id, new Date(Date.UTC(2026, 0, 2))) },
      { op: "recordFill", fill: f.fill(s.id, { clientOrderId: o.clientOrderId, size: D("1e30") }) },
      { op: "recordFill", fill: f.fill(s.id, { clientOrderId: o.clientOrderId, size: D("1") }) },
    ];
    const applied = await refusedBatch(store, writes, 2, (e) => e instanceof DecimalRangeError);
    assert.equal((await store.getOrder(o.clientOrderId)) !== null, applied >= 1);
    assert.equal((await store.listSnapshots(s.id)).length, applied >= 2 ? 1 : 0);
    assert.deepEqual(await store.listFills(s.id), [], "no fill of the batch is in");
    // The rest, without the refused write, goes through.
    await store.applyWrites(writes.filter((_, i) => i !== 2).slice(applied));
    assert.equal((await store.getOrder(o.clientOrderId))?.filledSize.toFixed(), "1");
  });

  test("applyWrites: an illegal order move or a conflicting order id fails the batch the same way", async () => {
    const store = f.store();
    const s = await f.strategy();
    const o = f.order(s.id);
    await store.saveOrder({ ...o, status: "open" });
    await store.updateOrder(o.clientOrderId, { status: "cancelled" });
    const fresh = f.order(s.id);
    const applied = await refusedBatch(store, [{ op: "saveOrder", order: fresh }, { op: "updateOrder", clientOrderId: o.clientOrderId, patch: { status: "open" } }], 1, (e) => e instanceof IllegalOrderStateChange);
    assert.equal((await store.getOrder(fresh.clientOrderId)) !== null, applied >= 1);
    assert.equal((await store.getOrder(o.clientOrderId))?.status, "cancelled");
    const other = f.order(s.id);
    await refusedBatch(store, [{ op: "saveOrder", order: other }, { op: "saveOrder", order: { ...o, size: D("99") } }], 1, (e) => e instanceof OrderConflictError);
  });
}
