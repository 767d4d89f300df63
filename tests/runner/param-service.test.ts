// ParamService (server/runner/param-service.ts): the one schema refuses bad input field by field and nothing
// is written; applies are versioned in the store before they take effect, one at a time; rollback restores
// an earlier version as a new one, and an unknown version is a 404.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ParamVersionDTO } from "@/lib/events";
import { CommandRejected } from "@/server/runner/commands";
import { ParamService } from "@/server/runner/param-service";
import { createMemoryStore, type NewParameterVersion, type ParameterVersionRecord, type Store } from "@/server/store";
import { settle } from "@/tests/support/runner-doubles";

let n = 0;

class ParamRig {
  readonly applied: ParamVersionDTO[] = [];
  readonly appends: NewParameterVersion[] = [];
  /** When set, each append waits for the test to call the next function in `held`. */
  hold = false;
  readonly held: Array<() => void> = [];
  failNext: Error | null = null;
  readonly svc: ParamService;

  private constructor(
    readonly store: Store,
    readonly strategyId: string,
  ) {
    this.svc = new ParamService(store, () => strategyId, (dto) => void this.applied.push(dto));
  }

  static async open(): Promise<ParamRig> {
    const store = createMemoryStore();
    const s = await store.ensureStrategy({ name: `params-${++n}`, market: "test", symbol: "TEST-USD", venue: "hand", mode: "paper", initialParams: { maxInventory: "1", orderSize: "0.1" } });
    const rig = new ParamRig(store, s.id);
    const append = store.appendParameterVersion.bind(store);
    store.appendParameterVersion = async (change: NewParameterVersion): Promise<ParameterVersionRecord> => {
      rig.appends.push(change);
      if (rig.hold) await new Promise<void>((r) => rig.held.push(r));
      const fail = rig.failNext;
      rig.failNext = null;
      if (fail) throw fail;
      return append(change);
    };
    rig.svc.load((await store.getParameterVersion(s.id))!);
    return rig;
  }

  async storedVersions(): Promise<number[]> {
    return (await this.store.listParameterVersions(this.strategyId)).map((v) => v.version);
  }
}

