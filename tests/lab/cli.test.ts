// `npm run lab`: bad input is refused with a message and exit code 2 before anything runs; a small sweep
// prints its results as JSON (the progress goes to stderr, never into the JSON).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const lab = (...args: string[]) =>
  spawnSync(process.execPath, ["--experimental-wasm-modules", "--no-warnings=ExperimentalWarning", "--import", "tsx", "server/cli/run-lab.ts", ...args], { encoding: "utf8", timeout: 120_000 });

test("bad input: a clear message on stderr and exit code 2", () => {
  const cases: [string[], RegExp][] = [
    [["--grid", "skewFactor=0.1:1"], /--grid: skewFactor: a range is from:to:step/],
    [["--grid", "skewMode=linear,cubic"], /"cubic" is not a skew mode/],
    [["--grid", "skewFactor=0.5", "--seeds", "0"], /--seeds: at least 1/],
    [["--grid", "skewFactor=0.5", "--duration", "1 hour"], /--duration: use a number and a unit/],
    [["--seeds", "2"], /give at least one --grid/],
    [["--grid", "skewFactor=0.5", "--replay", "no/such/file.jsonl"], /--replay: no file/],
    [["--grid", "skewFactor=0.5", "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = lab(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: exit ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
});

test("a small sweep prints one JSON document with a result per set", () => {
  const r = lab("--grid", "skewMode=linear,exponential", "--grid", "skewFactor=0.3:0.6:0.3", "--seeds", "1", "--duration", "30s", "--workers", "0", "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: { params: Record<string, string>; runs: number }[]; units: { base: string; quote: string } };
  assert.deepEqual(out.results.map((x) => x.params), [
    { skewMode: "linear", skewFactor: "0.3" },
    { skewMode: "linear", skewFactor: "0.6" },
    { skewMode: "exponential", skewFactor: "0.3" },
    { skewMode: "exponential", skewFactor: "0.6" },
  ]);
  assert.ok(out.results.every((x) => x.runs === 1));
  assert.deepEqual(out.units, { base: "ETH", quote: "USD" });
  assert.match(r.stderr, /4 parameter sets × 1 seeds = 4 simulations/);
  assert.match(r.stderr, /100%/);
});
