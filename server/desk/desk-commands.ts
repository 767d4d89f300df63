// What an operator does to the desk as a whole or to its set of strategies: create (or clone) a strategy,
// start, pause, resume, stop and archive one, and the desk-wide pause, resume and emergency close, which
// report what happened to each strategy. The web layer checks the role, the confirmation and the schema,
// and audits; these never wait on a venue beyond each runner's own answer budget.
import type { CreateStrategyRequest, DeskCommandReportDTO, StrategyLifecycleAction } from "@/lib/desk";
import { createStrategyRequestSchema } from "@/lib/desk";
import type { DeskLimits } from "@/lib/strategy";
import { CommandRejected } from "@/server/runner/commands";
import { newClientTag } from "@/server/runner/client-ids";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import type { JsonObject, StrategyRecord } from "@/server/store";
import type { Desk } from "@/server/desk/desk";
import { initialParams } from "@/server/desk/initial-params";

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function createStrategy(desk: Desk, input: CreateStrategyRequest, by: string, limits: DeskLimits = {}): Promise<StrategyRecord> {
  const parsed = createStrategyRequestSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[i.path.join(".") || "body"] ??= i.message;
    throw new CommandRejected(`invalid strategy: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, fields);
  }
  const req = parsed.data;
  if (await desk.store.getStrategy(req.name)) throw new CommandRejected(`a strategy named ${req.name} exists already`, { name: "already used" }, 409);
  const paper = PAPER_MARKETS[req.settings.market];
  let base: Record<string, unknown> = paper.params as Record<string, unknown>;
  if (req.cloneFrom) {
    const source = desk.record(req.cloneFrom);
    if (source.symbol !== paper.market.symbol) {
      throw new CommandRejected(`${source.name} trades ${source.symbol}: a clone keeps its market (${paper.market.symbol} chosen)`, { "settings.market": "not the cloned strategy's market" });
    }
    base = ((await desk.store.getParameterVersion(source.id))?.params ?? base) as Record<string, unknown>;
  }
  const params = initialParams(base, req.params, paper.market, limits);
  // One strategy per market on a venue account: the venue reports one position per market and account, and
  // two strategies sharing it could never each be reconciled against it.
  const clash = desk.list().find((s) => s.lifecycle !== "archived" && s.account === req.account && s.symbol === paper.market.symbol && s.venue === req.venue && s.settings?.seed === req.settings.seed && s.settings?.market === req.settings.market);
  if (clash) throw new CommandRejected(`${clash.name} already trades this market (${req.settings.market}, seed ${req.settings.seed}) on account ${req.account}`, { "settings.seed": "market already traded on this account" }, 409);
  const created = await desk.store.ensureStrategy({
    name: req.name,
    market: paper.market.symbol,
    symbol: paper.market.symbol,
    venue: req.venue,
    mode: "paper",
    account: req.account,
    clientTag: newClientTag(),
    settings: req.settings as unknown as JsonObject,
    initialParams: params as unknown as JsonObject,
  });
  const record = req.start ? created : await desk.store.setLifecycle(created.id, "stopped");
  desk.adopt(record);
  desk.opts.log?.(`strategy ${record.name} created by ${by}${req.cloneFrom ? ` (clone of ${desk.record(req.cloneFrom).name})` : ""}: ${req.reason}`);
  if (req.start) await desk.start(record.id).catch(() => undefined);
  return desk.record(record.id);
}

export async function strategyLifecycle(desk: Desk, id: string, action: StrategyLifecycleAction, by: string): Promise<StrategyRecord> {
  switch (action) {
    case "start":
      return desk.start(id);
    case "pause":
    case "resume":
      await desk.runner(id).control(action, by);
      return desk.record(id);
    case "stop":
      return desk.stop(id, `stopped by ${by}`);
    case "archive":
      return desk.stop(id, `archived by ${by}`, "archived");
  }
}

async function eachRunner(desk: Desk, action: DeskCommandReportDTO["action"], fn: (id: string) => Promise<string>): Promise<DeskCommandReportDTO> {
  const runners = desk.runners();
  const results = await Promise.all(
    runners.map(async ({ record }) => {
      try {
        return { id: record.id, name: record.name, ok: true, message: await fn(record.id) };
      } catch (err) {
        return { id: record.id, name: record.name, ok: false, message: errText(err) };
      }
    }),
  );
  return { action, results };
}

/** Pauses every running strategy (and any started while the desk is paused). */
export function pauseDesk(desk: Desk, by: string): Promise<DeskCommandReportDTO> {
  desk.paused = true;
  return eachRunner(desk, "pause", async (id) => {
    const s = await desk.runner(id).control("pause", `${by} (desk-wide pause)`);
    return `paused; ${s.openOrders.length} orders still closing`;
  });
}

export function resumeDesk(desk: Desk, by: string): Promise<DeskCommandReportDTO> {
  desk.paused = false;
  return eachRunner(desk, "resume", async (id) => {
    const s = await desk.runner(id).control("resume", `${by} (desk-wide resume)`);
    return s.riskState === "ACTIVE" ? "quoting" : `resumed, risk state ${s.riskState}`;
  });
}

/** Every running strategy's emergency close at once; each answers within its own budget. The desk stays paused. */
export function emergencyCloseDesk(desk: Desk, by: string): Promise<DeskCommandReportDTO> {
  desk.paused = true;
  return eachRunner(desk, "emergency_close", async (id) => (await desk.runner(id).emergencyClose(`${by} (desk-wide)`)).message);
}
