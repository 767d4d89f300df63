// Issue 14, defect 1: fills vanished from the table on reload. A fill pushed over the socket while the
// page's first read of /api/fills was in flight (and not yet in the database when that read ran) was
// overwritten by the read's answer. These tests drive react-query's real cache the way the page does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import type { FillDTO, OrderDTO } from "@/lib/events";
import { fetchMergingLive, pushLive } from "@/components/live/list-cache";
import { mergeFills, mergeOrders } from "@/components/live/lists";

const fill = (id: string, ts: number, inventoryAfter = "0"): FillDTO => ({
  tradeId: id,
  clientOrderId: `o-${id}`,
  side: "buy",
  price: "2000",
  size: "0.1",
  fee: "0.02",
  liquidity: "maker",
  inventoryAfter,
  ts,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Subscribes like a mounted component does (which starts the read); returns a reader of the cache. */
function observe<T>(qc: QueryClient, key: readonly unknown[], queryFn: () => Promise<T>): () => T | undefined {
  new QueryObserver(qc, { queryKey: key, queryFn }).subscribe(() => undefined);
  return () => qc.getQueryData<T>(key);
}

describe("lists: a read and live pushes merge by id (defect 1)", () => {
  test("a fill pushed while the first read is in flight survives the read's answer", async () => {
    const qc = new QueryClient();
    const key = ["fills"];
    const answer = deferred<FillDTO[]>();
    const read = observe(qc, key, () => fetchMergingLive(qc, key, () => answer.promise, mergeFills));
    // The socket delivers fill 3 before the database has it; the read then answers with 1 and 2 only.
    pushLive(qc, key, [fill("f3", 3_000, "0.3")], mergeFills);
    answer.resolve([fill("f2", 2_000, "0.2"), fill("f1", 1_000, "0.1")]);
    await qc.getQueryCache().find({ queryKey: key })!.promise;
    assert.deepEqual(read()?.map((f) => f.tradeId), ["f3", "f2", "f1"]);
    qc.clear();
  });

  test("a fill pushed before any read started is kept when the read answers", async () => {
    const qc = new QueryClient();
    const key = ["fills"];
    pushLive(qc, key, [fill("f9", 9_000)], mergeFills);
    const answer = deferred<FillDTO[]>();
    observe(qc, key, () => fetchMergingLive(qc, key, () => answer.promise, mergeFills));
    answer.resolve([fill("f8", 8_000)]);
    await qc.getQueryCache().find({ queryKey: key })!.promise;
    assert.deepEqual(qc.getQueryData<FillDTO[]>(key)?.map((f) => f.tradeId), ["f9", "f8"]);
    qc.clear();
  });

  test("an order's newer state wins whichever side reported it first", () => {
    const order = (status: string, updatedAt: number): OrderDTO => ({
      clientOrderId: "o1",
      side: "sell",
      type: "limit",
      price: "2001",
      size: "0.1",
      filledSize: status === "filled" ? "0.1" : "0",
      status,
      reason: "quote",
      createdAt: 1,
      updatedAt,
    });
    // The push said filled at t=5; a read that ran at t=4 still says open: the read must not revert it.
    assert.equal(mergeOrders([order("filled", 5)], [order("open", 4)])[0]!.status, "filled");
    assert.equal(mergeOrders([order("open", 4)], [order("filled", 5)])[0]!.status, "filled");
  });
});
