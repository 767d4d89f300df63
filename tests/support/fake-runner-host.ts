// A RunnerHost test double: keeps a small plausible state in memory, records every call, and emits runner
// events on demand. Used by the web tests (assert which calls were made) and by serve-fake.ts (a live
// dashboard without a runner). Its parameter schema is a stand-in for the strategy's real one.
// One class chain in files by subject: fake-runner-state.ts (the state and its derived figures) →
// fake-runner-trading.ts (what moves it: fills, alerts, orders, ticks) → here (the RunnerHost methods).
import Decimal from "decimal.js";
import type { RunnerHost } from "@/server/host/runner-host";
import { computePerformance, type PerformanceFigures } from "@/lib/performance";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import type {
  AlertDTO,
  AuditPageDTO,
  EmergencyOutcomeDTO,
  EmergencyPreviewDTO,
  FillDTO,
  ListPageDTO,
  MarketDTO,
  OrderDTO,
  ParamVersionDTO,
  QuotePreviewDTO,
  SideDTO,
  SnapshotDTO,
  StatusDTO,
} from "@/lib/events";
import type { AuditQuery, FillsPageQuery, OrdersPageQuery, ParamsBase } from "@/lib/api-requests";
import { DEFAULT_FAKE_PARAMS, fakeParamsSchema, type AuditEvent, type FakeParams } from "./fake-runner-state";
import { FakeRunnerTrading } from "./fake-runner-trading";

// What this module exported before the state moved out, so that importers need not know where it lives.
export { DEFAULT_FAKE_PARAMS, MUTATING_METHODS, fakeParamsSchema, type AuditEvent, type FakeParams, type RecordedCall } from "./fake-runner-state";

export class FakeRunnerHost extends FakeRunnerTrading implements RunnerHost {
  private record(method: keyof RunnerHost, args: unknown[]): void {
    this.calls.push({ method, args });
  }
  private mutated(method: keyof RunnerHost, args: unknown[]): void {
    this.mutations.push({ method, args });
  }

  // ---- RunnerHost -------------------------------------------------------------------------------------

  async status(): Promise<StatusDTO> {
    this.record("status", []);
    return this.statusNow();
  }

  async snapshots(query: { from?: number; to?: number; limit: number }): Promise<SnapshotDTO[]> {
    this.record("snapshots", [query]);
    const out: SnapshotDTO[] = [];
    for (const s of this.snapshotLog) {
      if (query.from !== undefined && s.ts < query.from) continue;
      if (query.to !== undefined && s.ts > query.to) continue;
      out.push(s);
      if (out.length >= query.limit) break;
    }
    return out;
  }

  async fills(limit: number): Promise<FillDTO[]> {
    this.record("fills", [limit]);
    return this.fillLog.slice(-limit).reverse();
  }

  async orders(limit: number): Promise<OrderDTO[]> {
    this.record("orders", [limit]);
    return this.orderLog.slice(-limit).reverse();
  }

  async alerts(limit: number): Promise<AlertDTO[]> {
    this.record("alerts", [limit]);
    return this.alertLog.slice(-limit).reverse();
  }

