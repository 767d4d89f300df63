// The routes about one strategy: its status and metrics, recent rows for the charts and lists, alerts, parameters,
// controls, the emergency close, pair merges and reconciliation. api.ts mounts one set per strategy of the desk.
import {
  ackAlertRequestSchema,
  applyParamsRequestSchema,
  controlRequestSchema,
  emergencyCloseRequestSchema,
  listQuerySchema,
  metricsQuerySchema,
  pairMergeRequestSchema,
  previewParamsRequestSchema,
  resolveMismatchSchema,
  rollbackRequestSchema,
  snapshotQuerySchema,
} from "@/lib/api-requests";
import type { StatusDTO } from "@/lib/events";
import type { RunnerHost } from "@/server/host/runner-host";
import { CommandRejected } from "@/server/runner/commands";
import { HttpError } from "@/server/web/http";
import { noQuery, route, type Audit, type Route } from "@/server/web/route";

function statusSummary(s: StatusDTO) {
  return { riskState: s.riskState, running: s.running, paused: s.paused, paramVersion: s.paramVersion, inventory: s.inventory };
}

export function strategyRoutes(host: RunnerHost, deps: { sockets?: () => number }, audit: Audit): Route<never, never>[] {
  return [
    route({ method: "GET", path: "/api/status", access: "viewer", query: noQuery, handle: () => host.status() }),
    route({
      method: "GET",
      path: "/api/metrics",
      access: "viewer",
      query: metricsQuerySchema,
      handle: async (ctx) => {
        const { query } = ctx;
        // Reading is for everyone signed in; starting a new measuring window is an operator's act, on record.
        if (query.reset === "1" && ctx.session!.role !== "operator") throw new HttpError(403, "Resetting the metrics needs the operator role");
        const runner = host.metrics ? await host.metrics(query.reset === "1") : { ticks: 0, tickP50Us: 0, tickP99Us: 0, tickMaxUs: 0, loopDelayP99Us: 0, queuedWrites: 0, runnerHeapMb: 0 };
        const mem = process.memoryUsage();
        const out = { ...runner, webHeapMb: Math.round(mem.heapUsed / 1e5) / 10, rssMb: Math.round(mem.rss / 1e5) / 10, sockets: deps.sockets?.() ?? 0 };
        if (query.reset === "1") await audit(ctx, "metrics.reset", "metrics", undefined, out);
        return out;
      },
    }),
    route({
      method: "GET",
      path: "/api/snapshots",
      access: "viewer",
      query: snapshotQuerySchema,
      handle: async ({ query }) => {
        if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
          throw new HttpError(400, "Invalid request query: from must not exceed to", { from: "must not exceed to" });
        }
        return host.snapshots(query);
      },
    }),
    route({ method: "GET", path: "/api/fills", access: "viewer", query: listQuerySchema, handle: ({ query }) => host.fills(query.limit) }),
    route({ method: "GET", path: "/api/orders", access: "viewer", query: listQuerySchema, handle: ({ query }) => host.orders(query.limit) }),
    route({ method: "GET", path: "/api/alerts", access: "viewer", query: listQuerySchema, handle: ({ query }) => host.alerts(query.limit) }),
    route({
      method: "POST",
      path: "/api/alerts/ack",
      access: "operator",
      body: ackAlertRequestSchema,
      handle: async (ctx) => {
        const alert = await host.acknowledgeAlert(ctx.body.id, ctx.session!.username);
        await audit(ctx, "alert.ack", ctx.body.id, { acknowledged: false }, alert);
        return alert;
      },
    }),
    route({ method: "GET", path: "/api/params", access: "viewer", query: noQuery, handle: () => host.params() }),
    route({
      method: "POST",
      path: "/api/params/preview",
      access: "operator",
      body: previewParamsRequestSchema,
      handle: ({ body }) => host.previewParams(body.params, body.base),
    }),
    route({
      method: "POST",
      path: "/api/params",
      access: "operator",
      body: applyParamsRequestSchema,
      handle: async (ctx) => {
        // The new version carries the parameters it replaced: no extra read of the history per change.
        const v = await host.applyParams(ctx.body.params, ctx.body.reason, ctx.session!.username, ctx.body.base);
        await audit(ctx, ctx.body.base === "preset" ? "params.reset" : "params.apply", "params", { version: v.version - 1, params: v.previous }, v);
        return v;
      },
    }),
    route({
      method: "POST",
      path: "/api/params/rollback",
      access: "operator",
      body: rollbackRequestSchema,
      handle: async (ctx) => {
        const target = `params@${ctx.body.version}`;
        const v = await host.rollbackParams(ctx.body.version, ctx.body.reason, ctx.session!.username);
        await audit(ctx, "params.rollback", target, { version: v.version - 1, params: v.previous }, v);
        return v;
      },
    }),
    route({
      method: "POST",
      path: "/api/control",
      access: "operator",
      body: controlRequestSchema,
      handle: async (ctx) => {
        const before = statusSummary(await host.status());
        const action = `control.${ctx.body.action}`;
        const after = await host.control(ctx.body.action, ctx.session!.username);
        await audit(ctx, action, "runner", before, statusSummary(after));
        return after;
      },
    }),
    route({ method: "GET", path: "/api/emergency-close/preview", access: "viewer", query: noQuery, handle: () => host.emergencyPreview() }),
    route({
      method: "POST",
      path: "/api/emergency-close",
      access: "operator",
      body: emergencyCloseRequestSchema,
      handle: async (ctx) => {
        const before = await host.emergencyPreview();
        const outcome = await host.emergencyClose(ctx.session!.username);
        await audit(ctx, "emergency.close", "runner", before, outcome);
        return outcome;
      },
    }),
    route({
      method: "POST",
      path: "/api/pair/merge",
      access: "operator",
      body: pairMergeRequestSchema,
      handle: async (ctx) => {
        const pair = (await host.status()).pair;
        if (!pair || !host.mergePair) throw new CommandRejected("this desk quotes no YES/NO pair: nothing to merge", undefined, 404);
        const before = { yes: pair.yes.inventory, no: pair.no.inventory, collateral: pair.collateral, proposal: pair.merge.proposal };
        const outcome = await host.mergePair(ctx.session!.username);
        await audit(ctx, "pair.merge", "pair", before, outcome);
        return outcome;
      },
    }),
    route({
      method: "POST",
      path: "/api/reconciliation/resolve",
      access: "operator",
      body: resolveMismatchSchema,
      handle: async (ctx) => {
        const before = (await host.status()).reconciliation ?? null;
        const after = await host.resolveMismatch(ctx.body, ctx.session!.username);
        await audit(ctx, `reconciliation.${ctx.body.action}`, "runner", { reconciliation: before, reason: ctx.body.reason }, statusSummary(after));
        return after;
      },
    }),
  ];
}
