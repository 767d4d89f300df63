// The dashboard's pure pieces, without a browser: the snapshot series merge (history + live + backfill),
// windowing and thinning for the charts, money formatting from decimal strings, and the tuning form's
// field model against the strategy's real parameter schema.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { SnapshotDTO } from "@/lib/events";
import { chartRedrawMs, downsample, mergeSnapshots, SnapshotStore, windowOf } from "@/components/live/snapshot-store";
import { readFileSync, readdirSync } from "node:fs";
import { niceDomain, type PlotPoint } from "@/components/dashboard/chart-series";
import { join } from "node:path";
import { mergeParams } from "@/components/live/lists";
import { backfillInto, type LiveSocket } from "@/components/live/socket";
import { fmtDecimal, fmtExact, signOf } from "@/components/format/decimal";
import { buildFields, diffParams, fromFormValues, toFormValues, validate } from "@/components/tuning/fields";
import { PARAM_GROUPS, schemaFor } from "@/components/tuning/schema";
import { defaultStrategyParams } from "@/lib/strategy/params";
import { safeNext } from "@/components/auth/safe-next";

function snap(ts: number, ratio = 0, tag = ""): SnapshotDTO {
  return {
    ts,
    mid: "1",
    bestBid: "0.99",
    bestAsk: "1.01",
    ourBid: "0.98",
    ourAsk: "1.02",
    inventory: tag || "0",
    ratio,
    skew: 0,
    realizedPnl: "0",
    unrealizedPnl: "0",
    totalPnl: "0",
    fees: "0",
    riskState: "ACTIVE",
  };
}

