// Test harness for the web layer: a real createWebServer on an ephemeral port in front of FakeRunnerHost,
// a keep-alive HTTP client that can send anything (raw bodies, any headers), and login helpers.
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebServer, type CreateWebServerOptions, type WebServer } from "@/server/web/create-web-server";
import { defaultWebConfig, type AuthConfig, type WebConfig } from "@/server/config/web-config";
import { createAuth } from "@/server/auth/auth";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";

export const OPERATOR_PASSWORD = "operator-pass-1234";
export const VIEWER_PASSWORD = "viewer-pass-1234";

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A value is JSON-encoded; a string or Buffer is sent as is. */
  body?: unknown;
  raw?: string | Buffer;
  cookie?: string;
  /** Origin header; defaults to this server's own origin for non-GET. null sends none. */
  origin?: string | null;
  contentType?: string | null;
}

export class WebHarness {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  operatorCookie = "";
  viewerCookie = "";

  private constructor(
    readonly server: WebServer,
    readonly fake: FakeRunnerHost,
    readonly config: WebConfig,
    private readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {}

  static async start(
    opts: {
      fake?: FakeRunnerHost;
      auth?: Partial<AuthConfig>;
      config?: Partial<Omit<WebConfig, "auth">>;
      dataDir?: string;
      hub?: CreateWebServerOptions["hub"];
      notifier?: CreateWebServerOptions["notifier"];
      login?: boolean;
      /** The login throttle's clock. */
      clock?: () => number;
    } = {},
  ): Promise<WebHarness> {
    const fake = opts.fake ?? new FakeRunnerHost();
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "skewdesk-web-test-"));
    const config = defaultWebConfig({
      port: 0,
      pages: false,
      dataDir,
      ...opts.config,
      auth: { operatorPassword: OPERATOR_PASSWORD, viewerPassword: VIEWER_PASSWORD, bcryptRounds: 4, ...opts.auth },
    });
    const auth = opts.clock ? await createAuth(config, { now: opts.clock }) : undefined;
    const server = await createWebServer({ host: fake, config, dev: false, hub: opts.hub, notifier: opts.notifier, log: () => undefined, auth });
    const h = new WebHarness(server, fake, config, dataDir, opts.dataDir === undefined);
    if (opts.login !== false && config.auth.operatorPassword) {
      h.operatorCookie = await h.login("operator", OPERATOR_PASSWORD);
      if (config.auth.viewerPassword) h.viewerCookie = await h.login("viewer", VIEWER_PASSWORD);
    }
    return h;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  send(path: string, opts: SendOptions = {}): Promise<HttpResult> {
    const method = opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? "POST" : "GET");
    const headers: Record<string, string> = { ...opts.headers };
    const origin = opts.origin === undefined ? (method === "GET" ? null : this.origin) : opts.origin;
    if (origin !== null) headers.origin = origin;
    if (opts.cookie) headers.cookie = opts.cookie;
    let payload: Buffer | undefined;
    if (opts.raw !== undefined) payload = Buffer.isBuffer(opts.raw) ? opts.raw : Buffer.from(opts.raw);
    else if (opts.body !== undefined) payload = Buffer.from(JSON.stringify(opts.body));
    const ct = opts.contentType === undefined ? (payload ? "application/json" : null) : opts.contentType;
    if (ct !== null) headers["content-type"] = ct;
    if (payload) headers["content-length"] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: this.server.port, path, method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown = undefined;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON */
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** GET as the operator (or `cookie`). */
  get(path: string, cookie = this.operatorCookie): Promise<HttpResult> {
    return this.send(path, { cookie });
  }

  /** POST JSON as the operator (or `cookie`) from this server's origin. */
  post(path: string, body: unknown, cookie = this.operatorCookie): Promise<HttpResult> {
    return this.send(path, { body, cookie });
  }

  async login(username: string, password: string): Promise<string> {
    const r = await this.send("/api/auth/login", { body: { username, password } });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
    return cookieFrom(r);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.server.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** "name=value" of the first Set-Cookie, for the Cookie header. */
export function cookieFrom(r: HttpResult): string {
  const set = r.headers["set-cookie"];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no Set-Cookie in response ${r.status}`);
  return first.split(";")[0]!;
}
