// The one web process: a Node HTTP server carrying the JSON API, the socket hub and the Next.js pages
// (custom-server style, as in socket.io's Next.js example), in front of a RunnerHost whose runner lives
// in a worker thread. Authentication and the start-up refusals happen before anything listens.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { createAuth, type Auth } from "@/server/auth/auth";
import type { RunnerHost } from "@/server/host/runner-host";
import { createHub, type Hub, type HubOptions, type HubServer } from "@/server/realtime/hub";
import type { Notifier } from "@/server/notify/notifier";
import { isAllowedHost } from "@/server/auth/origin";
import { allowRequest, attachSessions } from "@/server/realtime/socket-auth";
import { attachDeskSockets, type DeskSockets } from "@/server/realtime/desk-sockets";
import { createApi } from "@/server/web/api";
import type { WebConfig } from "@/server/config/web-config";
import { HttpError, SECURITY_HEADERS, sendError } from "@/server/web/http";
import { isPublicPage, loginRedirect } from "@/server/web/page-gate";
import { LabService } from "@/server/lab/service";
import { MemoryLabRuns } from "@/server/store";

export interface WebServer {
  url: string;
  port: number;
  /** For tests and diagnostics. */
  hub: Hub;
  io: HubServer;
  close(): Promise<void>;
}

export interface CreateWebServerOptions {
  host: RunnerHost;
  config: WebConfig;
  /** Next in development mode (next dev); ignored when config.pages is false. */
  dev?: boolean;
  hub?: HubOptions;
  /** Auth already loaded by createAuth(config) (main.ts checks the start-up rules before the runner starts). */
  auth?: Auth;
  /** Critical alerts go to its webhook (server/notify). */
  notifier?: Notifier | null;
  log?: (msg: string) => void;
}

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function prepareNext(config: WebConfig, dev: boolean, port: number): Promise<{ handle: NextHandler; close(): Promise<void> }> {
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const { default: next } = await import("next");
  const app = next({ dev, dir: config.dir, hostname: config.host, port: port || undefined, quiet: !dev });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handle: (req, res) => handle(req, res), close: () => app.close() };
}

/** A Host this desk does not answer to (DNS rebinding, or a name the operator has not configured). */
function refuseHost(res: ServerResponse): void {
  sendError(res, new HttpError(403, "This desk does not answer to that host name: open it by its configured address (SKEWDESK_ALLOWED_HOSTS)"));
}

export function displayUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export async function createWebServer(opts: CreateWebServerOptions): Promise<WebServer> {
  const { host, config } = opts;
  const dev = opts.dev ?? false;
  const log = opts.log ?? ((m: string) => console.error(m));
  const auth = opts.auth ?? (await createAuth(config));
  const pages = config.pages ? await prepareNext(config, dev, config.port) : null;

  let hub: Hub | null = null;
  let io: HubServer | null = null;
  const notifier = opts.notifier ?? null;
  let deskSockets: DeskSockets | null = null;
  // Lab runs go to the desk's database through the runner host (in memory when the host keeps none).
  const lab = new LabService({ store: host.labRuns ?? new MemoryLabRuns(), dataDir: config.dataDir, onProgress: (p) => io?.emit("lab:progress", p), log });
  const api = createApi({ host, auth, config, endSession: (jti) => (hub?.endSession(jti), deskSockets?.endSession(jti)), sockets: () => io?.engine.clientsCount ?? 0, log, notifier, lab });
  // The runner's alerts reach the webhook from here (the web thread), not from the runner's thread.
  const offAlerts = notifier ? host.on("alert", (a) => void notifier.alert(a)?.catch((err: unknown) => log(`[notify] ${(err as Error).message}`))) : null;

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? "/";
    if (!raw.startsWith("/")) return sendError(res, new HttpError(400, "Bad request target"));
    let url: URL;
    try {
      url = new URL(raw, "http://localhost");
    } catch {
      return sendError(res, new HttpError(400, "Bad request target"));
    }
    if (!isAllowedHost(req.headers.host, config.allowedHosts)) return refuseHost(res);
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return api(req, res, url);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!isPublicPage(url.pathname, dev) && !(await auth.sessionFrom(req))) {
      if (req.method === "GET" || req.method === "HEAD") {
        res.writeHead(302, { Location: loginRedirect(url.pathname + url.search), "Cache-Control": "no-store" });
        res.end();
        return;
      }
      return sendError(res, new HttpError(401, "Not signed in"));
    }
    if (!pages) return sendError(res, new HttpError(404, "Pages are not served by this server"));
    await pages.handle(req, res);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log(`[web] ${req.method} ${req.url?.split("?")[0]} failed: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) sendError(res, new HttpError(500, "Internal error"));
      else res.end();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  // Node closes an idle kept-alive socket after 5 s; a client or reverse proxy that reuses it at that
  // instant meets ECONNRESET (nginx answers 502). Outlasting the proxies' own idle limit (60 s) makes
  // them the ones to close.
  server.keepAliveTimeout = 65_000;

  io = new Server(server, {
    serveClient: false,
    allowRequest: allowRequest(auth, config.publicOrigins, config.allowedHosts),
    maxHttpBufferSize: 16 * 1024,
    // Upgrade requests on other paths belong to Next (HMR in dev); leave them alone.
    destroyUpgrade: false,
  });
  attachSessions(io, auth);
  hub = createHub(io, host, { log, ...opts.hub });
  deskSockets = attachDeskSockets(io, auth, host, { log, ...opts.hub });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: displayUrl(config.host, port),
    port,
    hub,
    io,
    close() {
      closing ??= (async () => {
        offAlerts?.();
        await lab.close();
        hub!.close();
        deskSockets?.close();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          server.closeAllConnections();
        });
        await pages?.close().catch(() => undefined);
        await auth.flush();
      })();
      return closing;
    },
  };
}
