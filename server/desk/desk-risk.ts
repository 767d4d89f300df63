// The seed's max_total_position across every strategy of the desk: the sum of |inventory| × mark (quote
// currency) over the strategies that run. While it is at or over the cap, no strategy may grow its
// position: each runner's gate treats ACTIVE as REDUCING (runner.gateRiskState), so only orders toward
// target pass. Exact: decimal.js throughout. The total is recomputed at most once per `cacheMs` of wall
// time: a hundred runners asking on every tick share one sum. Scaled out over several runner processes, the
// strategies hosted elsewhere count with the exposure their runners last wrote on their leases.
import Decimal from "decimal.js";

const ZERO = new Decimal(0);

export interface Exposed {
  readonly exposure: () => Decimal;
}

export class DeskRisk {
  private cached: { at: number; total: Decimal } | null = null;

  constructor(
    private readonly members: () => Iterable<Exposed>,
    public maxTotalPosition: Decimal | null,
    private readonly cacheMs = 100,
    private readonly now: () => number = Date.now,
    /** Scaled out: the exposure of the strategies other runner processes host (their lease rows). */
    private readonly elsewhere: () => Decimal = () => ZERO,
  ) {}

  total(): Decimal {
    const t = this.now();
    if (this.cached && t - this.cached.at < this.cacheMs) return this.cached.total;
    let sum = this.elsewhere();
    for (const m of this.members()) sum = sum.add(m.exposure());
    this.cached = { at: t, total: sum };
    return sum;
  }

  /** Forget the cached total (a fill just moved a position, a strategy started or stopped). */
  invalidate(): void {
    this.cached = null;
  }

  /** The reason growth is blocked, or null. */
  growthBlocked(): string | null {
    const cap = this.maxTotalPosition;
    if (cap === null) return null;
    const total = this.total();
    return total.gte(cap) ? `desk total position ${total.toDecimalPlaces(2)} at or over its cap ${cap}: positions may only shrink` : null;
  }
}
