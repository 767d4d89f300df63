// Signed session tokens (JWT HS256 via jose) carried in an httpOnly, SameSite=Strict cookie. The role is
// re-read from the account store on every request, so removing an account ends its sessions.
import { randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { Role } from "@/lib/events";

export const SESSION_COOKIE = "skewdesk_session";
const ISSUER = "skewdesk";

export interface Session {
  username: string;
  role: Role;
  /** Token id, revoked at logout. */
  jti: string;
  /** ms since epoch */
  expiresAt: number;
}

export class SessionSigner {
  /** Revoked token ids until their expiry; pruned as they lapse, and kept in the data folder by Auth. */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly key: Uint8Array,
    readonly ttlMs: number,
  ) {}

  async issue(username: string, role: Role, now = Date.now()): Promise<{ token: string; session: Session }> {
    const jti = randomUUID();
    const exp = Math.floor((now + this.ttlMs) / 1000);
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setSubject(username)
      .setJti(jti)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, session: { username, role, jti, expiresAt: exp * 1000 } };
  }

  /** The session in a valid, unexpired, unrevoked token; null for anything else. */
  async verify(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 4096) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER });
      const role = payload.role;
      if (typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.exp !== "number") return null;
      if (role !== "viewer" && role !== "operator") return null;
      if (this.revoked.has(payload.jti)) return null;
      return { username: payload.sub, role, jti: payload.jti, expiresAt: payload.exp * 1000 };
    } catch {
      return null;
    }
  }

  revoke(session: Session, now = Date.now()): void {
    for (const [jti, exp] of this.revoked) if (exp <= now) this.revoked.delete(jti);
    this.revoked.set(session.jti, session.expiresAt);
  }

  /** Revoked token ids and their expiry, to keep across a restart (a logout must stay a logout). */
  revokedEntries(now = Date.now()): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [jti, exp] of this.revoked) if (exp > now) out[jti] = exp;
    return out;
  }

  restoreRevoked(entries: Record<string, number>, now = Date.now()): void {
    for (const [jti, exp] of Object.entries(entries)) if (exp > now) this.revoked.set(jti, exp);
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!out.has(name)) {
      try {
        out.set(name, decodeURIComponent(value));
      } catch {
        out.set(name, value);
      }
    }
  }
  return out;
}

export function sessionCookie(token: string, expiresAt: number, secure: boolean, now = Date.now()): string {
  const maxAge = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${maxAge}`,
    `Expires=${new Date(expiresAt).toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", ...(secure ? ["Secure"] : [])].join("; ");
}
