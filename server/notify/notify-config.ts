// Where critical alerts are sent, from the environment, validated like the rest of the configuration:
// a bad value stops the start with a message naming the variable (never echoing the URL, which carries
// the webhook's secret).
import { z } from "zod";
import { ConfigError } from "@/server/config/web-config";
import { secureUrlSchema } from "@/server/config/venue-url";

export const NOTIFY_FORMATS = ["slack", "discord", "telegram", "json"] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export interface NotifyConfig {
  url: string;
  format: NotifyFormat;
  /** Telegram's sendMessage needs the chat to post into. */
  telegramChatId: string | null;
  /** Attempts after the first, on a network error, a 5xx or a 429. */
  retries: number;
}

const envSchema = z.object({
  // A webhook URL is a secret: plain http only to this machine (a local relay, the tests' receiver).
  SKEWDESK_NOTIFY_URL: secureUrlSchema("https:", "http:", "must be an https:// URL (http:// only to this machine)"),
  SKEWDESK_NOTIFY_FORMAT: z.enum(NOTIFY_FORMATS, { error: `must be one of ${NOTIFY_FORMATS.join(", ")}` }).optional(),
  SKEWDESK_NOTIFY_TELEGRAM_CHAT_ID: z.string().trim().regex(/^-?\d{1,20}$|^@\w{5,64}$/, "must be a chat id (digits) or @channel").optional(),
  SKEWDESK_NOTIFY_RETRIES: z.coerce.number().int().min(0, "must be 0 or more").max(10, "must be at most 10").default(4),
});

/** The format a URL's host implies (Slack and Discord webhooks, Telegram's bot API), else plain JSON. */
export function formatOf(url: string): NotifyFormat {
  const u = new URL(url);
  if (u.hostname === "hooks.slack.com") return "slack";
  if (/(^|\.)discord(app)?\.com$/.test(u.hostname) && u.pathname.startsWith("/api/webhooks/")) return "discord";
  if (u.hostname === "api.telegram.org" && /^\/bot[^/]+\/sendMessage$/.test(u.pathname)) return "telegram";
  return "json";
}

/** null when no URL is set: notifications are off. */
export function notifyConfigFromEnv(env: Record<string, string | undefined>): NotifyConfig | null {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid notification settings:\n  ${lines.join("\n  ")}`);
  }
  const e = r.data;
  if (!e.SKEWDESK_NOTIFY_URL) return null;
  const format = e.SKEWDESK_NOTIFY_FORMAT ?? formatOf(e.SKEWDESK_NOTIFY_URL);
  if (format === "telegram" && !e.SKEWDESK_NOTIFY_TELEGRAM_CHAT_ID) {
    throw new ConfigError("Invalid notification settings:\n  SKEWDESK_NOTIFY_TELEGRAM_CHAT_ID: required to post through Telegram's bot API");
  }
  return { url: e.SKEWDESK_NOTIFY_URL, format, telegramChatId: e.SKEWDESK_NOTIFY_TELEGRAM_CHAT_ID ?? null, retries: e.SKEWDESK_NOTIFY_RETRIES };
}
