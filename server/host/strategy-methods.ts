// The calls the web thread makes about one strategy (its status, history, parameters, controls), answered
// from its runner and the shared store. Built once per strategy; a desk of many has one set per strategy.
import type { AuditQuery, FillsPageQuery, OrdersPageQuery, ParamsBase, ResolveMismatchRequest } from "@/lib/api-requests";
import { resolveMismatchSchema } from "@/lib/api-requests";
import type { MarketSpec } from "@/lib/market";
import { parseStrategyParams, type DeskLimits } from "@/lib/strategy";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import type { Runner } from "@/server/runner/runner";
import { storedOrderDto } from "@/server/runner/publisher";
import type { JsonValue, Store } from "@/server/store";
import { createParamCommands } from "@/server/host/param-commands";
import { alertDto, fillDto, marketDto, snapshotDto } from "@/server/host/dto";
import { auditPage, fillsPage, ordersPage, performance } from "@/server/host/history";
import { previewSideBySide } from "@/server/host/preview";

export type Methods = Record<string, (...args: never[]) => unknown>;

export interface StrategyContext {
  runner: Runner;
  store: Store;
  /** The instrument shown and checked against: the paper preset's, or the live venue's grid. */
  market: MarketSpec;
  preset: Record<string, unknown>;
  limits: DeskLimits;
}

export function strategyMethods(ctx: StrategyContext): Methods {
  const { runner, store } = ctx;
  const sid = runner.strategyId;
  const market = marketDto(ctx.market, parseStrategyParams(ctx.preset) as unknown as Record<string, unknown>);
  // A preview prices the parameters in force beside the proposal, on the same book (preview.ts).
  const paramCommands = createParamCommands(
    {
      previewParams: (params: Record<string, unknown>) =>
        previewSideBySide(
          {
            paramVersion: () => runner.status().paramVersion,
            paramsOf: async (v) => (await store.getParameterVersion(sid, v))?.params ?? null,
            preview: (p) => runner.previewParams(p),
          },
          params,
        ),
      applyParams: (input: Record<string, unknown>, reason: string, by: string) => runner.applyParams(input, reason, by),
      rollbackParams: (version: number, reason: string, by: string) => runner.rollbackParams(version, reason, by),
    },
    {
      market: ctx.market,
      preset: ctx.preset,
      limits: ctx.limits,
      current: async () => ((await store.getParameterVersion(sid))?.params ?? {}) as Record<string, unknown>,
      version: async (n) => ((await store.getParameterVersion(sid, n))?.params ?? null) as Record<string, unknown> | null,
    },
  );
  return {
    status: () => runner.status(),
    snapshots: async (q: { from?: number; to?: number; limit: number }) =>
      (await store.listSnapshots(sid, { from: q.from !== undefined ? new Date(q.from) : undefined, to: q.to !== undefined ? new Date(q.to) : undefined, limit: q.limit })).map(snapshotDto),
    fills: async (limit: number) => (await store.listFills(sid, { limit })).map(fillDto),
    orders: async (limit: number) => (await store.listOrders(sid, { limit })).map(storedOrderDto),
    alerts: async (limit: number) => (await store.listAlerts(sid, { limit })).map(alertDto),
    fillsPage: (q: FillsPageQuery) => fillsPage(store, sid, q),
    ordersPage: (q: OrdersPageQuery) => ordersPage(store, sid, q),
    market: () => market,
    acknowledgeAlert: async (id: string, by: string) => {
      const a = await store.acknowledgeAlert(id, by);
      if (!a) throw new CommandRejected(`no alert ${id}`, { id: "no such alert" }, 404);
      return alertDto(a);
    },
    acknowledgeAllAlerts: async (by: string) => (await store.acknowledgeAllAlerts(sid, by)).map(alertDto),
    params: () => runner.paramsList(),
    previewParams: (p: Record<string, unknown>, base?: ParamsBase) => paramCommands.preview(p, base),
    applyParams: (p: Record<string, unknown>, reason: string, by: string, base?: ParamsBase) => paramCommands.apply(p, reason, by, base),
    rollbackParams: (v: number, reason: string, by: string) => paramCommands.rollback(v, reason, by),
    control: (a: ControlAction, by: string) => runner.control(a, by),
    emergencyPreview: () => runner.emergencyPreview(),
    emergencyClose: (by: string) => runner.emergencyClose(by),
    resolveMismatch: (req: ResolveMismatchRequest, by: string) => runner.resolveMismatch(resolveMismatchSchema.parse(req), by),
    audit: async (e: { actor: string; action: string; target: string; before?: unknown; after?: unknown; ip?: string }) => {
      await store.recordAudit({ ...e, before: e.before as JsonValue, after: e.after as JsonValue });
    },
    auditLog: (q: AuditQuery) => auditPage(store, q),
    performance: (r: { from: number; to: number }) => performance(store, sid, r),
  };
}
