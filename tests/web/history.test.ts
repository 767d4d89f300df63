// Issue 14, item 3: the tables showed the rows in the tab as their count (46 → 116 → 100 after a reload)
// and stopped at 200 orders. The API now serves pages with the filter's total and a cursor to older
// rows, filters by side and status, and exports fills, orders and the charts' data as CSV.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { ApiErrorDTO, FillDTO, ListPageDTO, MarketDTO, OrderDTO } from "@/lib/events";
import type { PerformanceFigures } from "@/lib/performance";
import { WebHarness } from "@/tests/support/web-harness";

describe("history: pages with totals, filters and CSV exports", () => {
  let h: WebHarness;
  const T0 = Date.UTC(2030, 0, 1);
  before(async () => {
    h = await WebHarness.start();
    // 250 fills, several in one millisecond (a page boundary must not skip them), alternating sides.
    for (let i = 0; i < 250; i++) {
      const f = h.fake.applyFill(i % 2 ? "sell" : "buy", new Decimal("0.5"), new Decimal("1"));
      f.ts = T0 + Math.floor(i / 3) * 1000;
    }
    for (let i = 0; i < 230; i++) {
      h.fake.orderLog.push({
        clientOrderId: `o-${String(i).padStart(3, "0")}`,
        side: i % 2 ? "sell" : "buy",
        type: "limit",
        price: "0.500",
        size: "1.00",
        filledSize: i % 3 === 0 ? "1.00" : "0.00",
        status: i % 3 === 0 ? "filled" : i % 3 === 1 ? "cancelled" : "open",
        reason: i === 7 ? "=HYPERLINK(\"x\")" : "quote",
        createdAt: T0 + Math.floor(i / 2) * 1000,
        updatedAt: T0 + Math.floor(i / 2) * 1000,
      });
    }
    for (let i = 0; i < 40; i++) h.fake.pushSnapshot(h.fake.snapshot(T0 + i * 1000));
  });
  after(() => h.close());

  test("fills: every page carries the total; following `next` reads each fill once, newest first", async () => {
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const r = await h.get(`/api/fills/page?limit=100${next ? `&before=${encodeURIComponent(next)}` : ""}`);
      assert.equal(r.status, 200, r.text);
      const page = r.json as ListPageDTO<FillDTO>;
      assert.equal(page.total, 250);
      seen.push(...page.rows.map((f) => f.tradeId));
      next = page.next;
      pages++;
    } while (next && pages < 10);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 250, "no fill read twice or skipped");
    const sell = (await h.get("/api/fills/page?side=sell&limit=5")).json as ListPageDTO<FillDTO>;
    assert.equal(sell.total, 125);
    assert.ok(sell.rows.every((f) => f.side === "sell"));
  });

  test("orders: status and side filters, the total the filter matches, paging past 200", async () => {
    const first = (await h.get("/api/orders/page?limit=200")).json as ListPageDTO<OrderDTO>;
    assert.equal(first.total, 230);
    assert.equal(first.rows.length, 200);
    assert.ok(first.next);
    const rest = (await h.get(`/api/orders/page?limit=200&before=${encodeURIComponent(first.next!)}`)).json as ListPageDTO<OrderDTO>;
    assert.equal(rest.rows.length, 30);
    assert.equal(rest.next, null);
    const open = (await h.get("/api/orders/page?status=open,partially_filled&side=buy")).json as ListPageDTO<OrderDTO>;
    assert.ok(open.rows.length > 0 && open.rows.every((o) => o.status === "open" && o.side === "buy"));
    assert.equal(open.total, h.fake.orderLog.filter((o) => o.status === "open" && o.side === "buy").length);
  });

  test("a cursor or filter the server never gave out is refused, naming the field", async () => {
    const bad = await h.get("/api/fills/page?before=yesterday");
    assert.equal(bad.status, 400);
    assert.match((bad.json as ApiErrorDTO).fields?.before ?? "", /cursor/);
    const status = await h.get("/api/orders/page?status=done");
    assert.equal(status.status, 400);
    assert.match((status.json as ApiErrorDTO).fields?.["status.0"] ?? (status.json as ApiErrorDTO).error, /order states/);
  });

  test("the market names its currencies", async () => {
    const m = (await h.get("/api/market", h.viewerCookie)).json as MarketDTO;
    assert.equal(m.baseCurrency, "YES");
    assert.equal(m.quoteCurrency, "USDC");
  });

  test("fills CSV: oldest first, currencies in the header, the range and side applied, a download for a viewer", async () => {
    const r = await h.get(`/api/export/fills.csv?from=${T0 + 10_000}&to=${T0 + 20_000}&side=buy`, h.viewerCookie);
    assert.equal(r.status, 200, r.text);
    assert.match(String(r.headers["content-type"]), /^text\/csv/);
    assert.match(String(r.headers["content-disposition"]), /attachment; filename="skewdesk-fills-FAKE-YES-20300101T000010Z-20300101T000020Z\.csv"/);
    const lines = r.text.trimEnd().split("\r\n");
    assert.equal(lines[0], "time_utc,trade_id,order_id,side,liquidity,price_USDC,size_YES,fee_USDC,inventory_after_YES");
    const rows = lines.slice(1).map((l) => l.split(","));
    const expected = h.fake.fillLog.filter((f) => f.side === "buy" && f.ts >= T0 + 10_000 && f.ts < T0 + 20_000);
    assert.equal(rows.length, expected.length);
    assert.deepEqual(rows.map((c) => c[1]), expected.map((f) => f.tradeId), "oldest first, in recording order");
    const times = rows.map((c) => Date.parse(c[0]!));
    assert.deepEqual([...times].sort((a, b) => a - b), times);
  });

  test("orders CSV: a cell that a spreadsheet would run as a formula stays text", async () => {
    const r = await h.get("/api/export/orders.csv");
    assert.equal(r.status, 200, r.text);
    const lines = r.text.trimEnd().split("\r\n");
    assert.equal(lines.length, 231);
    assert.ok(lines[0]!.startsWith("created_utc,updated_utc,order_id,side,type,reason,status,price_USDC,size_YES,filled_YES"));
    const evil = lines.find((l) => l.includes("o-007"))!;
    assert.match(evil, /,"'=HYPERLINK\(""x""\)",/);
  });

  test("chart CSV: the points of the range with units, refused when the range is backwards", async () => {
    const r = await h.get(`/api/export/snapshots.csv?from=${T0 + 5000}&to=${T0 + 9000}`);
    assert.equal(r.status, 200, r.text);
    const lines = r.text.trimEnd().split("\r\n");
    assert.match(lines[0]!, /^time_utc,mid_USDC,.*,inventory_YES,inventory_ratio,skew,realized_pnl_before_fees_USDC,.*,total_pnl_net_USDC,risk_state$/);
    assert.equal(lines.length - 1, 5);
    const back = await h.get(`/api/export/snapshots.csv?from=${T0 + 9000}&to=${T0}`);
    assert.equal(back.status, 400);
    assert.match((back.json as ApiErrorDTO).error, /start of the range is after its end/);
  });

  test("performance over a range: fills in it, per hour, with fees and spread captured (issue 14, item 11)", async () => {
    const r = await h.get(`/api/performance?from=${T0}&to=${T0 + 30_000}`, h.viewerCookie);
    assert.equal(r.status, 200, r.text);
    const p = r.json as PerformanceFigures;
    const inRange = h.fake.fillLog.filter((f) => f.ts >= T0 && f.ts < T0 + 30_000);
    assert.equal(p.fills, inRange.length);
    assert.equal(p.fillsPerHour, inRange.length * 120);
    assert.ok(p.spreadCapturedPerFill !== null);
    assert.equal((await h.get(`/api/performance?from=${T0 + 5}&to=${T0}`)).status, 400);
    assert.equal((await h.get("/api/performance")).status, 400, "the start of the range is required");
  });

  test("exports need a session", async () => {
    const r = await h.send("/api/export/fills.csv");
    assert.equal(r.status, 401);
  });
});
