// The desk's live streams beside the default strategy's: namespace /desk carries the overview (every
// strategy's row, once a second), and /s/<strategy id> is one strategy's stream, served by a hub of its
// own (hub.ts) created when the first browser opens that strategy's page. Each namespace runs the same
// session check as the main one (a socket without a session is refused), and logout ends them all.
import type { Namespace, Server } from "socket.io";
import type { Auth } from "@/server/auth/auth";
import type { RunnerHost } from "@/server/host/runner-host";
import type { DeskOverviewDTO } from "@/lib/desk";
import { createHub, type Hub, type HubOptions, type HubServer } from "@/server/realtime/hub";
import type { Session } from "@/server/auth/session";

export const STRATEGY_NAMESPACE = /^\/s\/[0-9a-f-]{36}$/;

export interface DeskSockets {
  endSession(jti: string): void;
  /** Overviews broadcast so far (benchmarks read it). */
  overviews(): number;
  close(): void;
}

function withSessions(nsp: Namespace, auth: Auth): void {
  nsp.use((socket, next) => {
    auth.sessionFrom(socket.request).then(
      (session) => {
        if (!session) return next(new Error("Not signed in"));
        (socket.data as { session: Session }).session = session;
        next();
      },
      () => next(new Error("Not signed in")),
    );
  });
}

export function attachDeskSockets(io: Server, auth: Auth, host: RunnerHost, opts: HubOptions = {}): DeskSockets | null {
  const desk = host.desk;
  if (!desk || !host.forStrategy) return null;
  const deskNsp = io.of("/desk");
  withSessions(deskNsp, auth);
  let latest: DeskOverviewDTO | null = null;
  let sent = 0;
  const off = desk.onOverview((o) => {
    latest = o;
    sent++;
    deskNsp.emit("overview", o);
  });
  deskNsp.on("connection", (socket) => {
    if (latest) socket.emit("overview", latest);
  });

  const hubs = new Map<string, Hub>();
  const strategies = io.of(STRATEGY_NAMESPACE);
  withSessions(strategies as unknown as Namespace, auth);
  const onNew = (nsp: Namespace) => {
    if (!STRATEGY_NAMESPACE.test(nsp.name) || hubs.has(nsp.name)) return;
    hubs.set(nsp.name, createHub(nsp as unknown as HubServer, host.forStrategy!(nsp.name.slice(3)), opts));
  };
  io.on("new_namespace", onNew);

  const sessionSockets = (nsp: Namespace, jti: string) => [...nsp.sockets.values()].filter((s) => (s.data as { session?: Session }).session?.jti === jti);
  return {
    endSession(jti) {
      for (const s of sessionSockets(deskNsp, jti)) s.disconnect(true);
      for (const h of hubs.values()) h.endSession(jti);
    },
    overviews: () => sent,
    close() {
      off();
      io.off("new_namespace", onNew);
      for (const h of hubs.values()) h.close();
      hubs.clear();
    },
  };
}
