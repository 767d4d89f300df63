// Wall-clock duration of the recent ticks, for /api/metrics and the benchmarks.
export class TickTimer {
  private readonly durations = new Float64Array(8192);
  private count = 0;

  record(ms: number): void {
    this.durations[this.count++ % this.durations.length] = ms;
  }

  /** The recent ticks' durations (ms), for percentiles over many runners (server/desk/desk-metrics.ts). */
  samples(): Float64Array {
    return this.durations.slice(0, Math.min(this.count, this.durations.length));
  }

  /** Percentiles of the recent ticks (up to the last 8192), in microseconds. */
  metrics(reset = false): { ticks: number; tickP50Us: number; tickP99Us: number; tickMaxUs: number } {
    const n = Math.min(this.count, this.durations.length);
    const xs = Array.from(this.durations.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n ? Math.round(xs[Math.min(n - 1, Math.floor(q * n))]! * 1000) : 0);
    const out = { ticks: this.count, tickP50Us: at(0.5), tickP99Us: at(0.99), tickMaxUs: n ? Math.round(xs[n - 1]! * 1000) : 0 };
    if (reset) this.count = 0;
    return out;
  }
}
