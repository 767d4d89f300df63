// A second node:test reporter for `npm test`: at the end, the test files that took longest, so a slow
// suite is seen in every run's log (CI has a time budget) instead of found by hand.
// Wall time runs from the file's start (dequeued) to its last report; tests run two files at a time.
import { relative } from "node:path";

export default async function* slowestFiles(source) {
  const files = new Map();
  for await (const event of source) {
    const file = event.data?.file;
    // A file is enqueued at the start of the run; it starts when dequeued.
    if (!file || event.type === "test:enqueue") continue;
    const now = Date.now();
    const f = files.get(file) ?? { first: now, last: now };
    f.last = now;
    files.set(file, f);
  }
  const rows = [...files].map(([file, f]) => ({ file: relative(process.cwd(), file), s: (f.last - f.first) / 1000 })).sort((a, b) => b.s - a.s);
  if (rows.length < 2) return;
  const total = rows.reduce((sum, r) => sum + r.s, 0);
  yield `\n# slowest test files (wall time from its start to its last report; ${rows.length} files, ${total.toFixed(0)} s in all)\n`;
  for (const r of rows.slice(0, 15)) yield `#   ${r.s.toFixed(1).padStart(7)} s  ${r.file}\n`;
}
