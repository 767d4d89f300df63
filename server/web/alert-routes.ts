// Alerts beyond one at a time: "acknowledge all" for an operator facing a feed full of them. Mounted by
// api.ts after its checks (session, operator role, same origin, schema).
import type { AlertDTO } from "@/lib/events";
import { ackAllAlertsRequestSchema } from "@/lib/api-requests";
import type { RunnerHost } from "@/server/host/runner-host";
import { route, type Audit, type Route } from "@/server/web/route";

export function alertRoutes(host: RunnerHost, audit: Audit): Route<never, never>[] {
  const ackAll = route({
    method: "POST",
    path: "/api/alerts/ack-all",
    access: "operator",
    body: ackAllAlertsRequestSchema,
    handle: async (ctx): Promise<{ acknowledged: AlertDTO[] }> => {
      const acknowledged = await host.acknowledgeAllAlerts(ctx.session!.username);
      // One audit line for the batch, naming every alert it closed.
      await audit(ctx, "alert.ack_all", "alerts", { open: acknowledged.length }, { ids: acknowledged.map((a) => a.id) });
      return { acknowledged };
    },
  });
  return [ackAll];
}
