// The lab's API on a real web server: viewers read, only operators start and cancel (audited); bad input
// is refused with the planner's words and stores nothing; progress streams over the socket to the end.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io as connectClient, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { LabFileDTO, LabProgressDTO, LabRunDTO, LabRunSummaryDTO } from "@/lib/lab/types";
import { WebHarness } from "@/tests/support/web-harness";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const small = { market: { kind: "simulated", regime: "volatile", seeds: 2, durationMs: 30_000 }, grid: ["skewMode=linear,exponential", "skewFactor=0.2,0.8"] };

async function settled(h: WebHarness, id: string): Promise<LabRunDTO> {
  for (;;) {
    const r = await h.get(`/api/lab/run?id=${id}`, h.viewerCookie);
    assert.equal(r.status, 200, r.text);
    const run = r.json as LabRunDTO;
    if (run.status !== "running") return run;
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe("lab API", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  test("a viewer may read but not start or cancel", async () => {
    assert.equal((await h.get("/api/lab/runs", h.viewerCookie)).status, 200);
    assert.equal((await h.post("/api/lab/runs", small, h.viewerCookie)).status, 403);
    assert.equal((await h.post("/api/lab/cancel", { id: "00000000-0000-4000-8000-000000000000" }, h.viewerCookie)).status, 403);
    assert.equal((await h.get("/api/lab/runs", "")).status, 401);
  });

  test("bad input is refused with a message and stores nothing", async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...small, grid: ["skewFactor=0.1:1"] }, /a range is from:to:step/],
      [{ ...small, grid: ["rebalanceThreshold=0.99"] }, /emergency threshold/],
      [{ ...small, grid: [] }, /at least one parameter/],
      [{ ...small, market: { kind: "simulated", regime: "sideways", seeds: 2, durationMs: 30_000 } }, /regime/],
      [{ ...small, market: { kind: "replay", source: "recordings", file: "../../etc/passwd" } }, /file name/],
      [{ ...small, market: { kind: "replay", source: "recordings", file: "none-such.jsonl" } }, /no file none-such.jsonl/],
      [{ ...small, extra: 1 }, /extra|Unrecognized/i],
    ];
    for (const [body, message] of cases) {
      const r = await h.post("/api/lab/runs", body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${r.text}`);
      assert.match(r.text, message);
    }
    assert.deepEqual((await h.get("/api/lab/runs")).json, []);
  });

  test("an operator's run streams progress to the end, is stored and audited, and a viewer reads its results", async () => {
    const socket: Client = connectClient(h.origin, { transports: ["websocket"], extraHeaders: { cookie: h.viewerCookie, origin: h.origin }, reconnection: false, forceNew: true });
    await new Promise<void>((res, rej) => (socket.once("connect", () => res()), socket.once("connect_error", rej)));
    const events: LabProgressDTO[] = [];
    const finished = new Promise<void>((res) =>
      socket.on("lab:progress", (p) => {
        events.push(p);
        if (p.status !== "running") res();
      }),
    );
    const r = await h.post("/api/lab/runs", { ...small, name: "api test" });
    assert.equal(r.status, 200, r.text);
    const started = r.json as LabRunSummaryDTO;
    assert.equal(started.status, "running");
    assert.equal(started.sets, 4);
    assert.equal(started.simulations, 8);
    assert.equal(started.quoteCurrency, "USD");
    await finished;
    socket.close();
    assert.ok(events.every((e) => e.id === started.id));
    assert.deepEqual(events.at(-1), { id: started.id, completed: 8, simulations: 8, status: "done" });
    const counts = events.map((e) => e.completed);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), "progress only grows");

    const run = await settled(h, started.id);
    assert.equal(run.status, "done");
    assert.equal(run.results.length, 4);
    assert.deepEqual(run.results[3]!.params, { skewMode: "exponential", skewFactor: "0.8" });
    assert.ok(run.results.every((x) => x.runs === 2 && x.path.length > 0));
    const list = (await h.get("/api/lab/runs", h.viewerCookie)).json as LabRunSummaryDTO[];
    assert.equal(list.find((x) => x.id === started.id)?.name, "api test");
    assert.ok(h.fake.audits.some((a) => a.action === "lab.start" && a.target === `lab@${started.id}` && a.actor === "operator"));
  });

  test("an operator cancels a run under way; cancelling it again is refused", async () => {
    const r = await h.post("/api/lab/runs", { market: { kind: "simulated", regime: "falling", seeds: 8, durationMs: 3_600_000 }, grid: ["skewFactor=0.1:1:0.1"] });
    assert.equal(r.status, 200, r.text);
    const id = (r.json as LabRunSummaryDTO).id;
    // Eighty simulated hours take minutes: it is still under way. One run at a time.
    const second = await h.post("/api/lab/runs", small);
    assert.equal(second.status, 409);
    assert.match(second.text, /already under way/);
    const c = await h.post("/api/lab/cancel", { id });
    assert.equal(c.status, 200, c.text);
    assert.equal((c.json as LabRunSummaryDTO).status, "cancelled");
    assert.ok((c.json as LabRunSummaryDTO).completed < 80);
    const twice = await h.post("/api/lab/cancel", { id });
    assert.equal(twice.status, 409);
    assert.match(twice.text, /not running \(cancelled\)/);
    assert.equal((await h.post("/api/lab/cancel", { id: "00000000-0000-4000-8000-000000000000" })).status, 404);
    assert.ok(h.fake.audits.some((a) => a.action === "lab.cancel" && a.target === `lab@${id}`));
  });

  test("the files list offers the shipped sample", async () => {
    const files = (await h.get("/api/lab/files", h.viewerCookie)).json as LabFileDTO[];
    assert.equal(files[0]?.source, "sample");
    assert.equal(files[0]?.file, "sample.jsonl");
  });
});