/** A CommandRejected with this status and these fields; `inMessage`: the message lists each "field: problem". */
function rejectedWith(status: number, fields: string[], inMessage = status === 400) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof CommandRejected, `a CommandRejected, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.deepEqual(Object.keys(err.fields ?? {}).sort(), [...fields].sort());
    for (const [field, message] of Object.entries(err.fields ?? {})) {
      assert.ok(message.length > 0, `${field} has a message`);
      if (inMessage) assert.ok(err.message.includes(`${field}: ${message}`), `the message names ${field}`);
    }
    return true;
  };
}

describe("ParamService: validation", () => {
  test("loads the stored version", async () => {
    const r = await ParamRig.open();
    assert.equal(r.svc.loaded, true);
    assert.equal(r.svc.version, 1);
    assert.equal(r.svc.current.maxInventory.toString(), "1");
    assert.equal(r.svc.current.orderSize.toString(), "0.1");
  });

  test("invalid input is refused with a message per field, and nothing is written", async () => {
    const r = await ParamRig.open();
    const before = r.svc.current;
    await assert.rejects(
      async () => r.svc.apply({ maxInventory: "-1", orderSize: "abc", depthLookback: 1 }, "bad", "alice"),
      rejectedWith(400, ["maxInventory", "orderSize", "depthLookback"]),
    );
    await settle();
    assert.deepEqual(r.appends, []);
    assert.deepEqual(await r.storedVersions(), [1]);
    assert.equal(r.svc.version, 1);
    assert.equal(r.svc.current, before);
    assert.deepEqual(r.applied, []);
  });

  test("a rule across fields is reported on its field", async () => {
    const r = await ParamRig.open();
    await assert.rejects(async () => r.svc.apply({ rebalanceThreshold: "0.9", emergencyThreshold: "0.8" }, "bad", "alice"), rejectedWith(400, ["rebalanceThreshold"]));
    assert.throws(() => r.svc.validate({ minSpread: "5", maxSpread: "1" }), rejectedWith(400, ["minSpread"]));
    assert.deepEqual(r.appends, []);
  });

  test("an unknown field is refused", async () => {
    const r = await ParamRig.open();
    await assert.rejects(async () => r.svc.apply({ maxInventory: "2", leverage: "10" }, "typo", "alice"), CommandRejected);
    assert.deepEqual(await r.storedVersions(), [1]);
  });

  test("validate returns compiled parameters without applying them", async () => {
    const r = await ParamRig.open();
    const c = r.svc.validate({ maxInventory: "3" });
    assert.equal(c.maxInventory.toString(), "3");
    assert.equal(r.svc.current.maxInventory.toString(), "1");
    assert.deepEqual(r.appends, []);
  });
});

describe("ParamService.apply", () => {
  test("writes a new version before it takes effect, and announces it", async () => {
    const r = await ParamRig.open();
    r.hold = true;
    const p = r.svc.apply({ maxInventory: "2", orderSize: "0.1" }, "wider", "alice");
    await settle();
    assert.equal(r.appends.length, 1);
    assert.equal(r.appends[0]!.expectedCurrentVersion, 1);
    assert.equal(r.svc.current.maxInventory.toString(), "1", "not in effect before it is on record");
    r.held.shift()!();
    const dto = await p;
    assert.equal(dto.version, 2);
    assert.equal(dto.params.maxInventory, "2");
    assert.equal((dto.previous as Record<string, unknown>).maxInventory, "1");
    assert.deepEqual([dto.changedBy, dto.reason, dto.rolledBackFrom], ["alice", "wider", null]);
    assert.equal(r.svc.version, 2);
    assert.equal(r.svc.current.maxInventory.toString(), "2");
    assert.deepEqual(r.applied, [dto]);
    assert.deepEqual(await r.storedVersions(), [2, 1]);
  });

  test("applies are serialized: the second is written only after the first, and each bumps the version", async () => {
    const r = await ParamRig.open();
    r.hold = true;
    const p1 = r.svc.apply({ maxInventory: "2" }, "first", "alice");
    const p2 = r.svc.apply({ maxInventory: "3" }, "second", "bob");
    await settle();
    assert.equal(r.appends.length, 1, "the second waits for the first");
    r.held.shift()!();
    await p1;
    await settle();
    assert.equal(r.appends.length, 2);
    assert.equal(r.appends[1]!.expectedCurrentVersion, 2);
    r.held.shift()!();
    const [a, b] = await Promise.all([p1, p2]);
    assert.deepEqual([a.version, b.version], [2, 3]);
    assert.equal(r.svc.version, 3);
    assert.equal(r.svc.current.maxInventory.toString(), "3");
    assert.deepEqual(r.applied.map((d) => d.version), [2, 3]);
  });

  test("a failed write rejects that apply only: nothing changes, and the next apply goes through", async () => {
    const r = await ParamRig.open();
    r.failNext = new Error("database unavailable (test)");
    const p1 = r.svc.apply({ maxInventory: "2" }, "first", "alice");
    const p2 = r.svc.apply({ maxInventory: "3" }, "second", "alice");
    await assert.rejects(p1, /database unavailable/);
    assert.equal((await p2).version, 2);
    assert.equal(r.svc.current.maxInventory.toString(), "3");
    assert.deepEqual(r.applied.map((d) => d.version), [2]);
  });
});

describe("ParamService.rollback", () => {
  test("to an unknown version is a 404 CommandRejected, and nothing is written", async () => {
    const r = await ParamRig.open();
    for (const v of [2, 0, -1, 1.5]) {
      await assert.rejects(async () => r.svc.rollback(v, "undo", "alice"), rejectedWith(404, ["version"]));
    }
    assert.deepEqual(r.appends, []);
    assert.deepEqual(await r.storedVersions(), [1]);
    assert.equal(r.svc.version, 1);
  });

  test("restores an earlier version's parameters as a new version", async () => {
    const r = await ParamRig.open();
    await r.svc.apply({ maxInventory: "2", orderSize: "0.2" }, "wider", "alice");
    const dto = await r.svc.rollback(1, "", "bob");
    assert.deepEqual([dto.version, dto.rolledBackFrom, dto.changedBy, dto.reason], [3, 1, "bob", "rollback to version 1"]);
    assert.equal(r.svc.version, 3);
    assert.equal(r.svc.current.maxInventory.toString(), "1");
    assert.equal(r.svc.current.orderSize.toString(), "0.1");
    const { current, versions } = await r.svc.list();
    assert.equal(current.version, 3);
    assert.deepEqual(versions.map((v) => v.version), [3, 2, 1]);
  });
});
