// Replays recorded L2 snapshots and trades as a Venue. Our orders never existed in the recorded market,
// so they are matched counterfactually with the same fill model as the paper simulator (../matching.ts):
// recorded trades are prints (rules 1-3), a snapshot that crosses our resting price fills us (rule 5),
// our market orders sweep the latest snapshot (depleting it until the next one).
import type Decimal from "decimal.js";
import { ManualClock } from "../clock";
import { displayedAt, type LevelSource } from "../matching";
import { SimulatedVenue, type SimulatedVenueOptions } from "../simulated-venue";
import type { Side } from "@/lib/market";
import { ReplayFileError, readReplayFile, type ReplayRecord } from "./replay-file";

export interface ReplayVenueOptions extends SimulatedVenueOptions {
  /** Parsed events, in time order (see replay-file.ts). */
  events: readonly ReplayRecord[];
  /** Names the data in error messages. */
  source?: string;
  /** Shift every recorded timestamp so the first event happens at this time (ms). Default: no shift. */
  startAt?: number;
}

type Compiled =
  | { kind: 0; ts: number; bidTicks: number[]; bidLots: number[]; askTicks: number[]; askLots: number[] }
  | { kind: 1; ts: number; side: Side; tick: number; lots: number };

export class ReplayVenue extends SimulatedVenue {
  protected readonly bids: LevelSource;
  protected readonly asks: LevelSource;
  /** First and last event time (after the shift), ms. */
  readonly startTs: number;
  readonly endTs: number;

  private readonly events: Compiled[];
  private idx = 0;
  private bidTicks: number[] = [];
  private bidLots: number[] = [];
  private askTicks: number[] = [];
  private askLots: number[] = [];
  private bookTs = 0;

  static async fromFile(path: string, opts: Omit<ReplayVenueOptions, "events"> & { format?: "jsonl" | "csv" }): Promise<ReplayVenue> {
    const events = await readReplayFile(path, opts.format);
    return new ReplayVenue({ ...opts, events, source: opts.source ?? path });
  }

  constructor(opts: ReplayVenueOptions) {
    const first = opts.events[0]?.ts ?? 0;
    const shift = opts.startAt === undefined ? 0 : opts.startAt - first;
    const start = first + shift;
    super({ id: "replay", ...opts, clock: opts.clock ?? new ManualClock(start) }, opts.clock ? undefined : start);
    const source = opts.source ?? "replay";
    const g = this.grid;
    const ticks = (what: string, line: number, dec: Decimal) => {
      const t = g.ticksExact(dec);
      if (t === null) throw new ReplayFileError(source, line, `${what} ${dec} is not on the tick grid ${g.tick}`);
      return t;
    };
    const lots = (what: string, line: number, dec: Decimal) => {
      const l = g.lotsExact(dec);
      if (l === null) throw new ReplayFileError(source, line, `${what} ${dec} is not a multiple of the lot size ${g.lot}`);
      return l;
    };
    this.events = opts.events.map((e): Compiled => {
      if (e.type === "trade") {
        return { kind: 1, ts: e.ts + shift, side: e.side, tick: ticks("trade price", e.line, e.price), lots: lots("trade size", e.line, e.size) };
      }
      return {
        kind: 0,
        ts: e.ts + shift,
        bidTicks: e.bids.map((l) => ticks("bid price", e.line, l.price)),
        bidLots: e.bids.map((l) => lots("bid size", e.line, l.size)),
        askTicks: e.asks.map((l) => ticks("ask price", e.line, l.price)),
        askLots: e.asks.map((l) => lots("ask size", e.line, l.size)),
      };
    });
    this.startTs = start;
    this.endTs = (opts.events[opts.events.length - 1]?.ts ?? 0) + shift;
    this.bids = {
      dir: -1,
      depleted: 0,
      levelCount: () => this.bidTicks.length,
      levelTick: (i) => this.bidTicks[i]!,
      levelLots: (i) => this.bidLots[i]!,
    };
    this.asks = {
      dir: 1,
      depleted: 0,
      levelCount: () => this.askTicks.length,
      levelTick: (i) => this.askTicks[i]!,
      levelLots: (i) => this.askLots[i]!,
    };
  }

  /** True once every recorded event has been replayed. */
  get ended(): boolean {
    return this.idx >= this.events.length;
  }

  protected bookTime(): number {
    return this.bookTs;
  }

  protected advanceMarket(until: number, inclusive: boolean): void {
    const evs = this.events;
    while (this.idx < evs.length) {
      const e = evs[this.idx]!;
      if (!(e.ts < until || (inclusive && e.ts === until))) break;
      this.idx++;
      this.eventTime = e.ts;
      this.stats.events++;
      if (e.kind === 0) this.applyBook(e);
      else {
        this.stats.trades++;
        const passive = e.side === "sell" ? this.resting.bids : this.resting.asks;
        if (passive.length) this.print(e.side, e.tick, e.lots);
      }
    }
  }

  private applyBook(e: Extract<Compiled, { kind: 0 }>): void {
    this.bidTicks = e.bidTicks;
    this.bidLots = e.bidLots;
    this.askTicks = e.askTicks;
    this.askLots = e.askLots;
    this.bids.depleted = 0;
    this.asks.depleted = 0;
    this.bookTs = e.ts;
    this.stats.bookUpdates++;
    // Nobody joins ahead of us: the queue ahead can only shrink to what is displayed now.
    for (const o of this.resting.bids) o.queueAheadLots = Math.min(o.queueAheadLots, displayedAt(this.bids, o.priceTick));
    for (const o of this.resting.asks) o.queueAheadLots = Math.min(o.queueAheadLots, displayedAt(this.asks, o.priceTick));
    if (this.resting.size) this.resolveCrossed();
  }
}
