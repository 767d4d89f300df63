// Stored records → the wire's DTOs, for what the host reads from the database on the web's behalf
// (history pages, exports). Money leaves as decimal strings, instants as epoch milliseconds. Orders use
// the runner's own mapping (publisher.ts), as its live pushes do.
import type { AlertDTO, FillDTO, MarketDTO, SnapshotDTO } from "@/lib/events";
import type { MarketSpec } from "@/lib/market";
import { unitsOf } from "@/lib/units";
import type { AlertRecord, FillRecord, Snapshot } from "@/server/store";

export function snapshotDto(s: Snapshot): SnapshotDTO {
  const total = s.realizedPnl.add(s.unrealizedPnl).sub(s.fees);
  return {
    ts: s.ts.getTime(),
    mid: s.mid.toString(),
    bestBid: s.bestBid?.toString() ?? null,
    bestAsk: s.bestAsk?.toString() ?? null,
    ourBid: s.ourBid?.toString() ?? null,
    ourAsk: s.ourAsk?.toString() ?? null,
    inventory: s.inventory.toString(),
    ratio: s.ratio.toNumber(),
    skew: s.skew.toNumber(),
    realizedPnl: s.realizedPnl.toString(),
    unrealizedPnl: s.unrealizedPnl.toString(),
    totalPnl: total.toString(),
    fees: s.fees.toString(),
    riskState: s.riskState,
  };
}

export function fillDto(f: FillRecord): FillDTO {
  return {
    tradeId: f.venueTradeId,
    clientOrderId: f.clientOrderId ?? "",
    side: f.side,
    price: f.price.toString(),
    size: f.size.toString(),
    fee: f.fee.toString(),
    liquidity: f.liquidity,
    inventoryAfter: f.inventoryAfter.toString(),
    ts: f.ts.getTime(),
    seq: f.id,
  };
}

export function alertDto(a: AlertRecord): AlertDTO {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    message: a.message,
    createdAt: a.createdAt.getTime(),
    count: a.count,
    lastSeenAt: a.lastSeenAt.getTime(),
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt?.getTime() ?? null,
  };
}

export function marketDto(m: MarketSpec, presetParams: Record<string, unknown>): MarketDTO {
  const units = unitsOf(m.symbol, m);
  return {
    symbol: m.symbol,
    baseCurrency: units.base,
    quoteCurrency: units.quote,
    tickSize: m.tickSize.toString(),
    lotSize: m.lotSize.toString(),
    minSize: m.minSize.toString(),
    minPrice: m.minPrice.toString(),
    maxPrice: m.maxPrice.toString(),
    makerFeeRate: m.makerFeeRate.toString(),
    takerFeeRate: m.takerFeeRate.toString(),
    presetParams,
  };
}
