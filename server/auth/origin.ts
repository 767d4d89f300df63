// Same-origin checks for mutations and socket handshakes: the Origin header must name this server (the
// Host it was reached at) or one of the configured public origins. A missing Origin is refused.
import type { IncomingMessage } from "node:http";

export function requestOrigin(req: IncomingMessage): string | undefined {
  const o = req.headers.origin;
  return typeof o === "string" && o !== "" ? o : undefined;
}

export function isSameOrigin(req: IncomingMessage, publicOrigins: readonly string[] = []): boolean {
  const origin = requestOrigin(req);
  if (!origin || origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (publicOrigins.includes(url.origin)) return true;
  const host = req.headers.host;
  return typeof host === "string" && host.toLowerCase() === url.host.toLowerCase();
}

/**
 * The Host allow-list (issue 9, item 4). DNS rebinding points an attacker's name at 127.0.0.1: the browser then
 * sends the attacker's page's requests here, same-origin as far as it knows, with `Host: rebind.evil.example`.
 * A rebinding request always carries a DNS name, never an IP literal, so IP literals pass; names pass only when
 * they are localhost's own (localhost, *.localhost: browsers resolve those to loopback themselves) or were
 * configured (SKEWDESK_ALLOWED_HOSTS, the hosts of SKEWDESK_PUBLIC_ORIGIN, HOST when it is a name).
 */
export function isAllowedHost(hostHeader: string | undefined, allowedNames: readonly string[]): boolean {
  // A browser sends host[:port] only; userinfo or a path here is a hand-made request trying to confuse the parser.
  if (typeof hostHeader !== "string" || !/^[A-Za-z0-9.:[\]_-]{1,255}$/.test(hostHeader)) return false;
  let hostname: string;
  try {
    // The URL parser normalises case, IDNA and IPv4 spellings (0x7f.1 → 127.0.0.1) exactly as a browser does.
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  if (hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname)) return true;
  const name = hostname.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return allowedNames.includes(name);
}
