// The desk's API: the overview for everyone signed in; creating, cloning and the lifecycle of strategies,
// and the desk-wide pause, resume and emergency close for operators, each typed out and audited with what
// it did to every strategy. Mounted by api.ts after its checks (session, role, origin, schema).
import {
  createStrategyRequestSchema,
  deskEmergencyRequestSchema,
  deskPauseRequestSchema,
  deskResumeRequestSchema,
  strategyLifecycleRequestSchema,
} from "@/lib/desk";
import { z } from "zod";
import type { DeskHost } from "@/server/host/runner-host";
import { noQuery, route, type Audit, type Route } from "@/server/web/route";
import { HttpError } from "@/server/web/http";


export function deskRoutes(desk: DeskHost, audit: Audit): Route<never, never>[] {
  const routes: Route<never, never>[] = [];
  const add = <B, Q>(r: Route<B, Q>) => routes.push(route(r));
  add({ method: "GET", path: "/api/desk", access: "viewer", query: noQuery, handle: () => desk.overview() });
  add({
    method: "GET",
    path: "/api/desk/metrics",
    access: "viewer",
    query: z.object({ reset: z.enum(["0", "1"]).optional() }).strict(),
    handle: async (ctx) => {
      // Reading is for everyone signed in; starting a new measuring window is an operator's act, on record.
      if (ctx.query.reset === "1" && ctx.session!.role !== "operator") throw new HttpError(403, "Resetting the metrics needs the operator role");
      const out = await desk.metrics(ctx.query.reset === "1");
      if (ctx.query.reset === "1") await audit(ctx, "metrics.reset", "desk", undefined, out);
      return out;
    },
  });
  add({
    method: "POST",
    path: "/api/desk/strategies",
    access: "operator",
    body: createStrategyRequestSchema,
    handle: async (ctx) => {
      const created = await desk.create(ctx.body, ctx.session!.username);
      await audit(ctx, ctx.body.cloneFrom ? "strategy.clone" : "strategy.create", `strategy:${created.name}`, ctx.body.cloneFrom ? { cloneFrom: ctx.body.cloneFrom } : null, { ...created, settings: ctx.body.settings, params: ctx.body.params, reason: ctx.body.reason });
      return created;
    },
  });
  add({
    method: "POST",
    path: "/api/desk/strategy-lifecycle",
    access: "operator",
    body: strategyLifecycleRequestSchema,
    handle: async (ctx) => {
      const before = await desk.strategy(ctx.body.id);
      const after = await desk.lifecycle(ctx.body.id, ctx.body.action, ctx.session!.username);
      await audit(ctx, `strategy.${ctx.body.action}`, `strategy:${after.name}`, before, after);
      return after;
    },
  });
  const deskWide = (path: string, body: z.ZodType<{ confirm: string }>, action: string, run: (by: string) => ReturnType<DeskHost["pause"]>) =>
    add({
      method: "POST",
      path,
      access: "operator",
      body,
      handle: async (ctx) => {
        const report = await run(ctx.session!.username);
        await audit(ctx, action, "desk", null, report);
        return report;
      },
    });
  deskWide("/api/desk/pause", deskPauseRequestSchema, "desk.pause", (by) => desk.pause(by));
  deskWide("/api/desk/resume", deskResumeRequestSchema, "desk.resume", (by) => desk.resume(by));
  deskWide("/api/desk/emergency-close", deskEmergencyRequestSchema, "desk.emergency_close", (by) => desk.emergencyClose(by));
  return routes;
}
