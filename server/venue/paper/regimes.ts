// Market regimes of the paper simulator: how the fair price drifts and jitters and which side trades
// more. 'falling' is the story's market: at its drift a 2000 price reaches ~1960 in ten minutes while
// sellers dominate the flow, so a market maker that keeps quoting a bid keeps buying.

export type RegimeName = "calm" | "trending_up" | "falling" | "volatile" | "still";

export interface RegimeParams {
  readonly name: string;
  /** Relative drift of the fair price per minute (-0.002 = -0.2 %/min). */
  readonly driftPerMin: number;
  /** Relative volatility per square-root minute (0.0005 = 0.05 %/sqrt(min)). */
  readonly volPerSqrtMin: number;
  /** Share of trades that are aggressive buys; 0.5 is balanced. */
  readonly buyShare: number;
  /** Multiplies the trade arrival rate; 0 = no trades at all. */
  readonly activity: number;
}

export const REGIMES: Readonly<Record<RegimeName, RegimeParams>> = {
  calm: { name: "calm", driftPerMin: 0, volPerSqrtMin: 0.0005, buyShare: 0.5, activity: 1 },
  trending_up: { name: "trending_up", driftPerMin: 0.002, volPerSqrtMin: 0.0005, buyShare: 0.6, activity: 1.2 },
  falling: { name: "falling", driftPerMin: -0.002, volPerSqrtMin: 0.0005, buyShare: 0.4, activity: 1.2 },
  volatile: { name: "volatile", driftPerMin: 0, volPerSqrtMin: 0.003, buyShare: 0.5, activity: 2 },
  // A market that holds still: the price never moves and nobody trades, so what the desk quotes follows
  // from its parameters alone. For tests that check what a parameter does, and for demos.
  still: { name: "still", driftPerMin: 0, volPerSqrtMin: 0, buyShare: 0.5, activity: 0 },
};

export type RegimeRef = RegimeName | RegimeParams;

export interface ScheduleStep {
  /** Offset from the start of the simulation, ms. The first step must start at 0. */
  readonly atMs: number;
  readonly regime: RegimeRef;
}

export interface MarkovSpec {
  readonly states: readonly RegimeRef[];
  /** Mean time spent in a state before switching (exponential dwell), ms. */
  readonly meanDwellMs: number;
  /** Row i: probabilities of moving from state i to each state (rows sum to 1). Default: uniform over the others. */
  readonly transitions?: readonly (readonly number[])[];
  /** Index of the first state. Default 0. */
  readonly initial?: number;
}

/** A fixed regime, a schedule of regimes by time, or a Markov chain of regimes. */
export type RegimeSetting = RegimeRef | { readonly schedule: readonly ScheduleStep[] } | { readonly markov: MarkovSpec };

export function resolveRegime(r: RegimeRef): RegimeParams {
  const p = typeof r === "string" ? REGIMES[r] : r;
  if (!p) throw new Error(`unknown regime ${JSON.stringify(r)}; known: ${Object.keys(REGIMES).join(", ")}`);
  const bad = (why: string) => new Error(`regime ${p.name}: ${why}`);
  if (!Number.isFinite(p.driftPerMin)) throw bad("driftPerMin must be finite");
  if (!(p.volPerSqrtMin >= 0) || !Number.isFinite(p.volPerSqrtMin)) throw bad("volPerSqrtMin must be >= 0");
  if (!(p.buyShare >= 0 && p.buyShare <= 1)) throw bad("buyShare must be in [0, 1]");
  if (!(p.activity >= 0) || !Number.isFinite(p.activity)) throw bad("activity must be >= 0");
  return p;
}

/** Validates a setting once, up front, so a bad schedule fails at construction and not an hour in. */
export function validateRegimeSetting(s: RegimeSetting): void {
  if (typeof s === "string" || "driftPerMin" in s) {
    resolveRegime(s as RegimeRef);
    return;
  }
  if ("schedule" in s) {
    const steps = s.schedule;
    if (!steps.length || steps[0]!.atMs !== 0) throw new Error("regime schedule: the first step must start at atMs 0");
    for (let i = 0; i < steps.length; i++) {
      resolveRegime(steps[i]!.regime);
      if (i > 0 && !(steps[i]!.atMs > steps[i - 1]!.atMs)) throw new Error(`regime schedule: step ${i} must start after step ${i - 1}`);
    }
    return;
  }
  const m = s.markov;
  if (m.states.length < 2) throw new Error("markov regimes: need at least 2 states");
  m.states.forEach(resolveRegime);
  if (!(m.meanDwellMs > 0)) throw new Error("markov regimes: meanDwellMs must be > 0");
  const init = m.initial ?? 0;
  if (!Number.isInteger(init) || init < 0 || init >= m.states.length) throw new Error("markov regimes: initial out of range");
  if (m.transitions) {
    if (m.transitions.length !== m.states.length) throw new Error("markov regimes: one transition row per state");
    m.transitions.forEach((row, i) => {
      if (row.length !== m.states.length || row.some((x) => !(x >= 0))) throw new Error(`markov regimes: row ${i} needs ${m.states.length} probabilities >= 0`);
      const sum = row.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-9) throw new Error(`markov regimes: row ${i} sums to ${sum}, not 1`);
    });
  }
}
