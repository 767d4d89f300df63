// Issue 14, item 12: critical alerts (emergency, HALTED, database writes failing, reconciliation mismatch)
// sent to a configured webhook (Slack- or Discord-compatible JSON, Telegram's bot API), with retries and a
// test button, against a local receiver. Waits between retries go through an injected sleep: the tests
// never wait on the wall clock.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AlertDTO, NotifyDeliveryDTO, NotifyStatusDTO } from "@/lib/events";
import { ConfigError } from "@/server/config/web-config";
import { formatOf, notifyConfigFromEnv, type NotifyConfig } from "@/server/notify/notify-config";
import { isCritical, Notifier } from "@/server/notify/notifier";
import { payloadOf } from "@/server/notify/payload";
import { WebHarness } from "@/tests/support/web-harness";

/** A local webhook: records each request; answers with the statuses queued, then 200. */
class Receiver {
  readonly requests: Array<{ path: string; body: unknown; type: string | undefined }> = [];
  readonly answers: Array<{ status: number; headers?: Record<string, string> }> = [];
  private server!: Server;
  url = "";
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString() || "null"), type: req.headers["content-type"] });
        const a = this.answers.shift() ?? { status: 200 };
        res.writeHead(a.status, a.headers ?? {});
        res.end("ok");
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const alert = (id: string, kind: AlertDTO["kind"], severity: AlertDTO["severity"], message: string): AlertDTO => ({
  id,
  kind,
  severity,
  message,
  createdAt: Date.UTC(2030, 0, 1, 10, 2, 3),
  acknowledgedBy: null,
  acknowledgedAt: null,
});

describe("notification settings", () => {
  test("off without a URL; https, or http to this machine only; the URL is never echoed", () => {
    assert.equal(notifyConfigFromEnv({}), null);
    assert.throws(
      () => notifyConfigFromEnv({ SKEWDESK_NOTIFY_URL: "http://hooks.example.com/T0/secret-token" }),
      (e: Error) => e instanceof ConfigError && /SKEWDESK_NOTIFY_URL: must be an https/.test(e.message) && !e.message.includes("secret-token"),
    );
    assert.equal(notifyConfigFromEnv({ SKEWDESK_NOTIFY_URL: "http://127.0.0.1:9/x" })?.format, "json");
    assert.throws(() => notifyConfigFromEnv({ SKEWDESK_NOTIFY_URL: "https://api.telegram.org/bot123:abc/sendMessage" }), /TELEGRAM_CHAT_ID: required/);
  });

  test("the format follows the webhook's address", () => {
    assert.equal(formatOf("https://hooks.slack.com/services/T/B/x"), "slack");
    assert.equal(formatOf("https://discord.com/api/webhooks/1/abc"), "discord");
    assert.equal(formatOf("https://api.telegram.org/bot123:abc/sendMessage"), "telegram");
    assert.equal(formatOf("https://relay.example.com/in"), "json");
  });

  test("each format's payload", () => {
    const n = { text: "hello", alert: null };
    assert.deepEqual(payloadOf(n, { format: "slack", telegramChatId: null }), { text: "hello" });
    assert.deepEqual(payloadOf(n, { format: "discord", telegramChatId: null }), { content: "hello" });
    assert.deepEqual(payloadOf(n, { format: "telegram", telegramChatId: "-100123" }), { chat_id: "-100123", text: "hello", disable_web_page_preview: true });
  });
});

