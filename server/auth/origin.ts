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
