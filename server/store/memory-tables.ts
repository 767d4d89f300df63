// The in-memory store's state (server/store/memory-store.ts): every table, the per-strategy indexes, and the
// strategies and parameter versions. Orders, fills and snapshots are in memory-orders.ts; alerts, runs, audit
// and recovery in memory-store.ts. One class chain, so that the state has one owner.
import { randomUUID } from "node:crypto";
import { RunNotFoundError, StaleParameterVersionError, StoreError, StrategyNotFoundError } from "./errors";
import {
  type NewParameterVersion,
  type OrderStatus,
  type ParameterVersionRecord,
  type RiskState,
  type StrategyDef,
  type StrategyLifecycle,
  type StrategyRecord,
} from "./records";
import {
  LIVE,
  checkEnum,
  limitOf,
  jsonIn,
  compareText,
  strategyOut,
  versionOut,
  type StoredJson,
  type StrategyRow,
  type ParameterVersionRow,
  type OrderRow,
  type AlertRow,
  type RunRow,
  type AuditRow,
  type StrategyData,
} from "./memory-rows";

export class MemoryTables {
  protected readonly strategies = new Map<string, StrategyData>();
  protected readonly strategyIdByName = new Map<string, string>();
  protected readonly orders = new Map<string, OrderRow>();
  protected readonly alerts = new Map<string, AlertRow>();
  protected readonly runs = new Map<string, RunRow>();
  /** By (createdAt, id). */
  protected readonly audit: AuditRow[] = [];
  /** One sequence for all fills, like the table's bigint identity. */
  protected fillSeq = 0;
  protected snapshotSeq = 0;

  protected data(strategyId: string): StrategyData {
    const d = this.strategies.get(strategyId);
    if (!d) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return d;
  }

  protected checkRun(runId: string | null): void {
    if (runId !== null && !this.runs.has(runId)) throw new RunNotFoundError(`no run ${runId}`);
  }

  protected setStatus(d: StrategyData, row: OrderRow, status: OrderStatus): void {
    row.status = status;
    if (LIVE.has(status)) d.liveOrders.set(row.clientOrderId, row);
    else d.liveOrders.delete(row.clientOrderId);
  }

  // ── strategies ──

  async ensureStrategy(def: StrategyDef): Promise<StrategyRecord> {
    checkEnum("mode", def.mode);
    const initialParams = def.initialParams ? jsonIn(def.initialParams) : null;
    const now = Date.now();
    const existingId = this.strategyIdByName.get(def.name);
    let d: StrategyData;
    if (existingId !== undefined) {
      d = this.data(existingId);
      Object.assign(d.row, { market: def.market, symbol: def.symbol, venue: def.venue, mode: def.mode, updatedAt: now });
      if (def.settings) d.row.settings = jsonIn(def.settings);
    } else {
      const row: StrategyRow = {
        id: randomUUID(),
        name: def.name,
        market: def.market,
        symbol: def.symbol,
        venue: def.venue,
        mode: def.mode,
        currentParamVersion: 0,
        riskState: "ACTIVE",
        riskReason: null,
        riskChangedAt: now,
        paused: false,
        clientTag: def.clientTag ?? null,
        account: def.account ?? "paper",
        settings: jsonIn(def.settings ?? null),
        lifecycle: "running",
        createdAt: now,
        updatedAt: now,
      };
      if (row.clientTag !== null && [...this.strategies.values()].some((x) => x.row.clientTag === row.clientTag)) {
        throw new Error(`client tag ${row.clientTag} is already used by another strategy`);
      }
      d = {
        row,
        versions: [],
        orders: [],
        liveOrders: new Map(),
        fills: [],
        fillsByTs: [],
        tradeIds: new Map(),
        snapshots: [],
        alerts: [],
        rebalanceCount: 0,
        emergencyCount: 0,
        runs: [],
      };
      this.strategies.set(row.id, d);
      this.strategyIdByName.set(row.name, row.id);
    }
    if (d.row.currentParamVersion === 0 && initialParams !== null) {
      this.appendVersion({ strategyId: d.row.id, changedBy: "system", reason: "initial parameters" }, initialParams);
    }
    return strategyOut(d.row);
  }

