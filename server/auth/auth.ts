// Authentication for the web process: accounts, signed sessions, login throttling, and the start-up rules
// (no live desk with a default secret, no desk reachable beyond localhost without accounts). Throttling state
// and logouts are kept in the data folder, so neither a restart nor a crash forgets them.
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { z } from "zod";
import { AccountStore } from "@/server/auth/accounts";
import { DEVICE_COOKIE, DeviceSigner, type Device } from "@/server/auth/device";
import { LoginLimiter, type LimiterState, type LimitKey } from "@/server/auth/rate-limit";
import { resolveAuthSecret, StartupRefused } from "@/server/auth/secret";
import { parseCookies, SESSION_COOKIE, SessionSigner, type Session } from "@/server/auth/session";
import { StateFile } from "@/server/auth/state-file";
import { isLoopback, type WebConfig } from "@/server/config/web-config";

const limiterFileSchema = z.record(z.string().max(400), z.array(z.number()).max(64));
const revokedFileSchema = z.record(z.string().max(100), z.number());

export interface AuthFiles {
  limiter: StateFile<LimiterState>;
  revoked: StateFile<Record<string, number>>;
}

export class Auth {
  constructor(
    readonly accounts: AccountStore,
    readonly signer: SessionSigner,
    readonly limiter: LoginLimiter,
    private readonly config: WebConfig,
    readonly devices: DeviceSigner,
    private readonly files: AuthFiles,
  ) {}

  /**
   * The throttling keys a login attempt counts against. A browser that signed in as this user before (device
   * cookie) answers for its own failures only; anyone else counts against their address for this user, their
   * address across users (spraying), and the account across addresses (guessing from many addresses).
   */
  loginKeys(ip: string, username: string, device: Device | null): LimitKey[] {
    const user = username.trim().toLowerCase();
    const free = this.config.auth.loginMaxFailures;
    if (device) return [{ key: `d:${device.id}`, free }];
    return [
      { key: `u:${ip}|${user}`, free },
      { key: `ip:${ip}`, free: free * 6 },
      { key: `acct:${user}`, free: free * 4 },
    ];
  }

  /** The device cookie of this request, when it signed in as `username` before. */
  deviceFrom(req: IncomingMessage, username: string): Promise<Device | null> {
    return this.devices.verify(parseCookies(req.headers.cookie).get(DEVICE_COOKIE), username);
  }

  /** Ends a session for good: the revocation is on disk before this resolves. */
  async logout(session: Session): Promise<void> {
    this.signer.revoke(session);
    await this.files.revoked.save(this.signer.revokedEntries());
  }

  /** Writes the throttling state now (shutdown). */
  flush(): Promise<void> {
    return this.files.limiter.flush();
  }

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
    if (this.config.auth.trustProxyHops > 0) {
      const proto = req.headers["x-forwarded-proto"];
      return typeof proto === "string" && proto.split(",")[0]!.trim().toLowerCase() === "https";
    }
    return false;
  }

  /**
   * The client's address. Behind `trustProxyHops` proxies, each appends the address it saw to X-Forwarded-For,
   * so the client is the hops-th entry from the RIGHT: everything left of it is whatever the client sent, and
   * trusting the leftmost let an attacker rotate addresses (40 guesses unthrottled) or lock out a chosen one.
   */
  clientIp(req: IncomingMessage): string {
    const hops = this.config.auth.trustProxyHops;
    const direct = req.socket.remoteAddress ?? "unknown";
    if (hops <= 0) return direct;
    const xff = req.headers["x-forwarded-for"];
    const chain = (Array.isArray(xff) ? xff.join(",") : (xff ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
    // Fewer entries than proxies: the request did not come through all of them; judge the peer itself.
    return chain.length >= hops ? chain[chain.length - hops]!.slice(0, 64) : direct;
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
export async function createAuth(config: WebConfig, opts: { now?: () => number } = {}): Promise<Auth> {
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
  const files: AuthFiles = {
    limiter: new StateFile(join(config.dataDir, "login-throttle.json"), limiterFileSchema),
    revoked: new StateFile(join(config.dataDir, "revoked-sessions.json"), revokedFileSchema),
  };
  const limiter: LoginLimiter = new LoginLimiter({
    windowMs: config.auth.loginWindowMs,
    now: opts.now,
    persist: () => files.limiter.saveSoon(() => limiter.snapshot()),
  });
  limiter.restore((await files.limiter.load()) ?? {});
  signer.restoreRevoked((await files.revoked.load()) ?? {});
  return new Auth(accounts, signer, limiter, config, new DeviceSigner(key), files);
}
