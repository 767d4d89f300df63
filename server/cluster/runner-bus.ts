// A runner process on the bus: its strategies' events and its part of the overview go out to the web
// processes; a call comes in for a strategy (answered here only while this runner hosts it) or for the desk
// (answered by the runner it names, or by every runner for its own strategies: pause, resume, close all).
import { Server } from "socket.io";
import type { DeskOverviewDTO } from "@/lib/desk";
import type { DeskLimits } from "@/lib/strategy";
import type { Desk } from "@/server/desk/desk";
import { deskMethods } from "@/server/host/desk-methods";
import { strategyMethods, type Methods } from "@/server/host/strategy-methods";
import { CommandRejected } from "@/server/runner/commands";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import type { Runner } from "@/server/runner/runner";
import type { Store } from "@/server/store";
import { BUS, type BusAdapter, type BusCall, type BusReply } from "@/server/cluster/bus";

/** What a runner publishes each second: the overview of the desk as it sees it, and which strategies it runs. */
export interface RunnerOverview {
  runner: string;
  hosted: string[];
  overview: DeskOverviewDTO;
}

const LAB_METHODS: ReadonlySet<string> = new Set(["createLabRun", "updateLabRun", "saveLabResults", "listLabRuns", "getLabRun"]);

export interface RunnerBus {
  /** The desk's `emit` option: a strategy's runner event, out to every web process. */
  emit(strategyId: string, event: string, payload: unknown): void;
  close(): Promise<void>;
}

export function attachRunnerBus(opts: {
  owner: string;
  desk: () => Desk;
  store: Store;
  bus: BusAdapter;
  limits: DeskLimits;
  log: (line: string) => void;
}): RunnerBus {
  const io = new Server({ adapter: opts.bus.adapter, serveClient: false });
  const cache = new WeakMap<Runner, Methods>();
  const methodsOf = (runner: Runner): Methods => {
    let m = cache.get(runner);
    if (!m) {
      const market = PAPER_MARKETS[opts.desk().settingsOf(runner.strategy).market];
      cache.set(runner, (m = strategyMethods({ runner, store: opts.store, market: market.market, preset: market.params as Record<string, unknown>, limits: opts.limits })));
    }
    return m;
  };

  const answer = async (call: BusCall): Promise<BusReply> => {
    const desk = opts.desk();
    let fn: ((...a: unknown[]) => unknown) | undefined;
    if (call.strategyId !== undefined) {
      const runner = desk.runnerOf(call.strategyId);
      if (!runner) return { skip: true };
      // A desk command about one strategy (its lifecycle) goes to the runner that runs it.
      if (call.method.startsWith("desk.")) fn = deskMethods(desk, opts.limits)[call.method] as typeof fn;
      else if (call.method === "metrics") {
        const reset = call.args[0] === true;
        return { ok: true, value: { ...runner.tickMetrics(reset), loopDelayP99Us: 0, queuedWrites: runner.queuedWrites, oldestWriteAgeMs: runner.oldestWriteAgeMs, runnerHeapMb: Math.round(process.memoryUsage().heapUsed / 1e5) / 10 } };
      } else fn = methodsOf(runner)[call.method] as typeof fn;
    } else {
      if (call.runner !== "*" && call.runner !== opts.owner) return { skip: true };
      if (call.method === "lab") {
        const [method, ...args] = call.args as [string, ...unknown[]];
        if (!LAB_METHODS.has(method)) throw new Error(`unknown lab method ${method}`);
        return { ok: true, value: await (opts.store[method as keyof Store] as (...a: unknown[]) => unknown).apply(opts.store, args) };
      }
      fn = deskMethods(desk, opts.limits)[call.method] as typeof fn;
    }
    if (!fn) throw new Error(`unknown method ${call.method}`);
    return { ok: true, value: await fn(...call.args) };
  };

  io.on(BUS.call as never, (call: BusCall, ack: (r: BusReply) => void) => {
    if (typeof ack !== "function" || typeof call?.method !== "string" || !Array.isArray(call.args)) return;
    answer(call).then(ack, (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      ack({ ok: false, error: { name: e.name, message: e.message, ...(err instanceof CommandRejected ? { fields: err.fields, status: err.status } : {}) } });
    });
  });

  const timer = setInterval(() => {
    try {
      const desk = opts.desk();
      const msg: RunnerOverview = { runner: opts.owner, hosted: desk.hostedIds(), overview: desk.overview() };
      io.serverSideEmit(BUS.overview, msg);
    } catch (err) {
      opts.log(`overview failed: ${(err as Error).message}`);
    }
  }, 1_000);
  timer.unref();

  return {
    emit: (strategyId, event, payload) => io.serverSideEmit(BUS.event, strategyId, event, payload),
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await opts.bus.close();
    },
  };
}
