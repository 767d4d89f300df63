// The routes about the session rather than a strategy: signing in and out, first-run setup, who is signed in,
// and the public health check. Mounted by api.ts after its checks (session, origin, role, schema).
import type { IncomingMessage } from "node:http";
import { loginRequestSchema } from "@/lib/api-requests";
import { setupRequestSchema, SetupRefused } from "@/server/auth/accounts";
import type { Auth } from "@/server/auth/auth";
import { deviceCookie } from "@/server/auth/device";
import { clearSessionCookie, sessionCookie, type Session } from "@/server/auth/session";
import { HttpError } from "@/server/web/http";
import { noBody, noQuery, Reply, route, type Audit, type Route } from "@/server/web/route";

export function authRoutes(auth: Auth, deps: { endSession(jti: string): void }, audit: Audit): Route<never, never>[] {
  /** The session cookie, and the device cookie that lets this browser past throttling next time (device.ts). */
  const signedInCookies = async (req: IncomingMessage, token: string, session: Session, deviceId?: string): Promise<string[]> => {
    const secure = auth.secureCookie(req);
    const device = await auth.devices.issue(session.username, deviceId);
    return [sessionCookie(token, session.expiresAt, secure), deviceCookie(device.token, device.expiresAt, secure)];
  };

  return [
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
  ];
}
