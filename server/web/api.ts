// The JSON API, served by the custom server (not Next route handlers, so the runner's persistence never
// enters the Next bundle). Each route declares who may call it and the schema of its body or query; the
// dispatcher enforces them in a fixed order: route → method → session (401) → origin (403) → role (403)
// → content type (415) → size (413) → JSON (400) → schema (400) → handler. Nothing reaches the runner
// host before every check has passed, and every mutation is written to the audit trail. A command the
// host rejects changed nothing, so it writes nothing either (bad input never changes the database).
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { setupRequestSchema, SetupRefused } from "@/server/auth/accounts";
import type { Auth } from "@/server/auth/auth";
import { deviceCookie } from "@/server/auth/device";
import { isSameOrigin } from "@/server/auth/origin";
import { clearSessionCookie, sessionCookie, type Session } from "@/server/auth/session";
import { CommandRejected } from "@/server/runner/commands";
import type { RunnerHost } from "@/server/host/runner-host";
import {
  ackAlertRequestSchema,
  applyParamsRequestSchema,
  controlRequestSchema,
  emergencyCloseRequestSchema,
  pairMergeRequestSchema,
  resolveMismatchSchema,
  listQuerySchema,
  loginRequestSchema,
  previewParamsRequestSchema,
  rollbackRequestSchema,
  snapshotQuerySchema,
} from "@/lib/api-requests";
import type { StatusDTO } from "@/lib/events";
import { metricsQuerySchema } from "@/lib/api-requests";
import type { WebConfig } from "@/server/config/web-config";
import { HttpError, parseWith, queryObject, readJsonBody, sendError, sendJson } from "@/server/web/http";
import { historyRoutes } from "@/server/web/history-routes";
import { alertRoutes } from "@/server/web/alert-routes";
import { notifyRoutes } from "@/server/web/notify-routes";
import { deskRoutes } from "@/server/web/desk-routes";
import type { Notifier } from "@/server/notify/notifier";
import { sendText, TextReply } from "@/server/web/text-reply";
import type { LabService } from "@/server/lab/service";
import { labRoutes } from "@/server/web/lab-routes";

export type Access = "public" | "session-optional" | "viewer" | "operator";

const STRATEGY_PATH = /^\/api\/s\/([0-9a-f-]{36})(\/.*)?$/;

/** A response with a status or headers other than 200 + JSON body. */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string | string[]> = {},
  ) {}
}

export interface Ctx<B, Q> {
  req: IncomingMessage;
  session: Session | null;
  ip: string;
  body: B;
  query: Q;
}

export interface Route<B = unknown, Q = unknown> {
  method: "GET" | "POST";
  path: string;
  access: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Accept a POST without a body (logout). */
  allowEmptyBody?: boolean;
  handle(ctx: Ctx<B, Q>): Promise<Reply | unknown>;
}

export interface ApiDeps {
  host: RunnerHost;
  auth: Auth;
  config: WebConfig;
  /** Ends the live sockets of a session (logout). */
  endSession(jti: string): void;
  /** Connected sockets, for /api/metrics. */
  sockets?: () => number;
  /** Sends critical alerts to a webhook; null or absent when none is configured. */
  notifier?: Notifier | null;
  /** The parameter lab (server/lab); absent: no /api/lab routes. */
  lab?: LabService;
  log?: (msg: string) => void;
}

const noQuery = z.object({}).strict();
const noBody = z.object({}).strict().optional();

function route<B, Q>(r: Route<B, Q>): Route<B, Q> {
  return r;
}

function statusSummary(s: StatusDTO) {
  return { riskState: s.riskState, running: s.running, paused: s.paused, paramVersion: s.paramVersion, inventory: s.inventory };
}

