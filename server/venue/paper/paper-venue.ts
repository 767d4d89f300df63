// The paper venue: a seeded market simulator that needs no network. A fair price follows a regime-driven
// random walk; an L2 book of `levels` levels per side is laid around it at every book update; Poisson trade
// flow sweeps that book and, through the shared fill model (../matching.ts), our resting quotes.
//
// Determinism: one xoshiro128** stream drives event times, price steps, trade sides and sizes, in event
// order; level sizes are a stateless hash of (seed, book version, level), so building a book for
// fetchOrderBook never consumes the stream. The same seed and the same calls at the same simulated times
// give the same books and fills, however the time between calls is chopped up.
//
// Speed: the hot loop touches only numbers (tick and lot counts, float fair price): no Decimal, no
// allocation. A trade that cannot reach any of our orders is one subtraction. Decimal values are made
// only for fills and for fetchOrderBook, which builds the book on demand.
import Decimal from "decimal.js";
import type { LevelSource } from "../matching";
import { SimulatedVenue } from "../simulated-venue";
import { Rng, hash01 } from "./rng";
import { resolveRegime, validateRegimeSetting, type RegimeParams, type RegimeSetting } from "./regimes";
import type { MarketTrade, PaperMarketState, PaperVenueOptions } from "./paper-types";

export type { MarketTrade, PaperBookOptions, PaperFlowOptions, PaperMarketState, PaperVenueOptions } from "./paper-types";

export class PaperVenue extends SimulatedVenue {
  protected readonly bids: LevelSource;
  protected readonly asks: LevelSource;

  private readonly rng: Rng;
  private readonly sizeKey: number;
  private start: number;
  private readonly spreadTicks: number;
  private readonly stepTicks: number;
  private readonly levels: number;
  private readonly levelMeanLots: number;
  private readonly depthGrowth: number;
  private readonly tradesPerSec: number;
  private readonly bookPerSec: number;
  private readonly tradeMinLots: number;
  private readonly tradeTailInv: number;
  private readonly tradeMaxLots: number;
  private readonly fairLo: number;
  private readonly fairHi: number;
  private readonly setting: RegimeSetting;

  private regimeParams: RegimeParams;
  private scheduleIdx = 0;
  private markovState = 0;
  private nextSwitchAt = Infinity;
  private bookShare = 0;
  private meanGapMs = 0;

  private fair: number;
  private bestBid = 0;
  private bestAsk = 0;
  private bidCount = 0;
  private askCount = 0;
  private version = 0;
  private lastUpdate: number;
  private nextAt: number;

