// Venue-call deadlines: a call that answers in time settles as it answered, one that does not is rejected as a
// timeout naming the call, deadlines of different lengths expire on their own, and a late answer changes nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { withDeadline } from "@/server/venue/deadline";
import { RequestTimeout } from "@/server/venue/errors";

// The deadline's timer is unref'd (it never keeps a process alive): this one keeps the test process up meanwhile.
let alive: ReturnType<typeof setInterval>;
before(() => (alive = setInterval(() => {}, 1_000)));
after(() => clearInterval(alive));

const never = () => new Promise<never>(() => {});

test("an answer in time settles the call as it answered", async () => {
  assert.equal(await withDeadline(Promise.resolve(7), 1_000, "fetchOrderBook"), 7);
  await assert.rejects(withDeadline(Promise.reject(new Error("venue said no")), 1_000, "createOrder"), /venue said no/);
});

test("a call that never answers is rejected with RequestTimeout naming the call and the venue", async () => {
  const err = await withDeadline(never(), 20, "fetchPosition", { venue: "fake" }).catch((e: unknown) => e);
  assert.ok(err instanceof RequestTimeout, String(err));
  assert.match((err as Error).message, /fetchPosition: no answer within 20 ms/);
});

test("deadlines of different lengths each expire on their own, the short one first", async () => {
  const order: string[] = [];
  const long = withDeadline(never(), 120, "long").catch(() => order.push("long"));
  const short = withDeadline(never(), 15, "short").catch(() => order.push("short"));
  // Answered before its deadline: must not be rejected when the shared timer fires for the others.
  let answer!: (v: string) => void;
  const answered = withDeadline(new Promise<string>((r) => (answer = r)), 60, "answered");
  answer("ok");
  assert.equal(await answered, "ok");
  await short;
  assert.deepEqual(order, ["short"]);
  await long;
  assert.deepEqual(order, ["short", "long"]);
});

test("an answer arriving after the deadline does not resurrect the call", async () => {
  let answer!: (v: number) => void;
  const p = withDeadline(new Promise<number>((r) => (answer = r)), 10, "late");
  await assert.rejects(p, RequestTimeout);
  answer(1);
  await assert.rejects(p, RequestTimeout);
});
