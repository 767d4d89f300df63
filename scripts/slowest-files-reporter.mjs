// A second node:test reporter for `npm test`: at the end, the test files that took longest, so a slow
// suite is seen in every run's log (CI has a time budget) instead of found by hand.
// Each test file runs in a process of its own, reported as a test named by its path: its wall time runs
// from its start (dequeued) to its end (complete). A test's own `file` would name a shared suite's module
// (tests/venue/contract.ts) instead of the file that ran it. Two files run at a time.
import { relative } from "node:path";

export default async function* slowestFiles(source) {
  const started = new Map();
  const rows = [];
  for await (const event of source) {
    const d = event.data;
    if (!d?.file || d.name !== d.file) continue;
    if (event.type === "test:dequeue") started.set(d.file, Date.now());
    else if (event.type === "test:complete" && started.has(d.file)) rows.push({ file: relative(process.cwd(), d.file), s: (Date.now() - started.get(d.file)) / 1000 });
  }
  if (rows.length < 2) return;
  rows.sort((a, b) => b.s - a.s);
  const total = rows.reduce((sum, r) => sum + r.s, 0);
  yield `\n# slowest test files (wall time from its start to its end; ${rows.length} files, ${total.toFixed(0)} s in all, two at a time)\n`;
  for (const r of rows.slice(0, 15)) yield `#   ${r.s.toFixed(1).padStart(7)} s  ${r.file}\n`;
}
