// Starts the real web server (API, sockets, auth, Next pages) in front of FakeRunnerHost, which streams a
// live, plausible desk: the mid random-walks, quotes follow the skew, fills move inventory, alerts fire.
// For developing and screenshotting the dashboard without a runner:
//
//   SKEWDESK_OPERATOR_PASSWORD=operator-pass SKEWDESK_VIEWER_PASSWORD=viewer-pass \
//     node --import tsx tests/support/serve-fake.ts [--port 3100] [--prod] [--setup] [--history-min 10]
//
// --prod serves a production build (runs scripts/ensure-build.mjs first); default is next dev.
// --setup starts with no account, to exercise the first-run setup page.
// Passwords default to "operator-pass-1234" / "viewer-pass-1234" when the env variables are unset.
// Prints "READY <url>" on stdout once it listens.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createWebServer } from "@/server/web/create-web-server";
import { defaultWebConfig, PROJECT_ROOT } from "@/server/config/web-config";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";
import { notifyConfigFromEnv } from "@/server/notify/notify-config";
import { Notifier } from "@/server/notify/notifier";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3100" },
    prod: { type: "boolean", default: false },
    setup: { type: "boolean", default: false },
    "history-min": { type: "string", default: "10" },
    "tick-ms": { type: "string", default: "200" },
  },
});

const tickMs = Number(values["tick-ms"]);
if (values.prod) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts/ensure-build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const fake = new FakeRunnerHost();
// History before "now", so the charts open with data from the store.
const historyTicks = Math.round((Number(values["history-min"]) * 60_000) / tickMs);
const start = Date.now() - historyTicks * tickMs;
for (let i = 0; i < historyTicks; i++) fake.tick(Math.random, start + i * tickMs);
fake.raiseAlert("risk_state", "info", "Runner started in paper mode");

// SKEWDESK_NOTIFY_URL etc., as the real desk reads them.
const notifyConfig = notifyConfigFromEnv(process.env);
const server = await createWebServer({
  host: fake,
  dev: !values.prod,
  notifier: notifyConfig ? new Notifier(notifyConfig, "Skewdesk PAPER (fake)") : null,
  config: defaultWebConfig({
    port: Number(values.port),
    dataDir: process.env.SKEWDESK_DATA_DIR ?? mkdtempSync(join(tmpdir(), "skewdesk-fake-")),
    auth: values.setup
      ? { operatorPassword: undefined, viewerPassword: undefined, bcryptRounds: 8 }
      : {
          operatorPassword: process.env.SKEWDESK_OPERATOR_PASSWORD ?? "operator-pass-1234",
          viewerPassword: process.env.SKEWDESK_VIEWER_PASSWORD ?? "viewer-pass-1234",
          bcryptRounds: 8,
        },
  }),
});

const timer = setInterval(() => {
  fake.tick();
  if (Math.random() < 0.01) fake.raiseAlert("stale_data", "warning", "Book update late by 1.2 s");
}, tickMs);

console.log(`READY ${server.url}`);

const shutdown = async () => {
  clearInterval(timer);
  await server.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
