// The watchdog process (forked by watchdog.ts, never run by hand): the dead-man for exchanges that have
// none (Binance spot). It lives outside the desk's process so that a desk that hangs or dies still has
// its orders pulled: every heartbeat moves the deadline; once the deadline passes without one, it cancels
// every open order on the market and says so. The credentials arrive over the IPC channel (never argv or
// env, which other users can read) and are never printed.
import { z } from "zod";
import { createClient } from "./client";

const initSchema = z.object({ t: z.literal("init"), exchangeId: z.string(), apiKey: z.string(), secret: z.string(), password: z.string().optional(), restUrl: z.string().optional(), wsUrl: z.string().optional(), sandbox: z.boolean().optional(), symbol: z.string(), timeoutMs: z.number() });
const msgSchema = z.union([initSchema, z.object({ t: z.literal("beat"), ms: z.number().positive() }), z.object({ t: z.literal("disarm") }), z.object({ t: z.literal("exit") })]);

type Out = { t: "ready" } | { t: "armed"; until: number } | { t: "disarmed" } | { t: "fired"; cancelled: number } | { t: "error"; message: string };
const tell = (m: Out) => {
  if (process.connected) process.send?.(m);
};

let client: ReturnType<typeof createClient> | null = null;
let symbol = "";
let deadline = 0;
let firing = false;

async function fire(): Promise<void> {
  firing = true;
  for (let attempt = 0; deadline && client; attempt++) {
    try {
      const open = await client.fetchOpenOrders(symbol);
      if (open.length) await client.cancelAllOrders(symbol);
      deadline = 0;
      tell({ t: "fired", cancelled: open.length });
    } catch (err) {
      tell({ t: "error", message: `cancel-all failed (attempt ${attempt + 1}): ${err instanceof Error ? err.message.slice(0, 300) : String(err)}` });
      await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
    }
  }
  firing = false;
  if (!process.connected) process.exit(0);
}

const timer = setInterval(() => {
  if (deadline && !firing && Date.now() >= deadline) void fire();
  // The desk is gone and nothing is armed: nothing left to guard.
  if (!process.connected && !deadline && !firing) process.exit(0);
}, 50);

process.on("message", (raw) => {
  const r = msgSchema.safeParse(raw);
  if (!r.success) return tell({ t: "error", message: "unreadable message" });
  const m = r.data;
  if (m.t === "init") {
    symbol = m.symbol;
    client = createClient({ exchangeId: m.exchangeId, apiKey: m.apiKey, secret: m.secret, password: m.password, restUrl: m.restUrl, wsUrl: m.wsUrl, sandbox: m.sandbox, timeoutMs: m.timeoutMs });
    void client
      .loadMarkets()
      .then(() => tell({ t: "ready" }))
      .catch((err: unknown) => tell({ t: "error", message: `loadMarkets: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}` }));
    return;
  }
  if (m.t === "beat") {
    deadline = Date.now() + m.ms;
    return tell({ t: "armed", until: deadline });
  }
  if (m.t === "disarm") {
    deadline = 0;
    return tell({ t: "disarmed" });
  }
  clearInterval(timer);
  void client?.close().finally(() => process.exit(0));
});
process.on("disconnect", () => {
  // The desk died: keep the deadline it last set, fire when it passes, then exit (see the timer).
});
