// Tiny benchmark helper: warm up, time N calls one by one with process.hrtime.bigint, report p50 / p99 / mean in
// microseconds, and estimate allocations per call. Timer overhead (~0.05 µs) is reported, not subtracted.
//
// Allocation estimate: --expose-gc is switched on at run time (v8.setFlagsFromString, then `gc` fetched from a
// fresh context), a full GC empties the heap, a short run of calls follows, and the process.memoryUsage().heapUsed
// delta is divided by the calls. The run is kept small enough (a few MB) that no scavenge happens inside it; a
// negative delta means one did, and the run is retried with fewer calls.
import v8 from "node:v8";
import vm from "node:vm";

export interface BenchOptions {
  /** Calls before measuring, to let the JIT settle. Default 20 000. */
  readonly warmup?: number;
  /** Measured calls. Default 200 000. */
  readonly iterations?: number;
  /** Calls per timing sample (per-call time = sample / batch). Default 1: p99 sees single slow calls. */
  readonly batch?: number;
  /** Calls in the allocation run. Default 1 000. */
  readonly allocCalls?: number;
}

export interface BenchResult {
  readonly name: string;
  readonly iterations: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  readonly maxUs: number;
  /** Heap bytes per call, or null when no measurement succeeded. */
  readonly bytesPerCall: number | null;
  /** Cost of one hrtime.bigint() pair, already included in every sample. */
  readonly timerOverheadUs: number;
}

let gcFn: (() => void) | null | undefined;
function getGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  try {
    v8.setFlagsFromString("--expose-gc");
    gcFn = vm.runInNewContext("gc") as () => void;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// Keeps results alive so the JIT cannot drop the call.
let sink: unknown;

export function bench(name: string, fn: (i: number) => unknown, options: BenchOptions = {}): BenchResult {
  return benchPrepared(name, (i) => i, (i) => fn(i), options);
}

/**
 * Like bench, but each call gets a fresh input from `prepare`, built outside the timed region (for inputs that
 * must be new every call, as a live book is, without timing their construction). Forces batch 1.
 */
export function benchPrepared<T>(
  name: string,
  prepare: (i: number) => T,
  fn: (input: T) => unknown,
  options: BenchOptions = {},
): BenchResult {
  const warmup = options.warmup ?? 20_000;
  const iterations = options.iterations ?? 200_000;
  const batch = options.batch ?? 1;
  for (let i = 0; i < warmup; i++) sink = fn(prepare(i));

  const overheadSamples = new Float64Array(10_000);
  for (let i = 0; i < overheadSamples.length; i++) {
    const t0 = process.hrtime.bigint();
    overheadSamples[i] = Number(process.hrtime.bigint() - t0);
  }
  overheadSamples.sort();

  const samples = Math.max(1, Math.floor(iterations / batch));
  const perCall = new Float64Array(samples);
  let total = 0;
  let call = 0;
  const inputs: T[] = new Array(batch);
  for (let s = 0; s < samples; s++) {
    for (let b = 0; b < batch; b++) inputs[b] = prepare(call++);
    const t0 = process.hrtime.bigint();
    for (let b = 0; b < batch; b++) sink = fn(inputs[b]!);
    const ns = Number(process.hrtime.bigint() - t0) / batch;
    perCall[s] = ns;
    total += ns;
  }
  perCall.sort();

  return {
    name,
    iterations: samples * batch,
    p50Us: percentile(perCall, 0.5) / 1000,
    p99Us: percentile(perCall, 0.99) / 1000,
    meanUs: total / samples / 1000,
    maxUs: perCall[perCall.length - 1]! / 1000,
    bytesPerCall: measureAllocation(prepare, fn, options.allocCalls ?? 1_000),
    timerOverheadUs: percentile(overheadSamples, 0.5) / 1000,
  };
}

function measureAllocation<T>(prepare: (i: number) => T, fn: (input: T) => unknown, calls: number): number | null {
  const gc = getGc();
  if (!gc) return null;
  for (let attempt = 0; attempt < 5 && calls >= 10; attempt++, calls = Math.floor(calls / 2)) {
    const keep: unknown[] = new Array(calls); // pre-sized, so the array itself is allocated before the baseline
    const inputs = Array.from({ length: calls }, (_, i) => prepare(i));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < calls; i++) keep[i] = fn(inputs[i]!);
    const after = process.memoryUsage().heapUsed;
    sink = keep;
    if (after > before) return (after - before) / calls;
  }
  return null;
}

const fmt = (us: number) => us.toFixed(2).padStart(7);

export function report(r: BenchResult, barP99Us?: number): void {
  const alloc = r.bytesPerCall === null ? "n/a" : `~${Math.round(r.bytesPerCall)} B/call`;
  const bar = barP99Us === undefined ? "" : `  [bar p99 <= ${barP99Us} µs: ${r.p99Us <= barP99Us ? "ok" : "OVER"}]`;
  console.log(
    `${r.name.padEnd(44)} p50 ${fmt(r.p50Us)} µs  p99 ${fmt(r.p99Us)} µs  mean ${fmt(r.meanUs)} µs  ` +
      `alloc ${alloc}  (${r.iterations} calls, timer ${r.timerOverheadUs.toFixed(3)} µs)${bar}`,
  );
}

export function keepAlive(): unknown {
  return sink;
}
