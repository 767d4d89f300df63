// Issue 14, defect 7: a preview with no change already differed from the resting quotes (1,996.75 vs
// "now" 1,996.53): the resting quotes were placed on an earlier book. The preview now prices the
// parameters in force and the proposed ones on the same book and inventory, side by side.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { QuoteDecisionDTO } from "@/lib/events";
import { previewSideBySide, type Previewer } from "@/server/host/preview";

/** A runner whose book moves whenever its thread is free (as ticks do), pricing quotes at mid − skew. */
function movingRunner(versions: Record<number, { skew: number }>) {
  let mid = 2000;
  let version = 1;
  const timer = setInterval(() => (mid += 0.25), 0);
  const r: Previewer & { stop(): void; setVersion(v: number): void } = {
    paramVersion: () => version,
    paramsOf: async (v) => {
      await new Promise((res) => setTimeout(res, 5)); // a database read: ticks happen meanwhile
      return versions[v] ?? null;
    },
    preview: (p): QuoteDecisionDTO => {
      const c = mid - Number(p.skew);
      return { bid: { price: String(c - 1), size: "0.1" }, ask: { price: String(c + 1), size: "0.1" }, skipped: [], action: null, mid: String(mid), warnings: [] };
    },
    stop: () => clearInterval(timer),
    setVersion: (v) => (version = v),
  };
  return r;
}

test("the parameters in force and the proposal are priced on one book: an unchanged proposal previews as no change", async () => {
  const r = movingRunner({ 1: { skew: 0 } });
  try {
    const same = await previewSideBySide(r, { skew: 0 });
    assert.equal(same.currentVersion, 1);
    assert.equal(same.current?.mid, same.mid, "one book for both");
    assert.deepEqual(same.current?.bid, same.bid);
    const lean = await previewSideBySide(r, { skew: 2 });
    assert.equal(Number(lean.current!.bid!.price) - Number(lean.bid!.price), 2, "the difference is the parameters' alone");
  } finally {
    r.stop();
  }
});

test("a version applied while the current parameters are read is read again", async () => {
  const r = movingRunner({ 1: { skew: 0 }, 2: { skew: 1 } });
  const paramsOf = r.paramsOf;
  let reads = 0;
  r.paramsOf = async (v) => {
    reads++;
    const out = await paramsOf(v);
    if (reads === 1) r.setVersion(2);
    return out;
  };
  try {
    const p = await previewSideBySide(r, { skew: 1 });
    assert.equal(p.currentVersion, 2);
    assert.deepEqual(p.current?.bid, p.bid);
  } finally {
    r.stop();
  }
});
