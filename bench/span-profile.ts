// Where the CPU goes inside measured spans only (BENCH_PROFILE=1 on book-to-order.ts): V8's sampling
// profiler at a 50 µs interval runs over the whole measured loop, and only the samples taken inside a span
// (book message → request written) are counted, so the idle half-second between market moves and the
// re-quote's answers do not drown the few hundred microseconds that matter. Profile timestamps and
// process.hrtime share the monotonic clock (V8's TimeTicks and libuv's uv_hrtime on Linux).
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Monotonic µs, on the profiler's clock. */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export class SpanProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: 50 });
    await this.session.post("Profiler.start");
  }

  /** Stops; (with a file, writes the profile there with the spans); prints self and inclusive time (µs per span) per function over the samples inside `spans` ([start, end] µs). */
  async stop(spans: [number, number][], top = 30, file?: string): Promise<void> {
    const { profile } = (await this.session.post("Profiler.stop")) as unknown as { profile: Profile };
    this.session.disconnect();
    if (file) writeFileSync(file, JSON.stringify({ ...profile, spans }));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    let t = profile.startTime;
    let k = 0;
    let inside = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i]!;
      t += dt;
      while (k < sorted.length && sorted[k]![1] < t) k++;
      if (k >= sorted.length || t < sorted[k]![0]) continue;
      inside++;
      const w = Math.min(dt, 200); // µs this sample stands for (a long gap is the profiler's, not the code's)
      const name = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|work\/[^/]+)\//, "")}:${n.callFrame.lineNumber + 1}`;
      const leaf = byId.get(profile.samples[i]!)!;
      self.set(name(leaf), (self.get(name(leaf)) ?? 0) + w);
      const seen = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const s = name(byId.get(id)!);
        if (seen.has(s)) continue;
        seen.add(s);
        incl.set(s, (incl.get(s) ?? 0) + w);
      }
    }
    const per = (us: number) => `${(us / Math.max(1, spans.length)).toFixed(1).padStart(6)} µs/span`;
    const show = (title: string, m: Map<string, number>) => {
      console.log(`  ${title}:`);
      for (const [f, n] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${per(n)}  ${f}`);
    };
    console.log(`\nprofile: ${inside} samples (50 µs) inside ${spans.length} spans`);
    show("self time", self);
    show("inclusive time", incl);
  }
}
