// A lab run, planned: the grid expanded and every set checked against the market before anything runs (a
// set the desk would refuse is refused here, with the strategy's own words), and the list of simulations in
// a fixed order: set by set, seed by seed. Results are put back in that order whatever finishes first.
import { GridError, gridFromArgs, setLabel, type ParamSet } from "@/lib/lab/grid";
import type { LabRunRequest } from "@/lib/lab/types";
import { InvalidConfigError, paramBoundsIssues, parseStrategyParams } from "@/lib/strategy";
import type { PaperMarketName } from "@/server/runner/paper-market";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import type { RegimeName } from "@/server/venue";

/** What a worker needs to run one simulation: plain data only (it crosses a thread boundary). */
export type JobMarket =
  | { kind: "simulated"; market: PaperMarketName; regime: RegimeName; seed: number; durationMs: number }
  | { kind: "replay"; market: PaperMarketName; path: string };

export interface LabJob {
  /** Position in the plan: results are reassembled by it. */
  index: number;
  setIndex: number;
  market: JobMarket;
  params: ParamSet;
  tickMs: number;
  /** PnL (and the path) sampled every this many ms of simulated time; -1: 120 samples over a replay file. */
  sampleEveryMs: number;
  /** Only the first seed of each set keeps its path. */
  keepPath: boolean;
}

export interface LabPlan {
  sets: ParamSet[];
  jobs: LabJob[];
  market: PaperMarketName;
}

/** Points per path: enough for a chart, small enough to store per set. */
const PATH_POINTS = 120;

/** Plans a run. `replayPath` is the resolved file for a replay market. Throws GridError on bad input. */
export function planLab(req: LabRunRequest, replayPath?: string): LabPlan {
  const { sets } = gridFromArgs(req.grid);
  const marketName = req.market.market;
  const paper = PAPER_MARKETS[marketName];
  for (const set of sets) {
    let params;
    try {
      params = parseStrategyParams({ ...paper.params, ...set });
    } catch (err) {
      if (err instanceof InvalidConfigError) throw new GridError(`${setLabel(set)}: ${err.message}`);
      throw err;
    }
    const issues = paramBoundsIssues(params, paper.market);
    if (issues.length) throw new GridError(`${setLabel(set)}: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  }
  const jobs: LabJob[] = [];
  const m = req.market;
  if (m.kind === "simulated") {
    const every = Math.max(req.tickMs, Math.ceil(m.durationMs / PATH_POINTS / req.tickMs) * req.tickMs);
    sets.forEach((params, setIndex) => {
      for (let k = 0; k < m.seeds; k++) {
        jobs.push({
          index: jobs.length,
          setIndex,
          params,
          tickMs: req.tickMs,
          sampleEveryMs: every,
          keepPath: k === 0,
          market: { kind: "simulated", market: marketName, regime: m.regime, seed: m.firstSeed + k, durationMs: m.durationMs },
        });
      }
    });
  } else {
    if (!replayPath) throw new GridError("a replay market needs its file");
    sets.forEach((params, setIndex) => {
      // The file's length is known only once it is read: the worker spaces the samples (-1).
      jobs.push({ index: jobs.length, setIndex, params, tickMs: req.tickMs, sampleEveryMs: -1, keepPath: true, market: { kind: "replay", market: marketName, path: replayPath } });
    });
  }
  return { sets, jobs, market: marketName };
}
