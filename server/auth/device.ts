// Device cookies (OWASP's answer to lockout abuse): a browser that has signed in as a user gets a long-lived,
// signed cookie naming that user and a random device id. At the next login its attempts count against that
// device only, not against the IP or the account, so an attacker hammering "operator" from the same network
// slows himself and never the operator's own browser. The cookie opens nothing by itself: the password is
// still checked. It is sent only to /api/auth.
import { randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

export const DEVICE_COOKIE = "skewdesk_device";
const ISSUER = "skewdesk";
const AUDIENCE = "skewdesk-device";
export const DEVICE_TTL_MS = 180 * 24 * 3600_000;

export interface Device {
  /** Lower-cased username the device signed in as. */
  username: string;
  id: string;
}

export class DeviceSigner {
  constructor(private readonly key: Uint8Array) {}

  async issue(username: string, id: string = randomUUID(), now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const exp = Math.floor((now + DEVICE_TTL_MS) / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(username.trim().toLowerCase())
      .setJti(id)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The device in a valid token, when it signed in as `username` before; null otherwise. */
  async verify(token: string | undefined, username: string): Promise<Device | null> {
    if (!token || token.length > 2048) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
      if (typeof payload.sub !== "string" || typeof payload.jti !== "string") return null;
      if (payload.sub !== username.trim().toLowerCase()) return null;
      return { username: payload.sub, id: payload.jti };
    } catch {
      return null;
    }
  }
}

export function deviceCookie(token: string, expiresAt: number, secure: boolean, now = Date.now()): string {
  return [
    `${DEVICE_COOKIE}=${token}`,
    "Path=/api/auth",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.ceil((expiresAt - now) / 1000))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
