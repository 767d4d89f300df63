// The socket.io handshake gate. socket.io accepts a WebSocket from any Origin by default, so the engine's
// allowRequest refuses a handshake unless it comes from this site (Origin, or for a same-origin polling
// request that carries none, the browser's Sec-Fetch-Site) and carries a valid session cookie. A socket
// middleware then attaches the session, so every connection knows who it serves.
import type { IncomingMessage } from "node:http";
import type { Auth } from "@/server/auth/auth";
import { isAllowedHost, isSameOrigin, requestOrigin } from "@/server/auth/origin";
import type { HubServer } from "@/server/realtime/hub";

export function handshakeOriginAllowed(req: IncomingMessage, publicOrigins: readonly string[]): boolean {
  if (requestOrigin(req) !== undefined) return isSameOrigin(req, publicOrigins);
  // Browsers omit Origin on same-origin GETs (the polling handshake) but always send Sec-Fetch-Site,
  // which a page cannot forge. A WebSocket always carries Origin.
  const isUpgrade = typeof req.headers.upgrade === "string";
  return !isUpgrade && req.headers["sec-fetch-site"] === "same-origin";
}

export function allowRequest(auth: Auth, publicOrigins: readonly string[], allowedHosts: readonly string[] = []) {
  return (req: IncomingMessage, done: (err: string | null | undefined, success: boolean) => void): void => {
    // socket.io answers its own path before the page/API handler runs: the Host allow-list applies here too.
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      done("Host not allowed", false);
      return;
    }
    if (!handshakeOriginAllowed(req, publicOrigins)) {
      done("Origin not allowed", false);
      return;
    }
    auth.sessionFrom(req).then(
      (session) => (session ? done(null, true) : done("Not signed in", false)),
      () => done("Not signed in", false),
    );
  };
}

export function attachSessions(io: HubServer, auth: Auth): void {
  io.use((socket, next) => {
    auth.sessionFrom(socket.request).then(
      (session) => {
        if (!session) return next(new Error("Not signed in"));
        socket.data.session = session;
        next();
      },
      () => next(new Error("Not signed in")),
    );
  });
}
