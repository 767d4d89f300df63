// Notifications from the dashboard: whether critical alerts go anywhere (GET, for everyone), and a test
// message an operator sends to see that they arrive (POST). Mounted by api.ts after its checks.
import { notifyTestRequestSchema } from "@/lib/api-requests";
import type { NotifyStatusDTO } from "@/lib/events";
import type { Notifier } from "@/server/notify/notifier";
import { noQuery, route, type Audit, type Route } from "@/server/web/route";
import { HttpError } from "@/server/web/http";

const OFF: NotifyStatusDTO = { configured: false, format: null, destination: null, last: null };

export function notifyRoutes(notifier: Notifier | null, audit: Audit): Route<never, never>[] {
  const status = route({ method: "GET", path: "/api/notify", access: "viewer", query: noQuery, handle: async () => notifier?.status() ?? OFF });
  const test = route({
    method: "POST",
    path: "/api/notify/test",
    access: "operator",
    body: notifyTestRequestSchema,
    handle: async (ctx) => {
      if (!notifier) throw new HttpError(409, "Notifications are off: set SKEWDESK_NOTIFY_URL (a Slack, Discord or Telegram webhook) and restart");
      const delivery = await notifier.test(ctx.session!.username);
      await audit(ctx, "notify.test", notifier.status().destination ?? "webhook", null, { ok: delivery.ok, status: delivery.status, attempts: delivery.attempts });
      return delivery;
    },
  });
  return [status, test];
}
