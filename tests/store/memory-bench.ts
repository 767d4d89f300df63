// Throughput and footprint of the in-memory store under a runner-like write load (not a test: run it by hand).
//   node --expose-gc --import tsx tests/store/memory-bench.ts [ticks]
// Each tick saves an order, opens it, then fills it (1 in 4) or cancels it, writes a snapshot, and every
// 10th tick lists the open orders.
import Decimal from "decimal.js";
import { createMemoryStore } from "@/server/store";

const ticks = Number(process.argv[2] ?? 100_000);
const D = (x: string | number) => new Decimal(x);
const t0 = Date.UTC(2030, 0, 1);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

const store = createMemoryStore();
const s = await store.ensureStrategy({ name: "bench", market: "m", symbol: "S", venue: "paper", mode: "paper", initialParams: { spread: "0.02" } });
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;

let t = performance.now();
for (let i = 0; i < ticks; i++) {
  const clientOrderId = `o${i}`;
  const at = new Date(t0 + i);
  await store.saveOrder({ clientOrderId, strategyId: s.id, side: "buy", type: "limit", price: D("0.45"), size: D(10), reason: "quote", createdAt: at });
  await store.updateOrder(clientOrderId, { status: "open" });
  if (i % 4 === 0) {
    await store.recordFill({
      strategyId: s.id,
      venue: "paper",
      venueTradeId: `t${i}`,
      clientOrderId,
      side: "buy",
      price: D("0.45"),
      size: D(10),
      fee: D(0),
      liquidity: "maker",
      inventoryAfter: D(i),
      ts: at,
    });
  } else {
    await store.updateOrder(clientOrderId, { status: "cancelled" });
  }
  await store.insertSnapshot({
    strategyId: s.id,
    ts: at,
    mid: D("0.5"),
    bestBid: D("0.49"),
    bestAsk: D("0.51"),
    ourBid: D("0.45"),
    ourAsk: null,
    inventory: D(i),
    ratio: D("0.1"),
    skew: D("0.01"),
    realizedPnl: D(0),
    unrealizedPnl: D(0),
    fees: D(0),
    riskState: "ACTIVE",
  });
  if (i % 10 === 0) await store.listOpenOrders(s.id);
}
const writeMs = performance.now() - t;

t = performance.now();
const snapshots = await store.listSnapshots(s.id);
const fills = await store.listFills(s.id);
const recovery = await store.loadRecoveryState(s.id);
const readMs = performance.now() - t;

globalThis.gc?.();
const heap = process.memoryUsage().heapUsed - heapBefore;
console.log(
  `${ticks} ticks: ${writeMs.toFixed(0)} ms (${((writeMs / ticks) * 1000).toFixed(1)} µs/tick); ` +
    `reads (${snapshots.length} snapshots, ${fills.length} fills, recovery of ${recovery.fills.length} fills): ${readMs.toFixed(0)} ms; ` +
    `heap +${mib(heap)} MiB (${(heap / ticks).toFixed(0)} B/tick)${globalThis.gc ? "" : " (run with --expose-gc for a settled figure)"}`,
);