  async fillsPage(q: FillsPageQuery): Promise<ListPageDTO<FillDTO>> {
    this.record("fillsPage", [q]);
    const key = (f: FillDTO): [number, number] => [f.ts, Number(f.seq ?? 0)];
    const older = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const matching = this.fillLog
      .filter((f) => (!q.side || f.side === q.side) && (q.from === undefined || f.ts >= q.from) && (q.to === undefined || f.ts < q.to))
      .sort((a, b) => b.ts - a.ts || Number(b.seq) - Number(a.seq));
    const rows = q.before ? matching.filter((f) => older(key(f), [q.before!.ts, Number(q.before!.id)])) : matching;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, total: matching.length, next: rows.length > q.limit && last ? `${last.ts}:${last.seq}` : null };
  }

  async ordersPage(q: OrdersPageQuery): Promise<ListPageDTO<OrderDTO>> {
    this.record("ordersPage", [q]);
    const matching = this.orderLog
      .filter((o) => (!q.side || o.side === q.side) && (!q.status || q.status.includes(o.status as never)) && (!q.reason || q.reason.includes(o.reason as never)))
      .sort((a, b) => b.createdAt - a.createdAt || (b.clientOrderId < a.clientOrderId ? -1 : b.clientOrderId > a.clientOrderId ? 1 : 0));
    const b = q.before;
    const rows = b ? matching.filter((o) => o.createdAt < b.ts || (o.createdAt === b.ts && b.id !== "" && o.clientOrderId < b.id)) : matching;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, total: matching.length, next: rows.length > q.limit && last ? `${last.createdAt}:${last.clientOrderId}` : null };
  }

  async market(): Promise<MarketDTO> {
    this.record("market", []);
    return {
      symbol: "FAKE-YES",
      baseCurrency: "YES",
      quoteCurrency: "USDC",
      tickSize: "0.001",
      lotSize: "0.01",
      minSize: "1",
      minPrice: "0.01",
      maxPrice: "0.99",
      makerFeeRate: "0",
      takerFeeRate: "0.002",
      presetParams: { ...this.versions[0]!.params },
    };
  }

  async acknowledgeAlert(id: string, by: string): Promise<AlertDTO> {
    this.record("acknowledgeAlert", [id, by]);
    const alert = this.alertLog.find((a) => a.id === id);
    if (!alert) throw new CommandRejected(`No alert ${id}`, undefined, 404);
    if (alert.acknowledgedAt !== null) return alert;
    alert.acknowledgedBy = by;
    alert.acknowledgedAt = Date.now();
    this.mutated("acknowledgeAlert", [id, by]);
    return alert;
  }

  async acknowledgeAllAlerts(by: string): Promise<AlertDTO[]> {
    this.record("acknowledgeAllAlerts", [by]);
    const open = this.alertLog.filter((a) => a.acknowledgedAt === null);
    for (const a of open) {
      a.acknowledgedBy = by;
      a.acknowledgedAt = Date.now();
    }
    if (open.length) this.mutated("acknowledgeAllAlerts", [by]);
    return [...open].reverse();
  }

  async params(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }> {
    this.record("params", []);
    return { current: this.current, versions: [...this.versions].reverse() };
  }

  /** Merges the partial params over the current set (or the defaults: base "preset") and validates the result. */
  validate(params: Record<string, unknown>, base: ParamsBase = "current"): FakeParams {
    if (Object.keys(params).length === 0 && base === "current") throw new CommandRejected("No parameter given", undefined, 400);
    const merged = fakeParamsSchema.safeParse({ ...(base === "preset" ? DEFAULT_FAKE_PARAMS : this.params_), ...params });
    if (!merged.success) {
      const fields: Record<string, string> = {};
      for (const issue of merged.error.issues) fields[issue.path.join(".") || "params"] ??= issue.message;
      throw new CommandRejected("Invalid parameters", fields, 400);
    }
    const p = merged.data;
    if (p.emergencyThreshold <= p.rebalanceThreshold) {
      throw new CommandRejected("Invalid parameters", { emergencyThreshold: "must exceed rebalanceThreshold" });
    }
    return p;
  }

  async previewParams(params: Record<string, unknown>, base?: ParamsBase): Promise<QuotePreviewDTO> {
    this.record("previewParams", [params]);
    const p = this.validate(params, base);
    const price = (q: FakeParams) => {
      const x = this.quotes(q);
      return {
        bid: x.bid ? { price: x.bid.toFixed(3), size: q.orderSize } : null,
        ask: x.ask ? { price: x.ask.toFixed(3), size: q.orderSize } : null,
        skipped: [],
        action: null,
        mid: this.mid.toFixed(4),
        warnings: q.skewFactor > 2 ? ["skewFactor above 2 moves quotes far from mid"] : [],
      };
    };
    return { ...price(p), params: p, current: price(this.params_), currentVersion: this.current.version };
  }

  async applyParams(params: Record<string, unknown>, reason: string, by: string, base?: ParamsBase): Promise<ParamVersionDTO> {
    this.record("applyParams", [params, reason, by]);
    const p = this.validate(params, base);
    const v: ParamVersionDTO = {
      version: this.current.version + 1,
      params: p,
      previous: this.current.params,
      changedBy: by,
      reason,
      createdAt: Date.now(),
      rolledBackFrom: null,
    };
    this.versions.push(v);
    this.mutated("applyParams", [params, reason, by]);
    this.emit("params", v);
    return v;
  }

  async rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO> {
    this.record("rollbackParams", [version, reason, by]);
    const target = this.versions.find((v) => v.version === version);
    if (!target) throw new CommandRejected(`No parameter version ${version}`, { version: "unknown version" }, 404);
    const v: ParamVersionDTO = {
      version: this.current.version + 1,
      params: { ...target.params },
      previous: this.current.params,
      changedBy: by,
      reason,
      createdAt: Date.now(),
      rolledBackFrom: version,
    };
    this.versions.push(v);
    this.mutated("rollbackParams", [version, reason, by]);
    this.emit("params", v);
    return v;
  }

  async control(action: ControlAction, by: string): Promise<StatusDTO> {
    this.record("control", [action, by]);
    switch (action) {
      case "start":
        if (this.running) throw new CommandRejected("Already running", undefined, 409);
        this.running = true;
        this.paused = false;
        break;
      case "pause":
        if (this.paused) throw new CommandRejected("Already paused", undefined, 409);
        this.paused = true;
        for (const o of this.orderLog) if (o.status === "open") o.status = "cancelled";
        break;
      case "resume":
        if (!this.paused) throw new CommandRejected("Not paused", undefined, 409);
        this.paused = false;
        break;
      case "rearm":
        if (this.riskState === "ACTIVE") throw new CommandRejected("Already ACTIVE", undefined, 409);
        this.riskState = "ACTIVE";
        break;
    }
    this.mutated("control", [action, by]);
    const s = this.statusNow();
    this.emit("status", s);
    return s;
  }

  async emergencyPreview(): Promise<EmergencyPreviewDTO> {
    this.record("emergencyPreview", []);
    const gap = this.inventory.minus(this.params_.targetInventory);
    const b = this.book();
    return {
      side: gap.isZero() ? null : gap.isPositive() ? "sell" : "buy",
      amount: gap.abs().toFixed(2),
      estimatedPrice: gap.isZero() ? null : (gap.isPositive() ? b.bestBid : b.bestAsk).toFixed(4),
      inventory: this.inventory.toFixed(2),
      targetInventory: this.params_.targetInventory,
    };
  }

  async resolveMismatch(req: { action: "adopt" | "flatten"; reason: string }, by: string): Promise<StatusDTO> {
    this.record("resolveMismatch", [req, by]);
    if (!this.mismatch) throw new CommandRejected("no reconciliation mismatch to resolve", undefined, 409);
    this.inventory = new Decimal(this.mismatch.venue);
    this.mismatch = null;
    this.mutated("resolveMismatch", [req, by]);
    const s = this.statusNow();
    this.emit("status", s);
    return s;
  }

  async emergencyClose(by: string): Promise<EmergencyOutcomeDTO> {
    this.record("emergencyClose", [by]);
    const gap = this.inventory.minus(this.params_.targetInventory);
    const b = this.book();
    let averagePrice: string | null = null;
    if (!gap.isZero()) {
      const side: SideDTO = gap.isPositive() ? "sell" : "buy";
      const price = side === "sell" ? b.bestBid : b.bestAsk;
      this.pushActionOrder("emergency", side, gap.abs());
      this.applyFill(side, price, gap.abs(), "taker");
      averagePrice = price.toFixed(4);
    }
    let cancelled = 0;
    for (const o of this.orderLog) {
      if (o.status === "open") {
        o.status = "cancelled";
        cancelled++;
      }
    }
    this.paused = true;
    this.mutated("emergencyClose", [by]);
    this.raiseAlert("emergency", "critical", `Emergency close by ${by}: flattened ${gap.abs().toFixed(2)}`);
    this.emit("status", this.statusNow());
    return {
      filled: gap.abs().toFixed(2),
      averagePrice,
      inventoryAfter: this.inventory.toFixed(2),
      cancelledOrders: cancelled,
      paused: true,
      message: gap.isZero() ? "Inventory already at target; quotes cancelled and paused" : "Inventory flattened; paused",
    };
  }

  async audit(event: AuditEvent): Promise<void> {
    this.record("audit", [event]);
    this.audits.push({ ...event, id: `E${String(++this.seq).padStart(8, "0")}`, at: Date.now() });
  }

  async performance(r: { from: number; to: number }): Promise<PerformanceFigures> {
    this.record("performance", [r]);
    const fills = this.fillLog.filter((f) => f.ts >= r.from && f.ts < r.to);
    const points = this.snapshotLog.filter((s) => s.ts >= r.from && s.ts < r.to);
    return computePerformance(fills, points, r.from, r.to);
  }

  async auditLog(q: AuditQuery): Promise<AuditPageDTO> {
    this.record("auditLog", [q]);
    const b = q.before;
    const rows = this.audits
      .filter((e) => (!q.kind || e.action.startsWith(`${q.kind}.`)) && (!q.actor || e.actor === q.actor))
      .filter((e) => !b || e.at! < b.ts || (e.at === b.ts && e.id! < b.id))
      .sort((x, y) => y.at! - x.at! || (y.id! < x.id! ? -1 : 1))
      .map((e) => ({ id: e.id!, at: e.at!, actor: e.actor, action: e.action, target: e.target, before: e.before ?? null, after: e.after ?? null, ip: e.ip ?? null }));
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > q.limit && last ? `${last.at}:${last.id}` : null };
  }

  async stop(reason: string): Promise<void> {
    this.record("stop", [reason]);
    this.stopped = reason;
    this.running = false;
  }
}