describe("snapshot series", () => {
  test("merge: ordered by ts, one point per ts, the incoming point wins, capped to the newest", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 })), fc.array(fc.integer({ min: 0, max: 200 })), fc.integer({ min: 1, max: 300 }), (a, b, cap) => {
        const cur = mergeSnapshots([], a.map((t) => snap(t, 0, "old")), 10_000);
        const out = mergeSnapshots(cur, b.map((t) => snap(t, 0, "new")), cap);
        const all = [...new Set([...a, ...b])].sort((x, y) => x - y);
        assert.deepEqual(
          out.map((s) => s.ts),
          all.slice(Math.max(0, all.length - cap)),
        );
        const fromB = new Set(b);
        for (const s of out) if (fromB.has(s.ts)) assert.equal(s.inventory, "new");
      }),
    );
  });

  test("a backfill fills the hole a reconnect left, in place", () => {
    const live = [1, 2, 3, 10, 11].map((t) => snap(t));
    const merged = mergeSnapshots(live, [3, 4, 5, 6, 7, 8, 9].map((t) => snap(t)), 100);
    assert.deepEqual(merged.map((s) => s.ts), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test("backfill keeps asking past the server's per-answer cap until the hole is closed", async () => {
    const serverSide = Array.from({ length: 12_000 }, (_, i) => snap(i + 1));
    const asked: number[] = [];
    const socket = {
      connected: true,
      timeout: () => ({
        emit: (_event: string, req: { since: number }, cb: (err: Error | null, res: SnapshotDTO[]) => void) => {
          asked.push(req.since);
          cb(null, serverSide.filter((p) => p.ts > req.since).slice(0, 5000));
        },
      }),
    } as unknown as LiveSocket;
    const store = new SnapshotStore(50_000);
    store.merge(serverSide.slice(0, 100)); // before the disconnect
    store.merge(serverSide.slice(11_990)); // live again after the reconnect
    await backfillInto(socket, store, 100);
    assert.deepEqual(asked, [100, 5100, 10100]);
    assert.equal(store.getSnapshot().length, 12_000);
    assert.ok(store.getSnapshot().every((p, i) => p.ts === i + 1));
  });

  test("store: publishes a new array per merge and notifies; throttled listeners fire at most once per period", async () => {
    const store = new SnapshotStore(10);
    let calls = 0;
    let throttled = 0;
    store.subscribe(() => calls++);
    const off = store.subscribeThrottled(50)(() => throttled++);
    const before = store.getSnapshot();
    for (let i = 0; i < 20; i++) store.merge([snap(i)]);
    assert.notEqual(store.getSnapshot(), before);
    assert.equal(store.getSnapshot().length, 10);
    assert.equal(store.lastTs(), 19);
    assert.equal(calls, 20);
    await new Promise((r) => setTimeout(r, 120));
    assert.ok(throttled >= 1 && throttled <= 3, `throttled listener fired ${throttled} times for 20 merges`);
    off();
  });

  test("window keeps ts ≥ now − window; downsample keeps the newest point and the extreme ratio", () => {
    const pts = Array.from({ length: 1000 }, (_, i) => snap(i, i === 500 ? -0.97 : 0.1));
    assert.deepEqual(windowOf(pts, 100, 999).map((s) => s.ts)[0], 899);
    assert.equal(windowOf(pts, Infinity, 999).length, 1000);
    const thin = downsample(pts, 50);
    assert.equal(thin.length, 50);
    assert.equal(thin[thin.length - 1]!.ts, 999);
    assert.ok(thin.some((s) => s.ratio === -0.97), "a spike toward the emergency threshold survives thinning");
  });

  test("charts redraw about every 2 px of their width: 500 ms at most for the last minute, 1 s for 5 min, 5 s for an hour or everything", () => {
    assert.equal(chartRedrawMs(60_000), 500);
    assert.equal(chartRedrawMs(5 * 60_000), 1_000);
    assert.equal(chartRedrawMs(15 * 60_000), 3_000);
    assert.equal(chartRedrawMs(3_600_000), 5_000);
    assert.equal(chartRedrawMs(Infinity), 5_000);
  });

  test("the y axis spans the points and every reference line, in round steps", () => {
    const pts = [{ skew: -0.158 }, { skew: 0.047 }] as unknown as PlotPoint[];
    // The zero line is inside the data: round steps of 0.05 around −0.158 … 0.047.
    assert.deepEqual(niceDomain(pts, ["skew"], [{ y: 0 }]), [-0.2, 0.05]);
    // PnL all above zero still shows the zero line.
    const pnl = [{ total: 3 }, { total: 11 }] as unknown as PlotPoint[];
    assert.deepEqual(niceDomain(pnl, ["total"], [{ y: 0 }]), [0, 12.5]);
    assert.equal(niceDomain([], ["total"], [{ y: 0 }]), null);
    const flat = [{ total: 0 }] as unknown as PlotPoint[];
    assert.deepEqual(niceDomain(flat, ["total"], [{ y: 0 }]), [-1, 1]);
  });

  test("no chart draws with recharts' ReferenceLine or ReferenceDot (each re-registers with the chart's store on every render; four live charts starved the page of input)", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
    const offenders = [...files("components"), ...files("app")].filter((f) => /\bReference(Line|Dot|Area)\b[^;]*from "recharts"|<Reference(Line|Dot|Area)\b/.test(readFileSync(f, "utf8")));
    assert.deepEqual(offenders, []);
  });

  test("lists: params versions merged, current follows the newest (fills and orders: tests/console/live-lists.test.ts)", () => {
    const v = (n: number) => ({ version: n, params: {}, previous: null, changedBy: "x", reason: "", createdAt: n, rolledBackFrom: null });
    const merged = mergeParams({ current: v(2), versions: [v(2), v(1)] }, v(3))!;
    assert.equal(merged.current.version, 3);
    assert.deepEqual(merged.versions.map((x) => x.version), [3, 2, 1]);
  });
});

describe("money formatting from decimal strings", () => {
  const cases: Array<[string | null, number, string]> = [
    ["1234.5", 2, "1,234.50"],
    ["-0.005", 2, "−0.01"],
    ["-0.004", 2, "0.00"],
    ["0.1", 2, "0.10"],
    ["123456789012345678.125", 2, "123,456,789,012,345,678.13"],
    [null, 2, "—"],
    ["abc", 2, "—"],
  ];
  for (const [input, dp, out] of cases) test(`fmtDecimal(${JSON.stringify(input)}, ${dp}) = ${out}`, () => assert.equal(fmtDecimal(input, dp), out));
  test("signs and exact precision", () => {
    assert.equal(fmtDecimal("0.3", 2, { sign: true }), "+0.30");
    assert.equal(fmtExact("0.460"), "0.460");
    assert.equal(fmtExact("-1998.40"), "−1,998.40");
    assert.equal(fmtExact("-0.000"), "0.000");
    assert.equal(fmtExact("1e3"), "1,000");
    assert.equal(signOf("-0.0004", 2), 0, "shown as 0.00, so not coloured as a loss");
    assert.equal(signOf("-0.005", 2), -1);
    assert.equal(signOf("-0.0004"), -1);
  });
});

