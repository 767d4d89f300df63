// The desk's recordings: the paper market's books and trades written in the replay format, in time order,
// rotated at the file size and capped in total (oldest deleted first); and the lab replays a recording.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReplayRecorder, RECORDING_NAME, readReplayFile } from "@/server/venue/replay";
import { PaperVenue, storyPaperOptions } from "@/server/venue/paper";
import { ManualClock } from "@/server/venue/clock";
import { labRunRequestSchema } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";
import { runLab } from "@/server/lab/engine";
import { listLabFiles, resolveLabFile } from "@/server/lab/files";

const root = mkdtempSync(join(tmpdir(), "skewdesk-rec-"));
after(() => rmSync(root, { recursive: true, force: true }));

async function record(dir: string, seconds: number, fileBytes: number, totalBytes: number, startMs = Date.UTC(2026, 0, 1)): Promise<void> {
  const clock = new ManualClock(startMs);
  const venue = new PaperVenue({ ...storyPaperOptions(3, "volatile"), clock, startTime: startMs });
  let n = 0;
  const rec = new ReplayRecorder({ dir, maxFileBytes: fileBytes, maxTotalBytes: totalBytes, now: () => startMs + 1000 * n++ });
  const off = venue.watchTrades((t) => rec.trade(t));
  for (let i = 1; i <= seconds * 2; i++) {
    clock.advanceTo(startMs + i * 500);
    rec.book(await venue.fetchOrderBook());
  }
  off();
  rec.close();
  await venue.close();
}

test("a recording replays: books and trades in time order, in the replay format", async () => {
  const dir = join(root, "one");
  await record(dir, 120, 50_000_000, 100_000_000);
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, RECORDING_NAME);
  const events = await readReplayFile(join(dir, files[0]!));
  const books = events.filter((e) => e.type === "book").length;
  const trades = events.filter((e) => e.type === "trade").length;
  // One book per fetch, except when the market did not move between two (the same book is not repeated).
  assert.ok(books > 200 && books <= 240, `${books} books`);
  const bookTs = events.filter((e) => e.type === "book").map((e) => e.ts);
  assert.equal(new Set(bookTs).size, bookTs.length);
  assert.ok(trades > 100, `${trades} trades`);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.ts >= events[i - 1]!.ts);
});

test("files rotate at the size and the folder keeps under the cap, the oldest deleted", async () => {
  const dir = join(root, "capped");
  await record(dir, 300, 40_000, 130_000);
  const files = readdirSync(dir).filter((n) => RECORDING_NAME.test(n)).sort();
  const sizes = files.map((f) => statSync(join(dir, f)).size);
  assert.ok(files.length >= 2, `${files.length} files`);
  assert.ok(sizes.every((s) => s <= 40_000), `sizes ${sizes}`);
  assert.ok(sizes.reduce((a, b) => a + b, 0) <= 130_000, `total ${sizes.reduce((a, b) => a + b, 0)}`);
  // The oldest went: the first file left starts after the recording's first second.
  const first = await readReplayFile(join(dir, files[0]!));
  assert.ok(first[0]!.ts > Date.UTC(2026, 0, 1) + 1000, "the oldest file was deleted");
  // Every file that is left is a replay file on its own.
  for (const f of files) assert.ok((await readReplayFile(join(dir, f))).length > 0);
});

test("the lab lists the desk's recordings and replays one", async () => {
  const dataDir = join(root, "data");
  await record(join(dataDir, "recordings"), 60, 50_000_000, 100_000_000);
  const listed = listLabFiles(dataDir).filter((f) => f.source === "recordings");
  assert.equal(listed.length, 1);
  const req = labRunRequestSchema.parse({ market: { kind: "replay", source: "recordings", file: listed[0]!.file }, grid: ["skewFactor=0,1"] });
  const o = await runLab(planLab(req, resolveLabFile(req.market as never, dataDir)), { workers: 0 });
  assert.equal(o.status, "done");
  const results = (o as { results: { perRun: { ticks: number; fills: number }[] }[] }).results;
  // A minute of recorded market at 500 ms ticks (venue latency spends some of it).
  assert.ok(results.every((r) => r.perRun[0]!.ticks > 60 && r.perRun[0]!.ticks <= 120), JSON.stringify(results.map((r) => r.perRun[0]!.ticks)));
  assert.ok(results.some((r) => r.perRun[0]!.fills > 0), "the desk traded against the recorded market");
});
