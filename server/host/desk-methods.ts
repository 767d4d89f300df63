// The calls the web thread makes about the desk as a whole: the overview, creating and cloning strategies,
// their lifecycle, and the desk-wide pause, resume and emergency close. A live desk runs one strategy
// and answers these with its one row, refusing the commands that would need a desk of many.
import type { CreateStrategyRequest, DeskOverviewDTO, StrategyLifecycleAction } from "@/lib/desk";
import type { DeskLimits } from "@/lib/strategy";
import { CommandRejected } from "@/server/runner/commands";
import type { Runner } from "@/server/runner/runner";
import type { StrategyRecord } from "@/server/store";
import type { Desk } from "@/server/desk/desk";
import { createStrategy, emergencyCloseDesk, pauseDesk, resumeDesk, strategyLifecycle } from "@/server/desk/desk-commands";
import { runningRow } from "@/server/desk/overview";
import { deskMetrics } from "@/server/desk/desk-metrics";
import type { Methods } from "@/server/host/strategy-methods";

const summary = (s: StrategyRecord) => ({ id: s.id, name: s.name, market: s.market, venue: s.venue, account: s.account, lifecycle: s.lifecycle, paused: s.paused });

export function deskMethods(desk: Desk, limits: DeskLimits): Methods {
  return {
    "desk.overview": () => desk.overview(),
    "desk.create": async (req: CreateStrategyRequest, by: string) => summary(await createStrategy(desk, req, by, limits)),
    "desk.lifecycle": async (id: string, action: StrategyLifecycleAction, by: string) => summary(await strategyLifecycle(desk, id, action, by)),
    "desk.strategy": (id: string) => summary(desk.record(id)),
    "desk.metrics": (reset: boolean) => deskMetrics(desk, reset),
    "desk.pause": (by: string) => pauseDesk(desk, by),
    "desk.resume": (by: string) => resumeDesk(desk, by),
    "desk.emergencyClose": (by: string) => emergencyCloseDesk(desk, by),
  };
}

/** A live desk: one strategy, shown as the overview's one row. */
export function singleDeskMethods(runner: Runner): Methods {
  const many = () => {
    throw new CommandRejected("a live desk runs one strategy: strategies are created and started on a paper desk", undefined, 409);
  };
  const overview = (): DeskOverviewDTO => ({
    at: Date.now(),
    strategies: [runningRow(runner.strategy, runner, [], 0)],
    totalExposure: "0",
    maxTotalPosition: null,
    growthBlocked: false,
    paused: runner.paused,
  });
  return {
    "desk.overview": overview,
    "desk.create": many,
    "desk.lifecycle": many,
    "desk.strategy": (id: string) => {
      if (id !== runner.strategyId) throw new CommandRejected(`no strategy ${id}`, undefined, 404);
      return summary(runner.strategy);
    },
    "desk.metrics": many,
    "desk.pause": many,
    "desk.resume": many,
    "desk.emergencyClose": many,
  };
}
