// Issue 5 item 2: at least 1000 malformed bodies to each mutating endpoint. Every one must get a 4xx with
// a clear message (a non-empty `error`), never a 5xx, and the runner must record no mutation: no state
// change, no audit row. One server and one keep-alive agent serve all of them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { z } from "zod";
import { setupRequestSchema } from "@/server/auth/accounts";
import {
  ackAlertRequestSchema,
  applyParamsRequestSchema,
  controlRequestSchema,
  emergencyCloseRequestSchema,
  loginRequestSchema,
  previewParamsRequestSchema,
  rollbackRequestSchema,
} from "@/lib/api-requests";
import type { ApiErrorDTO } from "@/lib/events";
import type { FakeRunnerHost } from "@/tests/support/fake-runner-host";
import { WebHarness } from "@/tests/support/web-harness";
import { z as zod } from "zod";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const LIMIT = 64 * 1024;

interface Endpoint {
  path: string;
  schema: z.ZodType;
  /** A valid body: the base that field-level mutations break. */
  valid: Record<string, unknown>;
  /** Parameters the host validates itself (preview/apply): valid for the envelope, maybe not for the host. */
  hostParams?: boolean;
  /** An empty body is a valid request (logout), so it is not a malformed one. */
  emptyIsValid?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { path: "/api/alerts/ack", schema: ackAlertRequestSchema, valid: { id: "A1" } },
  { path: "/api/params/preview", schema: previewParamsRequestSchema, valid: { params: { skewFactor: 1 } }, hostParams: true },
  { path: "/api/params", schema: applyParamsRequestSchema, valid: { params: { skewFactor: 1 }, reason: "tune" }, hostParams: true },
  { path: "/api/params/rollback", schema: rollbackRequestSchema, valid: { version: 1, reason: "back" } },
  { path: "/api/control", schema: controlRequestSchema, valid: { action: "pause" } },
  { path: "/api/emergency-close", schema: emergencyCloseRequestSchema, valid: { confirm: true } },
  { path: "/api/auth/login", schema: loginRequestSchema, valid: { username: "operator", password: "x".repeat(12) } },
  { path: "/api/auth/setup", schema: setupRequestSchema, valid: { username: "root", password: "x".repeat(12) } },
  { path: "/api/auth/logout", schema: zod.object({}).strict(), valid: {}, emptyIsValid: true },
];

interface Malformed {
  kind: string;
  raw: string | Buffer;
  contentType: string | null;
}

/** Values of every JSON type and a few that are wrong almost everywhere. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, "", " ", "true", "1", [], {}, [[[]]], { a: { b: { c: {} } } }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const hugeString = fc.integer({ min: 600, max: 90_000 }).chain((n) => fc.constantFrom("x", "é", "\u0000", "🙂", "\"").map((c) => c.repeat(n)));

function nestedJunk(depth: number): unknown {
  let v: unknown = "deep";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

/** Valid body with one field broken: wrong type, missing, huge, nested junk; or an extra field. */
function fieldMutations(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const replace = keys.length
    ? fc.tuple(fc.constantFrom(...keys), fc.oneof(junk, hugeString, fc.integer({ min: 10, max: 3000 }).map(nestedJunk))).map(([k, v]) => ({ ...valid, [k]: v }))
    : junk.map((v) => ({ x: v }));
  const drop = keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))) : junk;
  const extra = fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), junk).map(([k, v]) => ({ ...valid, [k]: v }));
  const paramsJunk = fc.dictionary(fc.string({ maxLength: 15 }), junk, { maxKeys: 6 }).map((params) => ({ ...valid, params }));
  return fc.oneof(replace, drop, extra, paramsJunk);
}