  constructor(opts: PaperVenueOptions) {
    super({ id: "paper", ...opts }, opts.startTime);
    const g = this.grid;
    const m = opts.market;
    const book = opts.book ?? {};
    const flow = opts.flow ?? {};
    const ticksOf = (what: string, v: Decimal.Value) => {
      const t = g.ticksExact(new Decimal(v));
      if (t === null || t < 1) throw new Error(`paper venue: ${what} ${v} must be a positive multiple of the tick ${g.tick}`);
      return t;
    };
    const lotsOf = (what: string, v: Decimal.Value) => {
      const l = g.lots(new Decimal(v), "round");
      if (!(l >= 1)) throw new Error(`paper venue: ${what} ${v} must be at least one lot (${g.lot})`);
      return l;
    };
    const positive = (what: string, v: number) => {
      if (!(v > 0) || !Number.isFinite(v)) throw new Error(`paper venue: ${what} must be > 0, got ${v}`);
      return v;
    };
    if (!Number.isInteger(opts.seed)) throw new Error(`paper venue: seed must be an integer, got ${opts.seed}`);
    this.rng = new Rng(opts.seed);
    this.sizeKey = new Rng(opts.seed ^ 0x5bd1e995).nextU32();
    this.start = this.simNow;
    this.lastUpdate = this.simNow;

    this.spreadTicks = book.spread === undefined ? 2 : ticksOf("book.spread", book.spread);
    this.stepTicks = book.levelStep === undefined ? 1 : ticksOf("book.levelStep", book.levelStep);
    this.levels = book.levels ?? 25;
    if (!Number.isInteger(this.levels) || this.levels < 1) throw new Error(`paper venue: book.levels must be an integer >= 1`);
    this.levelMeanLots = book.levelSize === undefined ? 50 * g.minLots : lotsOf("book.levelSize", book.levelSize);
    this.depthGrowth = book.depthGrowth ?? 0.05;
    if (!(this.depthGrowth >= 0)) throw new Error("paper venue: book.depthGrowth must be >= 0");

    this.tradesPerSec = positive("flow.tradesPerSec", flow.tradesPerSec ?? 5);
    this.bookPerSec = positive("flow.bookUpdatesPerSec", flow.bookUpdatesPerSec ?? 10);
    const meanTrade = flow.meanTradeSize === undefined ? 20 * g.minLots : lotsOf("flow.meanTradeSize", flow.meanTradeSize);
    const alpha = flow.tradeSizeTail ?? 2;
    if (!(alpha > 1)) throw new Error("paper venue: flow.tradeSizeTail must be > 1");
    // Pareto(x_m, alpha) has mean x_m * alpha / (alpha - 1).
    this.tradeMinLots = (meanTrade * (alpha - 1)) / alpha;
    this.tradeTailInv = 1 / alpha;
    this.tradeMaxLots = flow.maxTradeSize === undefined ? 10 * meanTrade : lotsOf("flow.maxTradeSize", flow.maxTradeSize);

    const p0 = new Decimal(opts.initialPrice);
    if (p0.lt(m.minPrice) || p0.gt(m.maxPrice)) throw new Error(`paper venue: initialPrice ${p0} is outside [${m.minPrice}, ${m.maxPrice}]`);
    this.fair = p0.div(g.tick).toNumber();
    this.fairLo = g.minTick + this.spreadTicks / 2;
    this.fairHi = g.maxTick - this.spreadTicks / 2;
    if (this.fairLo > this.fairHi) throw new Error("paper venue: the spread does not fit in the market's price band");

    this.setting = opts.regime ?? "calm";
    validateRegimeSetting(this.setting);
    this.regimeParams = this.initialRegime();
    this.rates();

    this.bids = {
      dir: -1,
      depleted: 0,
      levelCount: () => this.bidCount,
      levelTick: (i) => this.bestBid - i * this.stepTicks,
      levelLots: (i) => this.levelLots(i, 0),
    };
    this.asks = {
      dir: 1,
      depleted: 0,
      levelCount: () => this.askCount,
      levelTick: (i) => this.bestAsk + i * this.stepTicks,
      levelLots: (i) => this.levelLots(i, 1),
    };
    this.layBook();
    this.nextAt = this.simNow + this.rng.exp(this.meanGapMs);
  }

  /** The simulator's fair price, rounded to the tick grid. */
  get fairPrice(): Decimal {
    return this.grid.price(Math.round(this.fair));
  }

  /** The regime in force at the current simulated time. */
  get regime(): RegimeParams {
    return this.regimeParams;
  }

  private initialRegime(): RegimeParams {
    const s = this.setting;
    if (typeof s === "string" || "driftPerMin" in s) return resolveRegime(s as RegimeParams);
    if ("schedule" in s) {
      this.nextSwitchAt = s.schedule.length > 1 ? this.start + s.schedule[1]!.atMs : Infinity;
      return resolveRegime(s.schedule[0]!.regime);
    }
    this.markovState = s.markov.initial ?? 0;
    this.nextSwitchAt = this.start + this.rng.exp(s.markov.meanDwellMs);
    return resolveRegime(s.markov.states[this.markovState]!);
  }

