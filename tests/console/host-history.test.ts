// The host's history pages over a real Store (memory): the cursor a page gives out reads the next page
// without a gap or a repeat, also when fills share a millisecond; totals follow the filters.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { fillsPageQuerySchema, ordersPageQuerySchema } from "@/lib/api-requests";
import { fillsPage, ordersPage } from "@/server/host/history";
import { createMemoryStore } from "@/server/store/memory-store";

test("fills and orders pages follow their cursors to the oldest row, each row once", async () => {
  const store = createMemoryStore();
  const s = await store.ensureStrategy({ name: "h", market: "ETH-USD", symbol: "ETH-USD", venue: "paper", mode: "paper" });
  const t0 = Date.UTC(2030, 0, 1);
  for (let i = 0; i < 23; i++) {
    const side = i % 2 ? "sell" : "buy";
    await store.saveOrder({ clientOrderId: `o${i}`, strategyId: s.id, side, type: "limit", price: new Decimal(2000), size: new Decimal("0.1"), reason: "quote", createdAt: new Date(t0 + Math.floor(i / 4)) });
    await store.recordFill({
      strategyId: s.id,
      venue: "paper",
      venueTradeId: `t${i}`,
      clientOrderId: `o${i}`,
      side,
      price: new Decimal(2000),
      size: new Decimal("0.1"),
      fee: new Decimal("0.02"),
      liquidity: "maker",
      inventoryAfter: new Decimal(i),
      ts: new Date(t0 + Math.floor(i / 4)),
    });
  }
  const read = async <T>(page: (before?: string) => Promise<{ rows: T[]; total: number; next: string | null }>) => {
    const rows: T[] = [];
    let next: string | null = null;
    let total = 0;
    do {
      const p = await page(next ?? undefined);
      rows.push(...p.rows);
      total = p.total;
      next = p.next;
    } while (next);
    return { rows, total };
  };
  const fills = await read((before) => fillsPage(store, s.id, fillsPageQuerySchema.parse({ limit: "5", ...(before ? { before } : {}) })));
  assert.equal(fills.total, 23);
  assert.deepEqual(fills.rows.map((f) => f.inventoryAfter), Array.from({ length: 23 }, (_, i) => String(22 - i)));
  const orders = await read((before) => ordersPage(store, s.id, ordersPageQuerySchema.parse({ limit: "5", side: "sell", ...(before ? { before } : {}) })));
  assert.equal(orders.total, 11);
  assert.equal(new Set(orders.rows.map((o) => o.clientOrderId)).size, 11);
});
