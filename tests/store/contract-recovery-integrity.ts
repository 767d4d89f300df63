// Store contract, restart and integrity: the state a restart loads, records that are values, and writes that
// are refused whole. Registered by contract.ts inside each backend's suite.
import { randomUUID } from "node:crypto";
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import {
  StrategyNotFoundError,
  type Store,
} from "@/server/store";
import type { ContractFixtures } from "./contract";

const D = (s: string | number) => new Decimal(s);

/** The state a restart loads, and what the store refuses or keeps apart. */
export function recoveryIntegrityContract(f: ContractFixtures): void {
  const { strategy, order, fill, snapshot } = f;
  // The suite opens its store in before(), after these tests are registered, and a reopen replaces it.
  let store: Store;
  beforeEach(() => {
    store = f.store();
  });

  // ── restart ──

  test("loadRecoveryState returns everything a restart needs, fills in recorded order", async () => {
    const s = await strategy({ spread: "0.02" });
    await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.04" }, changedBy: "alice", reason: "wider" });
    await store.setRiskState(s.id, "REDUCING", "emergency");
    const run = await store.startRun({ strategyId: s.id, mode: "paper", seed: 42 });
    const { order: resting } = await store.saveOrder(order(s.id, { side: "sell", price: D("0.55"), status: "open", runId: run.id }));
    const { order: done } = await store.saveOrder(order(s.id, { status: "open", size: D("2") }));
    // Recorded out of time order on purpose: replay follows recording order.
    const t0 = Date.UTC(2030, 0, 1);
    const sizes = ["2", "-0.5", "1.25"];
    const ts = [t0 + 3000, t0 + 1000, t0 + 2000];
    let inv = D(0);
    for (const [i, size] of sizes.entries()) {
      inv = inv.plus(size);
      const side = D(size).isNeg() ? "sell" : "buy";
      await store.recordFill(
        fill(s.id, { venueTradeId: `rec-${i}`, clientOrderId: i === 0 ? done.clientOrderId : null, side, size: D(size).abs(), inventoryAfter: inv, ts: new Date(ts[i]!), runId: run.id }),
      );
    }
    await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r1" });
    await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r2" });
    await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "e1" });
    await store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "info", message: "not counted" });
    await store.insertSnapshots([snapshot(s.id, new Date(t0)), snapshot(s.id, new Date(t0 + 5000), { mid: D("0.61") })]);

    const r = await store.loadRecoveryState(s.id);
    assert.equal(r.strategy.riskState, "REDUCING");
    assert.equal(r.strategy.currentParamVersion, 2);
    assert.equal(r.params?.version, 2);
    assert.deepEqual(r.params?.params, { spread: "0.04" });
    assert.deepEqual(r.fills.map((f) => f.venueTradeId), ["rec-0", "rec-1", "rec-2"]);
    const replayed = r.fills.reduce((acc, f) => (f.side === "buy" ? acc.plus(f.size) : acc.minus(f.size)), D(0));
    assert.ok(replayed.eq("2.75"));
    assert.ok(r.fills.at(-1)?.inventoryAfter.eq(replayed));
    assert.deepEqual(r.openOrders.map((o) => o.clientOrderId), [resting.clientOrderId]);
    assert.equal(r.rebalanceCount, 2);
    assert.equal(r.emergencyCount, 1);
    assert.ok(r.lastSnapshot?.mid.eq("0.61"));
    assert.equal(r.lastRun?.id, run.id);
    assert.equal(r.lastRun?.stoppedAt, null, "an unstopped run shows the previous process died");

    const empty = await store.loadRecoveryState((await strategy()).id);
    assert.deepEqual([empty.fills, empty.openOrders, empty.params, empty.lastSnapshot, empty.lastRun], [[], [], null, null, null]);
    await assert.rejects(store.loadRecoveryState(randomUUID()), StrategyNotFoundError);
  });

  // ── integrity ──

  test("records are values: changing what went in or came out leaves the stored data alone", async () => {
    const params = { spread: "0.02" };
    const s = await strategy(params);
    params.spread = "9";
    const v1 = await store.getParameterVersion(s.id);
    assert.deepEqual(v1?.params, { spread: "0.02" });
    (v1!.params as { spread: string }).spread = "8";
    assert.deepEqual((await store.getParameterVersion(s.id))?.params, { spread: "0.02" });

    const createdAt = new Date(Date.UTC(2030, 0, 1));
    const { order: o } = await store.saveOrder(order(s.id, { createdAt, status: "open" }));
    createdAt.setTime(0);
    o.createdAt.setTime(1);
    o.openedAt?.setTime(2);
    o.status = "filled";
    const back = await store.getOrder(o.clientOrderId);
    assert.equal(back?.createdAt.getTime(), Date.UTC(2030, 0, 1));
    assert.equal(back?.openedAt?.getTime(), Date.UTC(2030, 0, 1));
    assert.equal(back?.status, "open");

    const data = { ratio: "0.96", levels: ["0.9", "0.95"] };
    const alert = await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "m", data });
    data.levels.push("1");
    (alert.data as { levels: string[] }).levels.push("2");
    assert.deepEqual((await store.listAlerts(s.id))[0]?.data, { ratio: "0.96", levels: ["0.9", "0.95"] });

    const ts = new Date(Date.UTC(2030, 0, 2));
    await store.insertSnapshot(snapshot(s.id, ts));
    ts.setTime(0);
    const [snap] = await store.listSnapshots(s.id);
    snap!.ts.setTime(0);
    assert.equal((await store.listSnapshots(s.id))[0]?.ts.getTime(), Date.UTC(2030, 0, 2));

    const config = { speed: "max" };
    const run = await store.startRun({ strategyId: s.id, mode: "paper", config });
    config.speed = "slow";
    (run.config as { speed: string }).speed = "slower";
    assert.deepEqual((await store.lastRun(s.id))?.config, { speed: "max" });
  });

  test("writes that name an unknown strategy or run are refused and leave nothing behind", async () => {
    const s = await strategy();
    const ghost = randomUUID();
    await assert.rejects(store.saveOrder(order(ghost)));
    await assert.rejects(store.saveOrder(order(s.id, { runId: randomUUID() })));
    await assert.rejects(store.recordFill(fill(ghost)));
    await assert.rejects(store.recordFill(fill(s.id, { runId: randomUUID() })));
    await assert.rejects(store.insertSnapshots([snapshot(s.id, new Date()), snapshot(ghost, new Date())]));
    await assert.rejects(store.raiseAlert({ strategyId: ghost, kind: "error", severity: "info", message: "x" }));
    await assert.rejects(store.startRun({ strategyId: ghost, mode: "paper" }));
    assert.deepEqual(
      [await store.listOrders(s.id), await store.listFills(s.id), await store.listSnapshots(s.id), await store.listAlerts(s.id), await store.lastRun(s.id)],
      [[], [], [], [], null],
    );
  });

  test("a fill its order cannot absorb within the column's range is refused whole", async () => {
    const s = await strategy();
    const near = D("99999999999999999999");
    const { order: o } = await store.saveOrder(order(s.id, { size: near, status: "open" }));
    await store.updateOrder(o.clientOrderId, { filledSize: near.minus(1) });
    await assert.rejects(store.recordFill(fill(s.id, { clientOrderId: o.clientOrderId, size: D("2") })));
    assert.deepEqual(await store.listFills(s.id), []);
    const after = await store.getOrder(o.clientOrderId);
    assert.equal(after?.filledSize.toFixed(), near.minus(1).toFixed());
    assert.equal(after?.status, "open");
    const last = await store.recordFill(fill(s.id, { clientOrderId: o.clientOrderId, size: D("1") }));
    assert.equal(last.order?.status, "filled");
    assert.equal(last.order?.filledSize.toFixed(), near.toFixed());
  });
}