describe("tuning form field model (real strategy schema)", () => {
  const fit = schemaFor(defaultStrategyParams as Record<string, unknown>);
  test("the shared schema is used when it describes the server's parameters, not otherwise", () => {
    assert.ok(fit);
    assert.equal(schemaFor({ skewFactor: 0.5, spreadBps: 200 }), null);
  });
  const fields = buildFields(defaultStrategyParams as Record<string, unknown>, fit!.schema, fit!.defaults, PARAM_GROUPS);
  const byPath = new Map(fields.map((f) => [f.path, f]));

  test("every parameter has a field, grouped inventory / quoting / sizing, with defaults and enums", () => {
    assert.deepEqual([...byPath.keys()].sort(), Object.keys(defaultStrategyParams).sort());
    assert.equal(byPath.get("skewFactor")!.group, "inventory");
    assert.equal(byPath.get("spread")!.group, "quoting");
    assert.deepEqual(byPath.get("skewMode")!.options, ["linear", "exponential", "tiered"]);
    assert.equal(byPath.get("skewFactor")!.defaultValue, "0.5");
    assert.equal(byPath.get("minPrice")!.nullable, true);
    const groups = fields.map((f) => f.group);
    assert.deepEqual([...new Set(groups)], ["inventory", "quoting", "sizing & limits"]);
  });

  test("round trip: unchanged form values give back the same parameters (nulls stay null)", () => {
    const values = toFormValues(defaultStrategyParams as Record<string, unknown>, fields);
    const r = validate(values, fields, fit!.schema);
    assert.deepEqual(r.errors, {});
    assert.deepEqual(diffParams(defaultStrategyParams as Record<string, unknown>, r.params), []);
  });

  test("field errors come from the shared schema, per field, including cross-field rules", () => {
    const values = toFormValues(defaultStrategyParams as Record<string, unknown>, fields);
    const r = validate({ ...values, skewFactor: "2", rebalanceThreshold: "0.99", depthLookback: "x" }, fields, fit!.schema);
    assert.match(r.errors.skewFactor ?? "", /at most 1/);
    assert.match(r.errors.rebalanceThreshold ?? "", /below the emergency threshold/);
    assert.match(r.errors.depthLookback ?? "", /number/);
  });

  test("untyped fields (no schema) still refuse text in number fields", () => {
    const generic = buildFields({ skewFactor: 0.5, orderSize: "10", nested: { on: true } }, null);
    const { params, errors } = fromFormValues({ skewFactor: "abc", orderSize: "12.5", "nested.on": false }, generic);
    assert.deepEqual(errors, { skewFactor: "must be a number" });
    assert.deepEqual(params, { skewFactor: "abc", orderSize: "12.5", nested: { on: false } });
  });
});

describe("login redirect", () => {
  const cases: Array<[string | null, string]> = [
    ["/", "/"],
    ["/?x=1", "/?x=1"],
    [null, "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/login?next=/", "/"],
    // issue 9, item 5: browsers strip tabs and newlines, so these became //evil.example/phish after sign-in
    ["/\t/evil.example/phish", "/"],
    ["/\n/evil.example", "/"],
    ["/\r\n/evil.example", "/"],
    ["\t//evil.example", "/"],
    ["/.//evil.example", "/"],
    ["/%2F/evil.example", "/%2F/evil.example"],
    ["/\\/evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/a/../b?x=1#h", "/b?x=1#h"],
    ["/fills", "/fills"],
  ];
  for (const [next, out] of cases) test(`next=${JSON.stringify(next)} → ${out}`, () => assert.equal(safeNext(next), out));
});