function malformedRequests(ep: Endpoint, fake: FakeRunnerHost): fc.Arbitrary<Malformed> {
  /** Invalid for the envelope schema, or (preview/apply) for the host's own parameter validation. */
  const isMalformed = (body: unknown): boolean => {
    const r = ep.schema.safeParse(body);
    if (!r.success) return true;
    if (ep.hostParams) {
      try {
        fake.validate((r.data as { params: Record<string, unknown> }).params);
        return false;
      } catch {
        return true;
      }
    }
    return false;
  };
  const json = (kind: string) => (v: unknown): Malformed => ({ kind, raw: JSON.stringify(v), contentType: "application/json" });
  const validText = JSON.stringify(ep.valid);

  const wrongShape = fc.oneof(junk, fieldMutations(ep.valid)).filter((v) => v !== undefined && isMalformed(v)).map(json("wrong-shape"));
  const invalidJsonText = fc
    .oneof(
      fc.string({ maxLength: 60 }),
      fc.integer({ min: 1, max: validText.length - 1 }).map((n) => validText.slice(0, n)),
      fc.constantFrom("{", "}", "[", "{'a':1}", "NaN", "undefined", '{"a":}', "{,}", '{"a" 1}', "\u0000", "[1,]", "tru", '"unterminated', "{}{}", "// c\n{}"),
    )
    .filter((t) => {
      if (t === "" && ep.emptyIsValid) return false;
      try {
        JSON.parse(t);
        return false;
      } catch {
        return true;
      }
    })
    .map((raw): Malformed => ({ kind: "invalid-json", raw, contentType: "application/json" }));
  const wrongContentType = fc
    .constantFrom(
      null,
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/json; charset=utf-16",
      "application/jsonx",
      "json",
      "text/json",
      "",
    )
    .map((contentType): Malformed => ({ kind: "content-type", raw: validText, contentType }));
  const tooLarge = fc
    .integer({ min: LIMIT + 1, max: LIMIT * 3 })
    .map((n): Malformed => ({ kind: "too-large", raw: JSON.stringify({ ...ep.valid, pad: "x".repeat(n) }), contentType: "application/json" }));
  const badBytes = fc
    .uint8Array({ minLength: 1, maxLength: 20 })
    .map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from(bytes), Buffer.from('"}')]))
    .map((raw): Malformed => ({ kind: "invalid-utf8", raw, contentType: "application/json" }));
  const protoPollution = fc.constantFrom(
    `{"__proto__":{"admin":true}}`,
    `{"constructor":{"prototype":{"x":1}}}`,
    `{"params":{"__proto__":{"skewFactor":1}},"reason":""}`,
  ).map((raw): Malformed => ({ kind: "proto", raw, contentType: "application/json" }));

  return fc.oneof(
    { arbitrary: wrongShape, weight: 10 },
    { arbitrary: invalidJsonText, weight: 4 },
    { arbitrary: wrongContentType, weight: 2 },
    { arbitrary: tooLarge, weight: 1 },
    { arbitrary: badBytes, weight: 1 },
    { arbitrary: protoPollution, weight: 1 },
  );
}

function stateOf(fake: FakeRunnerHost) {
  return JSON.stringify({
    versions: fake.versions,
    paused: fake.paused,
    running: fake.running,
    riskState: fake.riskState,
    inventory: fake.inventory.toString(),
    alerts: fake.alertLog,
    orders: fake.orderLog,
  });
}

describe(`fuzz: ${RUNS} malformed bodies to each mutating endpoint`, () => {
  let h: WebHarness;
  let before_: string;
  before(async () => {
    h = await WebHarness.start();
    h.fake.raiseAlert("rebalance", "warning", "an alert to acknowledge");
    h.fake.tick(() => 0.4);
    before_ = stateOf(h.fake);
  });
  after(() => h.close());

  for (const ep of ENDPOINTS) {
    test(ep.path, async (t) => {
      const kinds = new Map<string, number>();
      const statuses = new Map<number, number>();
      const auditsBefore = h.fake.audits.length;
      await fc.assert(
        fc.asyncProperty(malformedRequests(ep, h.fake), async (m) => {
          const r = await h.send(ep.path, { raw: m.raw, contentType: m.contentType, cookie: h.operatorCookie });
          kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          assert.ok(r.status >= 400 && r.status < 500, `${m.kind}: status ${r.status} ${r.text.slice(0, 200)}`);
          const e = r.json as ApiErrorDTO;
          assert.equal(typeof e?.error, "string", `${m.kind}: no JSON error body`);
          assert.ok(e.error.trim().length > 3, `${m.kind}: empty error message`);
          assert.doesNotMatch(e.error, /Internal error/);
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261121), endOnFailure: true },
      );
      assert.equal(h.fake.mutations.length, 0, `mutations: ${JSON.stringify(h.fake.mutations.slice(0, 3))}`);
      assert.equal(h.fake.audits.length, auditsBefore, "no audit row for malformed input");
      assert.equal(stateOf(h.fake), before_, "runner state unchanged");
      assert.ok([...kinds.values()].reduce((a, b) => a + b, 0) >= RUNS);
      t.diagnostic(`kinds ${JSON.stringify(Object.fromEntries(kinds))} statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      // The categories all ran; the statuses show the checks that caught them.
      for (const k of ["wrong-shape", "invalid-json", "content-type", "too-large"]) assert.ok(kinds.has(k), `category ${k} generated`);
      for (const s of [400, 413, 415]) assert.ok(statuses.has(s), `status ${s} seen: ${JSON.stringify([...statuses])}`);
    });
  }

  test("the operator session still works afterwards (no logout, no lockout)", async () => {
    assert.equal((await h.get("/api/auth/me")).status, 200);
  });
});
