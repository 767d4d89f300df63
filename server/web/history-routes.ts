// History for the dashboard's tables and the operator's spreadsheets: paged lists with totals and filters,
// the market the desk trades, the activity log (the audit trail), and CSV exports of fills, orders and
// the charts' data over a time range.
// Routes are declared here and mounted by api.ts, which applies its checks (session, role, schema) first.
import { z } from "zod";
import {
  auditQuerySchema,
  exportFillsQuerySchema,
  exportOrdersQuerySchema,
  exportSnapshotsQuerySchema,
  fillsPageQuerySchema,
  ordersPageQuerySchema,
  performanceQuerySchema,
} from "@/lib/api-requests";
import type { FillDTO, MarketDTO, OrderDTO, SnapshotDTO } from "@/lib/events";
import type { RunnerHost } from "@/server/host/runner-host";
import { route, type Route } from "@/server/web/route";
import { csvLines, isoTime } from "@/server/web/csv";
import { HttpError } from "@/server/web/http";
import { TextReply } from "@/server/web/text-reply";

/** An export larger than this is refused with a message, not truncated: a silently short file is worse. */
export const EXPORT_MAX_ROWS = 100_000;
const PAGE = 1000;
const SNAPSHOT_PAGE = 20_000;

type Range = { from?: number; to?: number };

function checkRange(q: Range): void {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    throw new HttpError(400, "Invalid request query: the start of the range is after its end", { from: "must not be after to" });
  }
}

function tooMany(what: string): HttpError {
  return new HttpError(400, `More than ${EXPORT_MAX_ROWS.toLocaleString("en-US")} ${what} in this range: choose a shorter range`);
}

