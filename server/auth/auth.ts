// Authentication for the web process: accounts, signed sessions, login throttling, and the start-up rules
// (no live desk with a default secret, no desk reachable beyond localhost without accounts).
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { AccountStore } from "@/server/auth/accounts";
import { LoginLimiter } from "@/server/auth/rate-limit";
import { resolveAuthSecret, StartupRefused } from "@/server/auth/secret";
import { parseCookies, SESSION_COOKIE, SessionSigner, type Session } from "@/server/auth/session";
import { isLoopback, type WebConfig } from "@/server/config/web-config";

export class Auth {
  constructor(
    readonly accounts: AccountStore,
    readonly signer: SessionSigner,
    readonly limiter: LoginLimiter,
    private readonly config: WebConfig,
  ) {}

  /** The request's session, with the role as the account store has it now; null when absent or invalid. */
  async sessionFrom(req: IncomingMessage): Promise<Session | null> {
    const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = await this.signer.verify(token);
    if (!session) return null;
    const account = this.accounts.find(session.username);
    if (!account) return null;
    return { ...session, role: account.role };
  }

  secureCookie(req: IncomingMessage): boolean {
    const mode = this.config.auth.cookieSecure;
    if (mode !== "auto") return mode === "always";
    if ((req.socket as TLSSocket).encrypted) return true;
    if (this.config.auth.trustProxy) {
      const proto = req.headers["x-forwarded-proto"];
      return typeof proto === "string" && proto.split(",")[0]!.trim().toLowerCase() === "https";
    }
    return false;
  }

  clientIp(req: IncomingMessage): string {
    if (this.config.auth.trustProxy) {
      const xff = req.headers["x-forwarded-for"];
      if (typeof xff === "string" && xff.trim()) return xff.split(",")[0]!.trim();
    }
    return req.socket.remoteAddress ?? "unknown";
  }

  /**
   * First-run setup is offered only to a visitor on this machine. A proxied request comes from the proxy's
   * loopback address but not from this machine's user, so any forwarding header disqualifies it.
   */
  isLocalClient(req: IncomingMessage): boolean {
    if (req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined || req.headers["x-real-ip"] !== undefined) {
      return false;
    }
    return isLoopback(req.socket.remoteAddress);
  }
}

/** Loads accounts and the secret; throws StartupRefused when the desk must not start. */
export async function createAuth(config: WebConfig): Promise<Auth> {
  const localOnly = isLoopback(config.host);
  const { key } = await resolveAuthSecret({ secret: config.auth.secret, mode: config.mode, localOnly, dataDir: config.dataDir });
  const accounts = await AccountStore.load({
    operatorPassword: config.auth.operatorPassword,
    viewerPassword: config.auth.viewerPassword,
    usersFile: config.auth.usersFile,
    dataDir: config.dataDir,
    bcryptRounds: config.auth.bcryptRounds,
  });
  if (!localOnly && accounts.size === 0) {
    throw new StartupRefused(
      `Refusing to listen on ${config.host} (beyond localhost) without accounts: set SKEWDESK_OPERATOR_PASSWORD or SKEWDESK_USERS_FILE, or run the first-run setup on localhost`,
    );
  }
  if (config.mode === "live" && accounts.size === 0) {
    console.warn("[auth] live mode without accounts: open the dashboard from this machine to create the operator account");
  }
  const signer = new SessionSigner(key, config.auth.sessionTtlMs);
  const limiter = new LoginLimiter(config.auth.loginMaxFailures, config.auth.loginWindowMs);
  return new Auth(accounts, signer, limiter, config);
}
