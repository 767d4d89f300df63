// Paper and live data never mix in one strategy's history: a name used for paper is refused for live
// (and the reverse), through both session openers' shared check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryStore } from "@/server/store";
import { StrategyHistoryConflict, separateHistory } from "@/server/runner/strategy-history";
import { openPaperSession } from "@/server/runner/open-paper-session";

test("a strategy with paper history is never reused for live trading, nor the reverse", async () => {
  const store = createMemoryStore();
  await store.ensureStrategy({ name: "desk", market: "ETH", symbol: "ETH", venue: "paper", mode: "paper", initialParams: {} });
  await separateHistory(store, "desk", "paper", "paper");
  await assert.rejects(separateHistory(store, "desk", "live", "hyperliquid"), StrategyHistoryConflict);
  await store.ensureStrategy({ name: "live-desk", market: "ETH", symbol: "ETH", venue: "hyperliquid", mode: "live", initialParams: {} });
  await assert.rejects(separateHistory(store, "live-desk", "paper", "paper"), /holds live history on hyperliquid/);
  await separateHistory(store, "fresh", "live", "hyperliquid");
});

test("a paper session refuses a strategy name that holds live history", async () => {
  const store = createMemoryStore();
  await store.ensureStrategy({ name: "shared", market: "ETH", symbol: "ETH", venue: "hyperliquid", mode: "live", initialParams: {} });
  await assert.rejects(openPaperSession({ strategyName: "shared", db: "none", speed: "max", wrapStore: () => store, durationMs: 1000 }), StrategyHistoryConflict);
});
