// Issue 14, item 11: performance figures an operator reads (fill rate, spread captured per fill,
// inventory half-life, PnL per hour, fees) over a chosen range, computed exactly from fills and snapshots.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FillDTO, SnapshotDTO } from "@/lib/events";
import { computePerformance, halfLifeSeconds } from "@/lib/performance";
import { checkCustomRange, rangeBounds, toLocalInput } from "@/components/dashboard/range";

const snap = (ts: number, mid: string, ratio: number, totalPnl = "0"): SnapshotDTO => ({
  ts, mid, bestBid: null, bestAsk: null, ourBid: null, ourAsk: null, inventory: "0", ratio, skew: 0,
  realizedPnl: "0", unrealizedPnl: "0", totalPnl, fees: "0", riskState: "ACTIVE",
});
const fill = (ts: number, side: "buy" | "sell", price: string, size: string, fee: string): FillDTO => ({ tradeId: `t${ts}`, clientOrderId: "o", side, price, size, fee, liquidity: "maker", inventoryAfter: "0", ts });

test("fill rate, spread captured against the mid at each fill, fees and PnL per hour, exactly", () => {
  const H = 3_600_000;
  const points = [snap(0, "2000.00", 0, "10"), snap(1000, "2000.10", 0, "11"), snap(H / 2, "1999.90", 0, "12.5")];
  const fills = [fill(500, "buy", "1999.95", "0.1", "0.02"), fill(1500, "sell", "2000.30", "0.2", "0.04"), fill(2000, "sell", "2000.00", "0.1", "0.01")];
  const p = computePerformance(fills, points, 0, H / 2);
  assert.equal(p.fills, 3);
  assert.equal(p.buys, 1);
  assert.equal(p.fillsPerHour, 6);
  assert.equal(p.volume, "0.4");
  // buy 0.05 below 2000.00; sell 0.20 above 2000.10; sell 0.10 below 2000.10 (gave away): (0.05 + 0.2 − 0.1) / 3
  assert.equal(p.spreadCapturedPerFill, "0.05");
  assert.equal(p.feesPaid, "0.07");
  assert.equal(p.pnlChange, "2.5");
  assert.equal(p.pnlPerHour, "5");
  assert.ok(Math.abs(p.spreadCapturedBps! - 0.25) < 0.001, String(p.spreadCapturedBps));
});

test("inventory half-life from the ratio's decay; none when it does not revert", () => {
  // ratio halves every 10 samples of 1 s: φ = 0.5^(1/10), half-life 10 s.
  const decaying = Array.from({ length: 60 }, (_, i) => snap(i * 1000, "1", 0.9 * 0.5 ** (i / 10)));
  assert.ok(Math.abs(halfLifeSeconds(decaying)! - 10) < 0.01, String(halfLifeSeconds(decaying)));
  const flat = Array.from({ length: 60 }, (_, i) => snap(i * 1000, "1", 0.3));
  assert.equal(halfLifeSeconds(flat), null);
  assert.equal(computePerformance([], [], 0, 1000).spreadCapturedPerFill, null);
});

test("the chart range picker: a live window ends now; a picked range is checked in the operator's words", () => {
  const now = new Date(2030, 0, 2, 12, 0).getTime();
  assert.deepEqual(rangeBounds({ kind: "window", ms: 60_000, label: "1m" }, now), { from: now - 60_000, to: now });
  assert.deepEqual(rangeBounds({ kind: "window", ms: Infinity, label: "all" }, now), { from: 0, to: now });
  const from = new Date(2030, 0, 1, 9, 30).getTime();
  assert.deepEqual(checkCustomRange(toLocalInput(from), toLocalInput(from + 3_600_000), now), { from, to: from + 3_600_000 });
  assert.deepEqual(checkCustomRange(toLocalInput(from), toLocalInput(now + 3_600_000), now), { from, to: now }, "an end in the future stops at now");
  assert.deepEqual(checkCustomRange(toLocalInput(from + 60_000), toLocalInput(from), now), { error: "The start must be before the end" });
  assert.deepEqual(checkCustomRange("", toLocalInput(from), now), { error: "Give the start as a date and time" });
});
