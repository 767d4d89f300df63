// Store contract, what the desk records besides trades: snapshots, alerts (grouped while open, acknowledged
// once), runs and the audit trail. Registered by contract.ts inside each backend's suite.
import { randomUUID } from "node:crypto";
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import {
  RunNotFoundError,
  StoreError,
  type AlertKind,
  type Store,
} from "@/server/store";
import type { ContractFixtures } from "./contract";

const D = (s: string | number) => new Decimal(s);

/** Snapshots, alerts, runs and the audit trail. */
export function snapshotsAlertsAuditContract(f: ContractFixtures): void {
  const { strategy, snapshot } = f;
  // The suite opens its store in before(), after these tests are registered, and a reopen replaces it.
  let store: Store;
  beforeEach(() => {
    store = f.store();
  });

  // ── snapshots ──

  test("snapshots come back ascending by time within [from, to], a capped range keeping its latest points", async () => {
    const s = await strategy();
    const other = await strategy();
    const t0 = Date.UTC(2030, 0, 1);
    const at = (i: number) => new Date(t0 + i * 1000);
    const shuffled = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4];
    assert.equal(await store.insertSnapshots(shuffled.map((i) => snapshot(s.id, at(i), { inventory: D(i) }))), 10);
    await store.insertSnapshot(snapshot(other.id, at(3)));
    assert.equal(await store.insertSnapshots([]), 0);

    const all = await store.listSnapshots(s.id);
    assert.deepEqual(all.map((x) => x.ts.getTime()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => at(i).getTime()));
    assert.ok(all.every((x) => x.inventory.eq((x.ts.getTime() - t0) / 1000)));
    assert.equal(all[0]?.ourAsk, null);
    assert.ok(all[0]?.ourBid?.eq("0.48"));
    const range = await store.listSnapshots(s.id, { from: at(2), to: at(5) });
    assert.deepEqual(range.map((x) => x.inventory.toNumber()), [2, 3, 4, 5]);
    const latest = await store.listSnapshots(s.id, { limit: 3 });
    assert.deepEqual(latest.map((x) => x.inventory.toNumber()), [7, 8, 9]);
    assert.equal((await store.listSnapshots(other.id)).length, 1);
  });

  // ── alerts ──

  test("alerts: raised, listed newest first with filters, acknowledged once", async () => {
    const s = await strategy();
    const t0 = Date.UTC(2030, 0, 1);
    const a = await store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "warning", message: "no book for 5s", createdAt: new Date(t0) });
    const b = await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "flatten", data: { ratio: "0.96" }, createdAt: new Date(t0 + 1) });
    await store.raiseAlert({ strategyId: s.id, kind: "cancel_failure", severity: "critical", message: "cancel timed out", createdAt: new Date(t0 + 2) });
    assert.deepEqual(b.data, { ratio: "0.96" });
    assert.equal(a.data, null);

    const acked = await store.acknowledgeAlert(a.id, "alice");
    assert.equal(acked?.acknowledgedBy, "alice");
    assert.ok(acked?.acknowledgedAt);
    const twice = await store.acknowledgeAlert(a.id, "bob");
    assert.equal(twice?.acknowledgedBy, "alice", "the first acknowledgement wins");
    assert.equal(twice?.acknowledgedAt?.getTime(), acked?.acknowledgedAt?.getTime());
    assert.equal(await store.acknowledgeAlert(randomUUID(), "alice"), null);

    assert.deepEqual((await store.listAlerts(s.id)).map((x) => x.kind), ["cancel_failure", "emergency", "stale_data"]);
    assert.deepEqual((await store.listAlerts(s.id, { unacknowledgedOnly: true })).map((x) => x.kind), ["cancel_failure", "emergency"]);
    assert.deepEqual((await store.listAlerts(s.id, { kinds: ["stale_data", "emergency"] })).map((x) => x.kind), ["emergency", "stale_data"]);
    assert.deepEqual((await store.listAlerts(s.id, { limit: 1 })).map((x) => x.kind), ["cancel_failure"]);
    assert.deepEqual((await store.listAlerts(s.id, { before: new Date(t0 + 1) })).map((x) => x.kind), ["stale_data"]);
  });

  test("alerts: a kind raised again while its alert is open is the same alert, counted, with first and last time (issue 14, defect 6)", async () => {
    const s = await strategy();
    const t0 = Date.UTC(2030, 2, 1);
    const first = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "ratio 0.81", createdAt: new Date(t0) });
    assert.equal(first.count, 1);
    assert.equal(first.lastSeenAt.getTime(), t0);
    await store.raiseAlert({ strategyId: s.id, kind: "risk_state", severity: "info", message: "REDUCING", createdAt: new Date(t0 + 1) });
    const again = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "critical", message: "ratio 0.84", data: { ratio: "0.84" }, createdAt: new Date(t0 + 5000) });
    assert.equal(again.id, first.id, "the open alert, not a new one");
    assert.equal(again.count, 2);
    assert.equal(again.createdAt.getTime(), t0, "first seen stays");
    assert.equal(again.lastSeenAt.getTime(), t0 + 5000);
    assert.equal(again.message, "ratio 0.84");
    assert.equal(again.severity, "critical", "the worse severity");
    assert.deepEqual(again.data, { ratio: "0.84" });
    assert.deepEqual((await store.listAlerts(s.id)).map((a) => [a.kind, a.count]), [["risk_state", 1], ["rebalance", 2]]);
    // Once acknowledged, the next one is a new alert.
    await store.acknowledgeAlert(first.id, "op");
    const next = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "ratio 0.82", createdAt: new Date(t0 + 9000) });
    assert.notEqual(next.id, first.id);
    assert.equal(next.count, 1);
    // Repeats raised at once still make one alert.
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "warning", message: `late ${i}`, createdAt: new Date(t0 + 10_000 + i) })));
    const stale = await store.listAlerts(s.id, { kinds: ["stale_data"] });
    assert.deepEqual(stale.map((a) => a.count), [5]);
    // Restart counts every rebalance raised, grouped or not.
    assert.equal((await store.loadRecoveryState(s.id)).rebalanceCount, 3);
  });

  test("alerts: acknowledge all acknowledges every open alert of the strategy, and only those", async () => {
    const s = await strategy();
    const other = await strategy();
    const a = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r" });
    await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "e" });
    await store.acknowledgeAlert(a.id, "earlier");
    await store.raiseAlert({ strategyId: s.id, kind: "error", severity: "info", message: "x" });
    const elsewhere = await store.raiseAlert({ strategyId: other.id, kind: "error", severity: "info", message: "y" });
    const acked = await store.acknowledgeAllAlerts(s.id, "op");
    assert.deepEqual(acked.map((x) => x.kind).sort(), ["emergency", "error"]);
    assert.ok(acked.every((x) => x.acknowledgedBy === "op" && x.acknowledgedAt !== null));
    assert.equal((await store.listAlerts(s.id, { unacknowledgedOnly: true })).length, 0);
    assert.equal((await store.listAlerts(s.id)).find((x) => x.id === a.id)?.acknowledgedBy, "earlier", "an earlier acknowledgement stands");
    assert.equal((await store.listAlerts(other.id, { unacknowledgedOnly: true }))[0]?.id, elsewhere.id);
    assert.deepEqual(await store.acknowledgeAllAlerts(s.id, "op"), []);
  });

  test("alerts: every kind the desk raises can be stored", async () => {
    const s = await strategy();
    const kinds = ["rebalance", "emergency", "stale_data", "cancel_failure", "risk_state", "reconciliation", "error"] as const satisfies readonly AlertKind[];
    // A kind added to AlertKind and missing here fails to compile.
    const complete: Exclude<AlertKind, (typeof kinds)[number]> extends never ? true : false = true;
    assert.ok(complete);
    for (const kind of kinds) await store.raiseAlert({ strategyId: s.id, kind, severity: "critical", message: `a ${kind} alert` });
    assert.deepEqual((await store.listAlerts(s.id)).map((a) => a.kind).sort(), [...kinds].sort());
  });

  test("alerts: an id chosen by the caller is kept, so the alert can be shown before it is stored", async () => {
    const s = await strategy();
    const id = randomUUID();
    const a = await store.raiseAlert({ id, strategyId: s.id, kind: "error", severity: "info", message: "chosen id" });
    assert.equal(a.id, id);
    assert.equal((await store.acknowledgeAlert(id, "alice"))?.acknowledgedBy, "alice");
  });

  // ── runs and audit ──

  test("runs: start, last, stop once", async () => {
    const s = await strategy();
    assert.equal(await store.lastRun(s.id), null);
    await store.startRun({ strategyId: s.id, mode: "paper", startedAt: new Date(Date.UTC(2030, 0, 1)) });
    const run = await store.startRun({ strategyId: s.id, mode: "paper", seed: 2 ** 53 - 1, config: { speed: "max" }, startedAt: new Date(Date.UTC(2030, 0, 2)) });
    assert.equal(run.seed, 2 ** 53 - 1);
    assert.deepEqual(run.config, { speed: "max" });
    assert.equal((await store.lastRun(s.id))?.id, run.id);
    const stopped = await store.stopRun(run.id, "SIGTERM");
    assert.equal(stopped.stopReason, "SIGTERM");
    assert.ok(stopped.stoppedAt);
    const again = await store.stopRun(run.id, "later");
    assert.equal(again.stopReason, "SIGTERM");
    assert.equal(again.stoppedAt?.getTime(), stopped.stoppedAt.getTime());
    await assert.rejects(store.stopRun(randomUUID(), "x"), RunNotFoundError);
    await assert.rejects(store.startRun({ strategyId: s.id, mode: "paper", seed: 1.5 }), StoreError);
  });

  test("audit trail keeps who, what, before and after, newest first", async () => {
    const target = `strategy:${randomUUID()}`;
    await store.recordAudit({ actor: "alice", action: "params.update", target, before: { spread: "0.02" }, after: { spread: "0.03" }, ip: "127.0.0.1" });
    await new Promise((r) => setTimeout(r, 5));
    await store.recordAudit({ actor: "bob", action: "strategy.pause", target, before: { paused: false }, after: { paused: true } });
    const list = await store.listAudit({ target });
    assert.deepEqual(list.map((e) => e.action), ["strategy.pause", "params.update"]);
    assert.deepEqual(list[1]?.before, { spread: "0.02" });
    assert.deepEqual(list[1]?.after, { spread: "0.03" });
    assert.equal(list[1]?.ip, "127.0.0.1");
    assert.equal(list[0]?.ip, null);
    assert.deepEqual((await store.listAudit({ target, actor: "alice" })).map((e) => e.actor), ["alice"]);
  });

  test("audit trail: filtered by kind of action, paged without skipping events of one instant (the activity log)", async () => {
    const actor = `op-${randomUUID().slice(0, 8)}`;
    for (const action of ["auth.login", "params.apply", "control.pause", "params.rollback", "auth.logout"]) await store.recordAudit({ actor, action, target: "runner" });
    const params = await store.listAudit({ actor, actionPrefix: "params." });
    assert.deepEqual(params.map((e) => e.action).sort(), ["params.apply", "params.rollback"]);
    const seen: string[] = [];
    let page = await store.listAudit({ actor, limit: 2 });
    while (page.length) {
      seen.push(...page.map((e) => e.action));
      const last = page[page.length - 1]!;
      page = await store.listAudit({ actor, limit: 2, before: last.createdAt, beforeId: last.id });
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
  });
}