export function createApi(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { host, auth, config } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));

  const auditIn = (scope: string) => async (ctx: Ctx<unknown, unknown>, action: string, target: string, before?: unknown, after?: unknown) => {
    try {
      await host.audit({ actor: ctx.session?.username ?? "anonymous", action, target: scope + target, before, after, ip: ctx.ip });
    } catch (err) {
      // The mutation already happened; answering 500 would make the operator retry it.
      log(`[audit] failed to record ${action} on ${target}: ${(err as Error).message}`);
    }
  };

  /** The session cookie, and the device cookie that lets this browser past throttling next time (device.ts). */
  const signedInCookies = async (req: IncomingMessage, token: string, session: Session, deviceId?: string): Promise<string[]> => {
    const secure = auth.secureCookie(req);
    const device = await auth.devices.issue(session.username, deviceId);
    return [sessionCookie(token, session.expiresAt, secure), deviceCookie(device.token, device.expiresAt, secure)];
  };

  const audit = auditIn("");
  // The same routes about one strategy of the desk under /api/s/<id>/…; without the prefix, the default one.
  const buildRoutes = (host: RunnerHost, audit: ReturnType<typeof auditIn>): Route<never, never>[] => [
    route({ method: "GET", path: "/api/health", access: "public", query: noQuery, handle: async () => ({ ok: true }) }),
    route({
      method: "GET",
      path: "/api/auth/setup-needed",
      access: "public",
      query: noQuery,
      handle: async () => ({ setupNeeded: auth.accounts.size === 0 }),
    }),
    route({
      method: "GET",
      path: "/api/auth/me",
      access: "viewer",
      query: noQuery,
      handle: async ({ session }) => ({ username: session!.username, role: session!.role }),
    }),
    route({
      method: "POST",
      path: "/api/auth/login",
      access: "public",
      body: loginRequestSchema,
      handle: async (ctx) => {
        const { username, password } = ctx.body;
        const device = await auth.deviceFrom(ctx.req, username);
        const keys = auth.loginKeys(ctx.ip, username, device);
        const limit = auth.limiter.check(keys);
        if (!limit.allowed) {
          throw new HttpError(429, `Too many failed logins: try again in ${limit.retryAfterSec} s`, undefined, {
            "Retry-After": String(limit.retryAfterSec),
          });
        }
        const account = await auth.accounts.verify(username, password);
        if (!account) {
          auth.limiter.fail(keys);
          await audit({ ...ctx, session: null }, "auth.login_failed", username);
          throw new HttpError(401, "Wrong username or password");
        }
        auth.limiter.succeed(keys);
        const { token, session } = await auth.signer.issue(account.username, account.role);
        await audit({ ...ctx, session }, "auth.login", account.username, undefined, { role: account.role });
        return new Reply(200, { username: account.username, role: account.role }, { "Set-Cookie": await signedInCookies(ctx.req, token, session, device?.id) });
      },
    }),
    route({
      method: "POST",
      path: "/api/auth/setup",
      access: "public",
      body: setupRequestSchema,
      handle: async (ctx) => {
        if (!auth.isLocalClient(ctx.req)) throw new HttpError(403, "First-run setup is only possible from this machine (localhost)");
        if (auth.accounts.size > 0) throw new HttpError(409, "Setup is already done: an account exists");
        let account;
        try {
          account = await auth.accounts.setup(ctx.body.username, ctx.body.password);
        } catch (err) {
          if (err instanceof SetupRefused) throw new HttpError(409, err.message);
          throw err;
        }
        const { token, session } = await auth.signer.issue(account.username, account.role);
        await audit({ ...ctx, session }, "auth.setup", account.username, null, { role: account.role });
        return new Reply(201, { username: account.username, role: account.role }, { "Set-Cookie": await signedInCookies(ctx.req, token, session) });
      },
    }),
    route({
      method: "POST",
      path: "/api/auth/logout",
      access: "session-optional",
      body: noBody,
      allowEmptyBody: true,
      handle: async (ctx) => {
        if (ctx.session) {
          await auth.logout(ctx.session);
          deps.endSession(ctx.session.jti);
          await audit(ctx, "auth.logout", ctx.session.username);
        }
        return new Reply(200, { ok: true }, { "Set-Cookie": clearSessionCookie(auth.secureCookie(ctx.req)) });
      },
    }),
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
    ...historyRoutes(host),
    ...alertRoutes(host, audit),
    ...notifyRoutes(deps.notifier ?? null, audit),
    ...(host.desk ? deskRoutes(host.desk, audit) : []),
    ...(deps.lab ? labRoutes(deps.lab, audit) : []),
  ] as Route<never, never>[];

  const index = (routes: Route<never, never>[]) => {
    const byPath = new Map<string, Route<never, never>[]>();
    for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
    return byPath;
  };
  const byPath = index(buildRoutes(host, audit));
  const scoped = new Map<string, Map<string, Route<never, never>[]>>();
  /** The routes and the path within them for a request, /api/s/<strategy id>/… mapped onto that strategy's host. */
  const resolve = (pathname: string): { table: Map<string, Route<never, never>[]>; path: string } => {
    const m = STRATEGY_PATH.exec(pathname);
    if (!m || !host.forStrategy) return { table: byPath, path: pathname };
    const id = m[1]!;
    let table = scoped.get(id);
    if (!table) {
      if (scoped.size > 1_000) scoped.clear();
      scoped.set(id, (table = index(buildRoutes(host.forStrategy(id), auditIn(`strategy:${id}/`)))));
    }
    return { table, path: `/api${m[2] ?? ""}` };
  };

  return async (req, res, url) => {
    try {
      const { table, path } = resolve(url.pathname.replace(/\/+$/, "") || "/");
      const candidates = table.get(path);
      if (!candidates) throw new HttpError(404, `No API endpoint ${url.pathname}`);
      const method = req.method === "HEAD" ? "GET" : req.method;
      const r = candidates.find((c) => c.method === method);
      if (!r) {
        throw new HttpError(405, `Method ${req.method} not allowed on ${url.pathname}`, undefined, {
          Allow: candidates.map((c) => c.method).join(", "),
        });
      }
      const session = r.access === "public" ? null : await auth.sessionFrom(req);
      if ((r.access === "viewer" || r.access === "operator") && !session) throw new HttpError(401, "Not signed in");
      if (r.method === "POST" && !isSameOrigin(req, config.publicOrigins)) {
        throw new HttpError(403, "Cross-origin request refused: the Origin header must match this server");
      }
      if (r.access === "operator" && session!.role !== "operator") throw new HttpError(403, "This action needs the operator role");
      const query = r.query ? parseWith(r.query, queryObject(url), "query") : undefined;
      let body: unknown;
      if (r.method === "POST") {
        const raw = await readJsonBody(req, config.bodyLimitBytes, r.allowEmptyBody ?? false);
        body = r.body ? parseWith(r.body, raw, "body") : raw;
      }
      const ctx = { req, session, ip: auth.clientIp(req), body: body as never, query: query as never };
      const out = await r.handle(ctx);
      if (out instanceof TextReply) sendText(res, out);
      else if (out instanceof Reply) sendJson(res, out.status, out.body, out.headers);
      else sendJson(res, 200, out);
    } catch (err) {
      if (err instanceof HttpError) return sendError(res, err);
      if (isCommandRejected(err)) {
        const status = (err.status >= 400 && err.status < 500) || err.status === 503 ? err.status : 400;
        return sendError(res, new HttpError(status, err.message || "Command rejected", err.fields));
      }
      const e = err as Error;
      log(`[api] ${req.method} ${url.pathname} failed: ${e?.name ?? "Error"}: ${e?.message ?? String(err)}${e?.stack ? `\n${e.stack}` : ""}`);
      sendError(res, new HttpError(500, "Internal error: the request could not be completed (see the server log)"));
    }
  };
}

/** CommandRejected, also when it crossed the worker boundary as a plain object with the same shape. */
function isCommandRejected(err: unknown): err is CommandRejected {
  if (err instanceof CommandRejected) return true;
  return (
    typeof err === "object" &&
    err !== null &&
    (err as { name?: unknown }).name === "CommandRejected" &&
    typeof (err as { message?: unknown }).message === "string" &&
    typeof (err as { status?: unknown }).status === "number"
  );
}
