// Where the benches' paper sessions journal their fills: a directory of this process's own, removed at exit.
// A session's journal is read back when a strategy of the same name starts, so a directory kept across runs
// (it was data/bench-journal) carried one run's unstored fills into the next: that bench strategy recovered
// fills its fresh venue never made, found its books apart from the venue's, halted, and placed no order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string | null = null;

export function benchJournalDir(): string {
  if (dir === null) {
    const made = mkdtempSync(join(tmpdir(), "skewdesk-bench-"));
    dir = made;
    process.on("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}
