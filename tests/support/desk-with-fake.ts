// server/main.ts's start and signal handling, with FakeRunnerHost instead of the runner worker: prints
// "FACTORY" when the runner would start, "READY <url>" once listening and "STOP <reason>" when the host
// is asked to stop. Exit 2 on a start-up refusal, as main.ts. Used by tests/web/main.test.ts.
import { StartupRefused } from "@/server/auth/secret";
import { ConfigError } from "@/server/config/web-config";
import { exitOnSignals, startDesk } from "@/server/web/run-main";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";

const fake = new FakeRunnerHost();
const stop = fake.stop.bind(fake);
fake.stop = async (reason: string) => {
  await new Promise((r) => setTimeout(r, 50));
  await stop(reason);
  console.log(`STOP ${reason}`);
};

try {
  const desk = await startDesk({
    env: { ...process.env, PORT: process.env.PORT ?? "0" },
    dev: false,
    loadRunnerHostFactory: async () => {
      console.log("FACTORY");
      return () => fake;
    },
    log: () => undefined,
  });
  exitOnSignals(desk);
  console.log(`READY ${desk.server.url}`);
} catch (err) {
  console.error(`refused: ${(err as Error).message}`);
  process.exit(err instanceof StartupRefused || err instanceof ConfigError ? 2 : 1);
}