describe("delivery to a local receiver", () => {
  const rx = new Receiver();
  const waits: number[] = [];
  let config: NotifyConfig;
  before(async () => {
    await rx.start();
    config = { url: rx.url, format: "slack", telegramChatId: null, retries: 3 };
  });
  after(() => rx.stop());
  const notifier = () => new Notifier(config, "Skewdesk PAPER", { sleep: async (ms) => void waits.push(ms), log: () => undefined });

  test("critical alerts only, each once; the message says what, where and when", async () => {
    const n = notifier();
    assert.equal(n.alert(alert("a1", "rebalance", "warning", "ratio 0.81")), null, "a rebalance is not critical");
    assert.equal(isCritical(alert("h", "risk_state", "warning", "risk state ACTIVE → HALTED: journal write failed")), true);
    const d = await n.alert(alert("e1", "emergency", "critical", "flattened 0.3 ETH"))!;
    assert.equal(d.ok, true);
    assert.equal(n.alert({ ...alert("e1", "emergency", "critical", "flattened 0.3 ETH"), count: 2 }), null, "a repeat of an open alert is not news");
    const last = rx.requests.at(-1)!;
    assert.equal(last.type, "application/json");
    assert.deepEqual(last.body, { text: "⚠ Skewdesk PAPER CRITICAL emergency: flattened 0.3 ETH — 2030-01-01 10:02:03 UTC" });
  });

  test("retried with backoff on 5xx and 429 (honouring Retry-After) until delivered", async () => {
    waits.length = 0;
    const before = rx.requests.length;
    rx.answers.push({ status: 500 }, { status: 429, headers: { "retry-after": "7" } }, { status: 503 });
    const d = await notifier().alert(alert("db", "error", "critical", "database writes failing: 120 queued"))!;
    assert.deepEqual({ ok: d.ok, attempts: d.attempts, status: d.status }, { ok: true, attempts: 4, status: 200 });
    assert.deepEqual(waits, [1000, 7000, 4000]);
    assert.equal(rx.requests.length - before, 4);
  });

  test("gives up after the retries, and a 4xx (a wrong URL) is not retried", async () => {
    rx.answers.push({ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 });
    const d = await notifier().alert(alert("r1", "reconciliation", "critical", "desk 0.3 ETH, venue 0.1 ETH"))!;
    assert.deepEqual({ ok: d.ok, attempts: d.attempts }, { ok: false, attempts: 4 });
    assert.match(d.error ?? "", /answered 502/);
    rx.answers.push({ status: 404 });
    const wrong = await notifier().alert(alert("r2", "reconciliation", "critical", "x"))!;
    assert.deepEqual({ ok: wrong.ok, attempts: wrong.attempts, status: wrong.status }, { ok: false, attempts: 1, status: 404 });
  });
});

describe("notifications through the desk's web server", () => {
  const rx = new Receiver();
  let h: WebHarness;
  before(async () => {
    await rx.start();
    const notifier = new Notifier({ url: rx.url, format: "discord", telegramChatId: null, retries: 0 }, "Skewdesk PAPER", { log: () => undefined });
    h = await WebHarness.start({ notifier });
  });
  after(async () => {
    await h.close();
    await rx.stop();
  });

  test("the runner's critical alert reaches the webhook; the status shows where, never the URL", async () => {
    h.fake.raiseAlert("emergency", "critical", "Emergency close by operator: flattened 40.00");
    while (!rx.requests.some((r) => JSON.stringify(r.body).includes("flattened 40.00"))) await new Promise((r) => setTimeout(r, 5));
    const status = (await h.get("/api/notify", h.viewerCookie)).json as NotifyStatusDTO;
    assert.equal(status.configured, true);
    assert.equal(status.format, "discord");
    assert.equal(status.destination, new URL(rx.url).host);
    assert.ok(!JSON.stringify(status).includes("/hook"));
  });

  test("the test button: an operator sends one and sees the outcome; audited; a viewer may not", async () => {
    const r = await h.post("/api/notify/test", {});
    assert.equal(r.status, 200, r.text);
    const d = r.json as NotifyDeliveryDTO;
    assert.equal(d.ok, true);
    assert.match((rx.requests.at(-1)!.body as { content: string }).content, /test notification sent by operator/);
    assert.equal(h.fake.audits.findLast((a) => a.action === "notify.test")?.actor, "operator");
    assert.equal((await h.post("/api/notify/test", {}, h.viewerCookie)).status, 403);
  });

  test("without a webhook the test answers what to set", async () => {
    const off = await WebHarness.start();
    try {
      const r = await off.post("/api/notify/test", {});
      assert.equal(r.status, 409);
      assert.match((r.json as { error: string }).error, /set SKEWDESK_NOTIFY_URL/);
      assert.equal(((await off.get("/api/notify")).json as NotifyStatusDTO).configured, false);
    } finally {
      await off.close();
    }
  });
});
