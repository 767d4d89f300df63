// The pieces of the worker-backed host that a desk of many adds: listeners per strategy (an event carries
// the strategy it is about; the host's own listeners hear the default strategy's), and the desk calls.
import type { DeskOverviewDTO } from "@/lib/desk";
import type { RunnerEvents } from "@/server/runner/commands";
import type { DeskHost, RunnerHost } from "@/server/host/runner-host";

type Listener = (p: never) => void;

export class EventRouter {
  private readonly byStrategy = new Map<string, Map<keyof RunnerEvents, Set<Listener>>>();
  private readonly overviewListeners = new Set<(o: DeskOverviewDTO) => void>();
  defaultId: string | null = null;
  latestOverview: DeskOverviewDTO | null = null;

  on<K extends keyof RunnerEvents>(strategyId: string | null, event: K, listener: (payload: RunnerEvents[K]) => void): () => void {
    const key = strategyId ?? "";
    let events = this.byStrategy.get(key);
    if (!events) this.byStrategy.set(key, (events = new Map()));
    let set = events.get(event);
    if (!set) events.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  dispatch(event: keyof RunnerEvents, payload: unknown, strategyId: string | undefined): void {
    const keys = strategyId === undefined || strategyId === this.defaultId ? ["", strategyId ?? ""] : [strategyId];
    for (const key of new Set(keys)) {
      for (const l of this.byStrategy.get(key)?.get(event) ?? []) {
        try {
          (l as (p: unknown) => void)(payload);
        } catch (err) {
          console.error(`runner event listener failed: ${(err as Error).message}`);
        }
      }
    }
  }

  onOverview(listener: (o: DeskOverviewDTO) => void): () => void {
    this.overviewListeners.add(listener);
    return () => this.overviewListeners.delete(listener);
  }

  overview(o: DeskOverviewDTO): void {
    this.latestOverview = o;
    for (const l of this.overviewListeners) {
      try {
        l(o);
      } catch (err) {
        console.error(`overview listener failed: ${(err as Error).message}`);
      }
    }
  }
}

export function deskHost(call: <T>(method: string, ...args: unknown[]) => Promise<T>, router: EventRouter): DeskHost {
  return {
    overview: () => call("desk.overview"),
    onOverview: (l) => router.onOverview(l),
    strategy: (id) => call("desk.strategy", id),
    create: (req, by) => call("desk.create", req, by),
    lifecycle: (id, action, by) => call("desk.lifecycle", id, action, by),
    metrics: (reset) => call("desk.metrics", reset),
    pause: (by) => call("desk.pause", by),
    resume: (by) => call("desk.resume", by),
    emergencyClose: (by) => call("desk.emergencyClose", by),
  };
}

type Call = <T>(method: string, ...args: unknown[]) => Promise<T>;

/** A strategy's calls, each one message to whoever runs it (the worker thread, or a runner process). */
export function strategyCalls(c: Call): Omit<RunnerHost, "snapshots" | "on" | "stop" | "forStrategy" | "desk" | "labRuns"> {
  return {
      status: () => c("status"),
      fills: (limit) => c("fills", limit),
      orders: (limit) => c("orders", limit),
      alerts: (limit) => c("alerts", limit),
      fillsPage: (q) => c("fillsPage", q),
      ordersPage: (q) => c("ordersPage", q),
      market: () => c("market"),
      acknowledgeAlert: (id, by) => c("acknowledgeAlert", id, by),
      acknowledgeAllAlerts: (by) => c("acknowledgeAllAlerts", by),
      params: () => c("params"),
      previewParams: (p, base) => c("previewParams", p, base),
      applyParams: (p, reason, by, base) => c("applyParams", p, reason, by, base),
      rollbackParams: (v, reason, by) => c("rollbackParams", v, reason, by),
      control: (a, by) => c("control", a, by),
      emergencyPreview: () => c("emergencyPreview"),
      emergencyClose: (by) => c("emergencyClose", by),
      resolveMismatch: (req, by) => c("resolveMismatch", req, by),
      mergePair: (by) => c("mergePair", by),
      audit: (e) => c("audit", e),
      auditLog: (q) => c("auditLog", q),
      performance: (r) => c("performance", r),
      metrics: (reset) => c("metrics", reset),
  };
}
