// The JSON API, served by the custom server (not Next route handlers, so the runner's persistence never
// enters the Next bundle). Each route declares who may call it and the schema of its body or query; the
// dispatcher enforces them in a fixed order: route → method → session (401) → origin (403) → role (403)
// → content type (415) → size (413) → JSON (400) → schema (400) → handler. Nothing reaches the runner
// host before every check has passed, and every mutation is written to the audit trail. A command the
// host rejects changed nothing, so it writes nothing either (bad input never changes the database).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "@/server/auth/auth";
import { isSameOrigin } from "@/server/auth/origin";
import { CommandRejected } from "@/server/runner/commands";
import type { RunnerHost } from "@/server/host/runner-host";
import type { WebConfig } from "@/server/config/web-config";
import { HttpError, parseWith, queryObject, readJsonBody, sendError, sendJson } from "@/server/web/http";
import { Reply, type Audit, type Route } from "@/server/web/route";
import { authRoutes } from "@/server/web/auth-routes";
import { strategyRoutes } from "@/server/web/strategy-routes";
import { historyRoutes } from "@/server/web/history-routes";
import { alertRoutes } from "@/server/web/alert-routes";
import { notifyRoutes } from "@/server/web/notify-routes";
import { deskRoutes } from "@/server/web/desk-routes";
import type { Notifier } from "@/server/notify/notifier";
import { sendText, TextReply } from "@/server/web/text-reply";
import type { LabService } from "@/server/lab/service";
import { labRoutes } from "@/server/web/lab-routes";

const STRATEGY_PATH = /^\/api\/s\/([0-9a-f-]{36})(\/.*)?$/;

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

export function createApi(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { host, auth, config } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));

  const auditIn = (scope: string): Audit => async (ctx, action: string, target: string, before?: unknown, after?: unknown) => {
    try {
      await host.audit({ actor: ctx.session?.username ?? "anonymous", action, target: scope + target, before, after, ip: ctx.ip });
    } catch (err) {
      // The mutation already happened; answering 500 would make the operator retry it.
      log(`[audit] failed to record ${action} on ${target}: ${(err as Error).message}`);
    }
  };

  const audit = auditIn("");
  // The same routes about one strategy of the desk under /api/s/<id>/…; without the prefix, the default one.
  const buildRoutes = (host: RunnerHost, audit: Audit): Route<never, never>[] => [
    ...authRoutes(auth, deps, audit),
    ...strategyRoutes(host, deps, audit),
    ...historyRoutes(host),
    ...alertRoutes(host, audit),
    ...notifyRoutes(deps.notifier ?? null, audit),
    ...(host.desk ? deskRoutes(host.desk, audit) : []),
    ...(deps.lab ? labRoutes(deps.lab, audit) : []),
  ];

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
