// The story's InventoryManager API as a small stateful wrapper over the pure functions in inventory.ts, for code
// (and tests) written against the seed. The runner should prefer the pure functions with its own state.
import type Decimal from "decimal.js";
import { adjustQuotes, type AdjustQuotesOptions, type AdjustedQuotes } from "./adjust";
import {
  calculateSkew,
  createInventoryConfig,
  getRebalanceAction,
  getStats,
  initialInventoryState,
  inventoryRatio,
  needsEmergencyClose,
  needsRebalance,
  updateInventory,
  type InventoryConfig,
  type InventoryConfigInput,
  type InventoryState,
  type InventoryStats,
  type OrderFill,
  type RebalanceAction,
} from "./inventory";
import type { CompiledParams } from "./params";

export class InventoryManager {
  readonly config: InventoryConfig;
  private state: InventoryState;

  /** Validates the config (story defaults filled in); CompiledParams are already validated and used as they are. */
  constructor(config: InventoryConfigInput | CompiledParams, initial: InventoryState = initialInventoryState()) {
    this.config = "scaled" in config ? config : createInventoryConfig(config);
    this.state = initial;
  }

  /** The Zig's `InventoryManager.init(config)`. */
  static init(config: InventoryConfigInput | CompiledParams): InventoryManager {
    return new InventoryManager(config);
  }

  get currentInventory(): Decimal {
    return this.state.current;
  }

  /** Direct assignment, as the seed's tests do; tracks the peak but is not a fill (no rebalance count). */
  set currentInventory(value: Decimal) {
    const abs = value.abs();
    this.state = { ...this.state, current: value, peak: abs.gt(this.state.peak) ? abs : this.state.peak };
  }

  get peakInventory(): Decimal {
    return this.state.peak;
  }

  get rebalanceCount(): number {
    return this.state.rebalanceCount;
  }

  /** The state as a plain immutable value (for persistence or the pure functions). */
  snapshot(): InventoryState {
    return this.state;
  }

  inventoryRatio(): number {
    return inventoryRatio(this.config, this.state.current);
  }

  calculateSkew(): number {
    return calculateSkew(this.config, this.state.current);
  }

  adjustQuotes(baseBid: Decimal, baseAsk: Decimal, mid: Decimal, options?: AdjustQuotesOptions): AdjustedQuotes {
    return adjustQuotes(this.config, this.state.current, baseBid, baseAsk, mid, options);
  }

  needsRebalance(): boolean {
    return needsRebalance(this.config, this.state.current);
  }

  needsEmergencyClose(): boolean {
    return needsEmergencyClose(this.config, this.state.current);
  }

  getRebalanceAction(): RebalanceAction | null {
    return getRebalanceAction(this.config, this.state.current);
  }

  updateInventory(fill: OrderFill): void {
    this.state = updateInventory(this.config, this.state, fill);
  }

  getStats(): InventoryStats {
    return getStats(this.config, this.state);
  }
}
