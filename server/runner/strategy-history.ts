// Paper and live data never mix in one strategy's history: a strategy keeps the mode and venue it was
// created with, and a start that would reuse its name for another mode or venue is refused (the store's
// ensureStrategy would otherwise relabel the old rows).
import type { Store, StrategyMode } from "@/server/store";

export class StrategyHistoryConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StrategyHistoryConflict";
  }
}

export async function separateHistory(store: Store, name: string, mode: StrategyMode, venue: string): Promise<void> {
  const existing = await store.getStrategy(name);
  if (!existing || (existing.mode === mode && existing.venue === venue)) return;
  throw new StrategyHistoryConflict(
    `strategy "${name}" holds ${existing.mode} history on ${existing.venue}: refusing to record ${mode} trading on ${venue} under it (choose another SKEWDESK_STRATEGY)`,
  );
}
