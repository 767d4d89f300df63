// Our fills from the venue's trades. One trade is re-sent per status (MATCHED → MINED → CONFIRMED, or
// RETRYING / FAILED): a fill is counted once, on the first status that reports it, and a FAILED trade
// (settlement reverted on chain) becomes the fill plus its exact reversal (same price and size, the other
// side, the fee refunded), so that a desk that counted it un-counts it and one that never saw it nets zero.
// Both the REST listing and the user channel go through the same mapping, so ids agree between them.
import Decimal from "decimal.js";
import type { Side } from "@/lib/market";
import type { VenueFill } from "@/server/venue/types";
import type { WireTrade } from "./wire";

export interface OrderIds {
  /** Our client order id for a venue order id (order hash), or undefined when it is not ours. */
  clientOrderId(hash: string): string | undefined;
}

export interface FillContext {
  tokenId: string;
  /** Our API key: the venue names the owner of each side of a trade by it. */
  apiKey: string;
  ids: OrderIds;
}

const lower = (s: string) => s.toLowerCase();
const opposite = (s: Side): Side => (s === "buy" ? "sell" : "buy");

/** Fee in collateral: the rate applies to the notional (markets with a fee curve are not modelled). */
function fee(price: Decimal, size: Decimal, bps: Decimal | undefined): Decimal {
  return bps && !bps.isZero() ? price.mul(size).mul(bps).div(10_000) : new Decimal(0);
}

/** Every fill of ours in one trade (as taker, and as maker for each of our orders it matched). */
export function fillsOf(t: WireTrade, ctx: FillContext): VenueFill[] {
  const out: VenueFill[] = [];
  const mine = (hash: string, owner: string | undefined) => ctx.ids.clientOrderId(lower(hash)) ?? (owner && owner === ctx.apiKey ? `pm-${lower(hash)}` : undefined);
  if (t.asset_id === ctx.tokenId) {
    const cid = mine(t.taker_order_id, t.trader_side === "TAKER" ? t.owner : undefined);
    if (cid) {
      const side = t.side === "BUY" ? "buy" : "sell";
      out.push({ tradeId: `${t.id}:${lower(t.taker_order_id)}`, clientOrderId: cid, venueOrderId: lower(t.taker_order_id), side, price: t.price, size: t.size, fee: fee(t.price, t.size, t.fee_rate_bps), liquidity: "taker", ts: t.ts });
    }
  }
  for (const m of t.maker_orders) {
    if (m.asset_id !== ctx.tokenId) continue;
    const cid = mine(m.order_id, m.owner);
    if (!cid) continue;
    const side: Side = m.side ? (m.side === "BUY" ? "buy" : "sell") : opposite(t.side === "BUY" ? "buy" : "sell");
    out.push({ tradeId: `${t.id}:${lower(m.order_id)}`, clientOrderId: cid, venueOrderId: lower(m.order_id), side, price: m.price, size: m.matched_amount, fee: fee(m.price, m.matched_amount, m.fee_rate_bps), liquidity: "maker", ts: t.ts });
  }
  if (t.status !== "FAILED") return out;
  return out.flatMap((f) => [f, { ...f, tradeId: `${f.tradeId}:reversed`, side: opposite(f.side), fee: f.fee.neg() }]);
}

/** Delivers each fill id once, however often the venue re-sends the trade. Keeps the last 20 000 ids. */
export class FillLedger {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  /** Trade messages that changed nothing (a later status of a trade already counted). */
  repeats = 0;
  reversals = 0;

  /** The fills of this trade message not delivered before. */
  fresh(fills: VenueFill[]): VenueFill[] {
    const out = fills.filter((f) => this.remember(f.tradeId));
    if (!out.length && fills.length) this.repeats++;
    this.reversals += out.filter((f) => f.tradeId.endsWith(":reversed")).length;
    return out;
  }

  private remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    this.order.push(id);
    if (this.order.length > 20_000) this.seen.delete(this.order.shift()!);
    return true;
  }
}