  /** Regime switches happen at the first event at or after the switch time. */
  private switchRegime(t: number): void {
    const s = this.setting;
    if (typeof s === "string" || "driftPerMin" in s) return;
    if ("schedule" in s) {
      const steps = s.schedule;
      while (this.scheduleIdx + 1 < steps.length && this.start + steps[this.scheduleIdx + 1]!.atMs <= t) this.scheduleIdx++;
      this.regimeParams = resolveRegime(steps[this.scheduleIdx]!.regime);
      this.nextSwitchAt = this.scheduleIdx + 1 < steps.length ? this.start + steps[this.scheduleIdx + 1]!.atMs : Infinity;
    } else {
      const m = s.markov;
      const n = m.states.length;
      const from = this.markovState;
      const u = this.rng.next();
      let to = from;
      if (m.transitions) {
        const row = m.transitions[from]!;
        let acc = 0;
        to = n - 1;
        for (let j = 0; j < n; j++) {
          acc += row[j]!;
          if (u < acc) {
            to = j;
            break;
          }
        }
      } else {
        const k = Math.min(n - 2, Math.floor(u * (n - 1)));
        to = k >= from ? k + 1 : k;
      }
      this.markovState = to;
      this.regimeParams = resolveRegime(m.states[to]!);
      this.nextSwitchAt = t + this.rng.exp(m.meanDwellMs);
    }
    this.rates();
  }

  private rates(): void {
    const trades = this.tradesPerSec * this.regimeParams.activity;
    this.bookShare = this.bookPerSec / (this.bookPerSec + trades);
    this.meanGapMs = 1000 / (this.bookPerSec + trades);
  }

  private levelLots(i: number, side: number): number {
    const u = hash01(this.sizeKey, this.version, 2 * i + side);
    const l = Math.floor(this.levelMeanLots * (1 + this.depthGrowth * i) * (0.25 + 1.5 * u));
    return l < 1 ? 1 : l;
  }

  /** A fresh book around the fair price: new version (new sizes), nothing depleted. */
  private layBook(): void {
    this.placeBook();
    this.version++;
    this.bids.depleted = 0;
    this.asks.depleted = 0;
  }

  /** Best prices and level counts around the fair price. */
  private placeBook(): void {
    const g = this.grid;
    const s = this.spreadTicks;
    let bid = Math.round(this.fair - s / 2);
    if (bid < g.minTick) bid = g.minTick;
    if (bid > g.maxTick - s) bid = g.maxTick - s;
    this.bestBid = bid;
    this.bestAsk = bid + s;
    const step = this.stepTicks;
    this.bidCount = Math.min(this.levels, Math.floor((bid - g.minTick) / step) + 1);
    this.askCount = Math.min(this.levels, Math.floor((g.maxTick - this.bestAsk) / step) + 1);
  }

  // ---------------------------------------------------------------- saved state

  /** The market as it stands, for a paper account to save. */
  marketState(): PaperMarketState {
    return {
      time: this.simNow,
      start: this.start,
      fair: this.fair,
      version: this.version,
      depletedBids: this.bids.depleted,
      depletedAsks: this.asks.depleted,
      lastUpdate: this.lastUpdate,
      nextAt: this.nextAt,
      rng: this.rng.state(),
      regimeSetting: JSON.stringify(this.setting),
      scheduleIdx: this.scheduleIdx,
      markovState: this.markovState,
      nextSwitchAt: Number.isFinite(this.nextSwitchAt) ? this.nextSwitchAt : null,
    };
  }

  /**
   * Continues a saved market at this venue's start time. Every pending time moves by the gap, so the
   * market resumes where it stopped instead of simulating the downtime (venue timestamps are wall time,
   * and hours of events would both take long and fill resting orders nobody was watching). A changed
   * regime setting starts over from its first regime; book and flow options apply as they are now.
   */
  protected restoreMarket(s: PaperMarketState): void {
    const shift = this.simNow - s.time;
    this.rng.restore(s.rng);
    this.fair = Math.min(this.fairHi, Math.max(this.fairLo, s.fair));
    this.version = s.version;
    this.lastUpdate = s.lastUpdate + shift;
    this.nextAt = s.nextAt + shift;
    if (s.regimeSetting === JSON.stringify(this.setting)) {
      this.start = s.start + shift;
      this.scheduleIdx = s.scheduleIdx;
      this.markovState = s.markovState;
      this.nextSwitchAt = s.nextSwitchAt === null ? Infinity : s.nextSwitchAt + shift;
      this.regimeParams = this.regimeNow();
    } else {
      this.start = this.simNow;
      this.scheduleIdx = 0;
      this.nextSwitchAt = Infinity;
      this.regimeParams = this.initialRegime();
    }
    this.rates();
    this.placeBook();
    this.bids.depleted = s.depletedBids;
    this.asks.depleted = s.depletedAsks;
  }