  async getStrategy(name: string): Promise<StrategyRecord | null> {
    const id = this.strategyIdByName.get(name);
    return id === undefined ? null : strategyOut(this.data(id).row);
  }

  async getStrategyById(id: string): Promise<StrategyRecord | null> {
    const d = this.strategies.get(id);
    return d ? strategyOut(d.row) : null;
  }

  async listStrategies(): Promise<StrategyRecord[]> {
    return [...this.strategies.values()].map((d) => d.row).sort((a, b) => compareText(a.name, b.name)).map(strategyOut);
  }

  async setRiskState(strategyId: string, state: RiskState, reason: string): Promise<StrategyRecord> {
    checkEnum("riskState", state);
    const { row } = this.data(strategyId);
    const now = Date.now();
    Object.assign(row, { riskState: state, riskReason: reason, riskChangedAt: now, updatedAt: now });
    return strategyOut(row);
  }

  async setPaused(strategyId: string, paused: boolean): Promise<StrategyRecord> {
    const { row } = this.data(strategyId);
    Object.assign(row, { paused, updatedAt: Date.now() });
    return strategyOut(row);
  }

  async setLifecycle(strategyId: string, lifecycle: StrategyLifecycle): Promise<StrategyRecord> {
    checkEnum("lifecycle", lifecycle);
    const { row } = this.data(strategyId);
    Object.assign(row, { lifecycle, updatedAt: Date.now() });
    return strategyOut(row);
  }

  // ── parameter versions ──

  async appendParameterVersion(change: NewParameterVersion): Promise<ParameterVersionRecord> {
    return versionOut(this.appendVersion(change, jsonIn(change.params)));
  }

  /** Every check comes before the first change, so a refused change writes nothing. */
  protected appendVersion(change: Omit<NewParameterVersion, "params">, params: StoredJson): ParameterVersionRow {
    const d = this.data(change.strategyId);
    const current = d.row.currentParamVersion;
    const version = current + 1;
    if (change.expectedCurrentVersion !== undefined && change.expectedCurrentVersion !== current) {
      throw new StaleParameterVersionError(change.expectedCurrentVersion, current);
    }
    if (change.rolledBackFrom !== undefined) {
      const target = change.rolledBackFrom;
      const exists = Number.isInteger(target) && target >= 1 && target < version;
      if (!exists) throw new StoreError(`cannot roll back to version ${target}: versions run from 1 to ${current}`);
    }
    const now = Date.now();
    const row: ParameterVersionRow = {
      id: randomUUID(),
      strategyId: d.row.id,
      version,
      params,
      previous: d.versions[current - 1]?.params ?? null,
      changedBy: change.changedBy,
      reason: change.reason,
      rolledBackFrom: change.rolledBackFrom ?? null,
      createdAt: now,
    };
    d.versions.push(row);
    d.row.currentParamVersion = version;
    d.row.updatedAt = now;
    return row;
  }

  async listParameterVersions(strategyId: string, opts: { limit?: number } = {}): Promise<ParameterVersionRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const versions = this.strategies.get(strategyId)?.versions ?? [];
    return versions.slice(-limit).reverse().map(versionOut);
  }

  async getParameterVersion(strategyId: string, version?: number): Promise<ParameterVersionRecord | null> {
    const versions = this.strategies.get(strategyId)?.versions ?? [];
    // Versions run 1, 2, 3… without gaps, so version v sits at index v - 1.
    const row = version === undefined ? versions.at(-1) : Number.isInteger(version) && version >= 1 ? versions[version - 1] : undefined;
    return row ? versionOut(row) : null;
  }
}