function fileName(kind: string, market: MarketDTO, q: Range): string {
  const stamp = (ms: number | undefined, dflt: string) => (ms === undefined ? dflt : isoTime(ms).replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"));
  return `skewdesk-${kind}-${market.symbol}-${stamp(q.from, "start")}-${stamp(q.to, "now")}.csv`;
}

async function allFills(host: RunnerHost, q: z.output<typeof exportFillsQuerySchema>): Promise<FillDTO[]> {
  const out: FillDTO[] = [];
  let before: { ts: number; id: string } | undefined;
  for (;;) {
    const page = await host.fillsPage({ limit: PAGE, side: q.side, from: q.from, to: q.to, ...(before ? { before } : {}) });
    out.push(...page.rows);
    if (out.length > EXPORT_MAX_ROWS) throw tooMany("fills");
    const last = page.rows[page.rows.length - 1];
    if (!page.next || !last?.seq) return out;
    before = { ts: last.ts, id: last.seq };
  }
}

async function allOrders(host: RunnerHost, q: z.output<typeof exportOrdersQuerySchema>): Promise<OrderDTO[]> {
  const out: OrderDTO[] = [];
  // Orders page on (createdAt, clientOrderId); an empty id starts strictly before `to`.
  let before: { ts: number; id: string } | undefined = q.to !== undefined ? { ts: q.to, id: "" } : undefined;
  for (;;) {
    const page = await host.ordersPage({ limit: PAGE, side: q.side, status: q.status, ...(before ? { before } : {}) });
    for (const o of page.rows) {
      if (q.from !== undefined && o.createdAt < q.from) return out;
      out.push(o);
    }
    if (out.length > EXPORT_MAX_ROWS) throw tooMany("orders");
    const last = page.rows[page.rows.length - 1];
    if (!page.next || !last) return out;
    before = { ts: last.createdAt, id: last.clientOrderId };
  }
}

/** Oldest first. The host answers the newest `limit` points up to `to`, so read backwards from the end. */
async function allSnapshots(host: RunnerHost, q: Range): Promise<SnapshotDTO[]> {
  const chunks: SnapshotDTO[][] = [];
  let count = 0;
  let to = q.to;
  for (;;) {
    const page = await host.snapshots({ from: q.from, to, limit: SNAPSHOT_PAGE });
    chunks.push(page);
    count += page.length;
    if (count > EXPORT_MAX_ROWS) throw tooMany("chart points");
    if (page.length < SNAPSHOT_PAGE || !page[0]) break;
    to = page[0].ts - 1;
    if (q.from !== undefined && to < q.from) break;
  }
  return chunks.reverse().flat();
}


export function historyRoutes(host: RunnerHost): Route<never, never>[] {
  return [
    route({ method: "GET", path: "/api/fills/page", access: "viewer", query: fillsPageQuerySchema, handle: ({ query }) => host.fillsPage(query) }),
    route({ method: "GET", path: "/api/orders/page", access: "viewer", query: ordersPageQuerySchema, handle: ({ query }) => host.ordersPage(query) }),
    route({ method: "GET", path: "/api/market", access: "viewer", query: z.object({}).strict(), handle: () => host.market() }),
    route({
      method: "GET",
      path: "/api/performance",
      access: "viewer",
      query: performanceQuerySchema,
      handle: ({ query }) => {
        const to = query.to ?? Date.now();
        checkRange({ from: query.from, to });
        return host.performance({ from: query.from, to });
      },
    }),
    // The activity log is for viewers too: who changed what is part of watching the desk.
    route({ method: "GET", path: "/api/audit", access: "viewer", query: auditQuerySchema, handle: ({ query }) => host.auditLog(query) }),
    route({
      method: "GET",
      path: "/api/export/fills.csv",
      access: "viewer",
      query: exportFillsQuerySchema,
      handle: async ({ query }) => {
        checkRange(query);
        const [market, fills] = await Promise.all([host.market(), allFills(host, query)]);
        const { baseCurrency: b, quoteCurrency: c } = market;
        const header = ["time_utc", "trade_id", "order_id", "side", "liquidity", `price_${c}`, `size_${b}`, `fee_${c}`, `inventory_after_${b}`];
        const rows = fills.reverse().map((f) => [isoTime(f.ts), f.tradeId, f.clientOrderId, f.side, f.liquidity, f.price, f.size, f.fee, f.inventoryAfter]);
        return new TextReply(csvLines(header, rows), "text/csv; charset=utf-8", fileName("fills", market, query));
      },
    }),
    route({
      method: "GET",
      path: "/api/export/orders.csv",
      access: "viewer",
      query: exportOrdersQuerySchema,
      handle: async ({ query }) => {
        checkRange(query);
        const [market, orders] = await Promise.all([host.market(), allOrders(host, query)]);
        const { baseCurrency: b, quoteCurrency: c } = market;
        const header = ["created_utc", "updated_utc", "order_id", "side", "type", "reason", "status", `price_${c}`, `size_${b}`, `filled_${b}`];
        const rows = orders.reverse().map((o) => [isoTime(o.createdAt), isoTime(o.updatedAt), o.clientOrderId, o.side, o.type, o.reason, o.status, o.price, o.size, o.filledSize]);
        return new TextReply(csvLines(header, rows), "text/csv; charset=utf-8", fileName("orders", market, query));
      },
    }),
    route({
      method: "GET",
      path: "/api/export/snapshots.csv",
      access: "viewer",
      query: exportSnapshotsQuerySchema,
      handle: async ({ query }) => {
        checkRange(query);
        const [market, points] = await Promise.all([host.market(), allSnapshots(host, query)]);
        const { baseCurrency: b, quoteCurrency: c } = market;
        const header = [
          "time_utc",
          `mid_${c}`,
          `best_bid_${c}`,
          `best_ask_${c}`,
          `our_bid_${c}`,
          `our_ask_${c}`,
          `inventory_${b}`,
          "inventory_ratio",
          "skew",
          `realized_pnl_before_fees_${c}`,
          `unrealized_pnl_${c}`,
          `fees_${c}`,
          `total_pnl_net_${c}`,
          "risk_state",
        ];
        const rows = points.map((s) => [
          isoTime(s.ts),
          s.mid,
          s.bestBid,
          s.bestAsk,
          s.ourBid,
          s.ourAsk,
          s.inventory,
          s.ratio,
          s.skew,
          s.realizedPnl,
          s.unrealizedPnl,
          s.fees,
          s.totalPnl,
          s.riskState,
        ]);
        return new TextReply(csvLines(header, rows), "text/csv; charset=utf-8", fileName("chart", market, query));
      },
    }),
  ];
}