  /** The regime the saved indices point at; throws when they do not fit the setting. */
  private regimeNow(): RegimeParams {
    const s = this.setting;
    if (typeof s === "string" || "driftPerMin" in s) return resolveRegime(s as RegimeParams);
    const r = "schedule" in s ? s.schedule[this.scheduleIdx]?.regime : s.markov.states[this.markovState];
    if (r === undefined) throw new Error(`saved regime index ${"schedule" in s ? this.scheduleIdx : this.markovState} does not fit the regime setting`);
    return resolveRegime(r);
  }

  protected bookTime(): number {
    return this.lastUpdate;
  }

  protected advanceMarket(until: number, inclusive: boolean): void {
    const rng = this.rng;
    const stats = this.stats;
    let t = this.nextAt;
    while (t < until || (inclusive && t === until)) {
      this.eventTime = t;
      if (t >= this.nextSwitchAt) this.switchRegime(t);
      if (rng.next() < this.bookShare) this.stepPrice(t);
      else this.trade();
      stats.events++;
      t = this.nextAt = t + rng.exp(this.meanGapMs);
    }
  }

  private stepPrice(t: number): void {
    const r = this.regimeParams;
    const dtMin = (t - this.lastUpdate) / 60_000;
    this.lastUpdate = t;
    // Log-price random walk: the median path follows exp(drift * t).
    let f = this.fair * Math.exp(r.driftPerMin * dtMin + r.volPerSqrtMin * Math.sqrt(dtMin) * this.rng.normal());
    if (f < this.fairLo) f = this.fairLo;
    else if (f > this.fairHi) f = this.fairHi;
    this.fair = f;
    this.layBook();
    this.stats.bookUpdates++;
    if (this.resting.bids.length || this.resting.asks.length) this.resolveCrossed();
  }

  private readonly tradeListeners = new Set<(t: MarketTrade) => void>();

  /** The market's trades as they print (at the top of the side they hit), for the desk's recordings. */
  watchTrades(listener: (t: MarketTrade) => void): () => void {
    this.tradeListeners.add(listener);
    return () => void this.tradeListeners.delete(listener);
  }

  private trade(): void {
    const rng = this.rng;
    const buy = rng.next() < this.regimeParams.buyShare;
    // Pareto: x_m * U^(-1/alpha), with -ln U exponential.
    let lots = Math.floor(this.tradeMinLots * Math.exp(rng.exp(1) * this.tradeTailInv));
    if (lots < 1) lots = 1;
    else if (lots > this.tradeMaxLots) lots = this.tradeMaxLots;
    this.stats.trades++;
    if (this.tradeListeners.size) this.tellTrade(buy, lots);
    if (buy) {
      if (this.resting.asks.length) this.sweep("buy", lots);
      else this.asks.depleted += lots;
    } else if (this.resting.bids.length) this.sweep("sell", lots);
    else this.bids.depleted += lots;
  }

  private tellTrade(buy: boolean, lots: number): void {
    const side = buy ? this.asks : this.bids;
    if (!side.levelCount()) return;
    const t: MarketTrade = { ts: Math.floor(this.eventTime), side: buy ? "buy" : "sell", price: this.grid.price(side.levelTick(0)), size: this.grid.size(lots) };
    for (const l of this.tradeListeners) l(t);
  }
}
