// Store contract, strategies and parameter versions: created once, risk state and pause, versions numbered
// without gaps, refused changes that write nothing. Registered by contract.ts inside each backend's suite.
import { randomUUID } from "node:crypto";
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import {
  StaleParameterVersionError,
  StoreError,
  StrategyNotFoundError,
  type Store,
} from "@/server/store";
import type { ContractFixtures } from "./contract";

/** Strategies and their parameter versions. */
export function strategiesContract(f: ContractFixtures): void {
  const { strategy } = f;
  // The suite opens its store in before(), after these tests are registered, and a reopen replaces it.
  let store: Store;
  beforeEach(() => {
    store = f.store();
  });

  // ── strategies ──

  test("ensureStrategy creates once with version 1 of the initial params, then only refreshes configuration", async () => {
    const s = await strategy({ spread: "0.02" });
    assert.equal(s.currentParamVersion, 1);
    assert.equal(s.riskState, "ACTIVE");
    assert.equal(s.paused, false);
    const again = await store.ensureStrategy({ name: s.name, market: "m2", symbol: "S2", venue: "polymarket", mode: "live", initialParams: { spread: "9" } });
    assert.equal(again.id, s.id);
    assert.equal(again.venue, "polymarket");
    assert.equal(again.mode, "live");
    assert.equal(again.currentParamVersion, 1);
    assert.deepEqual((await store.getParameterVersion(s.id))?.params, { spread: "0.02" });
    assert.equal((await store.getStrategy(s.name))?.id, s.id);
    assert.equal((await store.getStrategyById(s.id))?.name, s.name);
    assert.equal(await store.getStrategy("no-such-strategy"), null);
    assert.ok((await store.listStrategies()).some((x) => x.id === s.id));
  });

  test("risk state and pause are stored with the reason", async () => {
    const s = await strategy();
    const r = await store.setRiskState(s.id, "REDUCING", "emergency close at ratio 0.95");
    assert.equal(r.riskState, "REDUCING");
    assert.equal(r.riskReason, "emergency close at ratio 0.95");
    assert.ok(r.riskChangedAt.getTime() >= s.riskChangedAt.getTime());
    assert.equal((await store.setPaused(s.id, true)).paused, true);
    const back = await store.getStrategyById(s.id);
    assert.equal(back?.riskState, "REDUCING");
    assert.equal(back?.paused, true);
    await assert.rejects(store.setRiskState(randomUUID(), "HALTED", "x"), StrategyNotFoundError);
    await assert.rejects(store.setPaused(randomUUID(), true), StrategyNotFoundError);
  });

  // ── parameter versions ──

  test("parameter versions: numbered without gaps, each with the previous params, pointer moved with them", async () => {
    const s = await strategy({ spread: "0.02" });
    const v2 = await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.03" }, changedBy: "alice", reason: "wider" });
    assert.equal(v2.version, 2);
    assert.deepEqual(v2.previous, { spread: "0.02" });
    assert.equal(v2.changedBy, "alice");
    assert.equal(v2.reason, "wider");
    // Concurrent changes queue on the strategy row: distinct versions 3..12, pointer at the last.
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendParameterVersion({ strategyId: s.id, params: { spread: `0.0${i}` }, changedBy: "bot", reason: `r${i}` }),
      ),
    );
    assert.deepEqual(many.map((v) => v.version).sort((a, b) => a - b), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const list = await store.listParameterVersions(s.id);
    assert.deepEqual(list.map((v) => v.version), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    for (let i = 0; i < list.length - 1; i++) assert.deepEqual(list[i]!.previous, list[i + 1]!.params, `previous of v${list[i]!.version}`);
    assert.equal((await store.getStrategyById(s.id))?.currentParamVersion, 12);
    assert.equal((await store.getParameterVersion(s.id))?.version, 12);
    assert.deepEqual((await store.getParameterVersion(s.id, 2))?.params, { spread: "0.03" });
    assert.equal(await store.getParameterVersion(s.id, 99), null);
    assert.equal((await store.listParameterVersions(s.id, { limit: 2 })).length, 2);
  });

  test("a refused parameter change writes nothing: stale expected version, bad rollback target", async () => {
    const s = await strategy({ spread: "0.02" });
    await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.03" }, changedBy: "alice", reason: "x", expectedCurrentVersion: 1 });
    await assert.rejects(
      store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.05" }, changedBy: "bob", reason: "y", expectedCurrentVersion: 1 }),
      (e: unknown) => e instanceof StaleParameterVersionError && e.expected === 1 && e.actual === 2,
    );
    await assert.rejects(
      store.appendParameterVersion({ strategyId: s.id, params: {}, changedBy: "bob", reason: "y", rolledBackFrom: 7 }),
      StoreError,
    );
    assert.equal((await store.getStrategyById(s.id))?.currentParamVersion, 2);
    assert.equal((await store.listParameterVersions(s.id)).length, 2);
    const rb = await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.02" }, changedBy: "bob", reason: "undo", rolledBackFrom: 1 });
    assert.equal(rb.version, 3);
    assert.equal(rb.rolledBackFrom, 1);
    await assert.rejects(
      store.appendParameterVersion({ strategyId: randomUUID(), params: {}, changedBy: "x", reason: "x" }),
      StrategyNotFoundError,
    );
  });
}
