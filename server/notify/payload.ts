// One alert as the message each kind of webhook takes: Slack's {text}, Discord's {content}, Telegram's
// sendMessage {chat_id, text}, or plain JSON with the text and the alert itself.
import type { AlertDTO } from "@/lib/events";
import type { NotifyConfig } from "./notify-config";

export interface Notice {
  /** One line a person reads on a phone. */
  text: string;
  alert: AlertDTO | null;
}

export function noticeOf(alert: AlertDTO, desk: string): Notice {
  const when = new Date(alert.lastSeenAt ?? alert.createdAt).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const times = (alert.count ?? 1) > 1 ? ` (×${alert.count})` : "";
  return { text: `⚠ ${desk} ${alert.severity.toUpperCase()} ${alert.kind.replace(/_/g, " ")}${times}: ${alert.message} — ${when}`, alert };
}

export function payloadOf(n: Notice, c: Pick<NotifyConfig, "format" | "telegramChatId">): unknown {
  switch (c.format) {
    case "slack":
      return { text: n.text };
    case "discord":
      // Discord caps a message at 2000 characters.
      return { content: n.text.slice(0, 2000) };
    case "telegram":
      return { chat_id: c.telegramChatId, text: n.text.slice(0, 4096), disable_web_page_preview: true };
    case "json":
      return { text: n.text, alert: n.alert };
  }
}
