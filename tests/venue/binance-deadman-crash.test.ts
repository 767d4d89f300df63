// The point of a watchdog in its own process: a desk killed outright (SIGKILL, no cleanup) still has its
// orders pulled when the dead-man's time passes, by the watchdog it left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { until } from "../fakes/binance/harness";
import { startFakeBinance } from "../fakes/binance/server";

test("a desk killed with SIGKILL: its watchdog cancels the orders it left once the dead-man's time passes", async () => {
  const fake = await startFakeBinance();
  try {
    const script = fileURLToPath(new URL("../fakes/binance/dying-desk.ts", import.meta.url));
    const desk = spawn(process.execPath, ["--import", "tsx", "--no-warnings=ExperimentalWarning", script, fake.url, fake.wsUrl, "2000"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    desk.stdout.on("data", (d: Buffer) => (out += String(d)));
    const signal = await new Promise<NodeJS.Signals | null>((r) => desk.on("exit", (_code, sig) => r(sig)));
    assert.equal(signal, "SIGKILL");
    assert.match(out, /placed/);
    assert.deepEqual(fake.engine.openOrders(fake.user).map((o) => o.clientOrderId), ["dying-desk-bid"], "the dead desk's bid rests");
    await until("the orphaned watchdog to cancel it", () => fake.engine.openOrders(fake.user).length === 0, 20_000);
    const cancels = fake.requests.filter((r) => r.route === "DELETE /api/v3/openOrders");
    assert.equal(cancels.length, 1, "one cancel-all from the watchdog");
  } finally {
    await fake.close();
  }
});
