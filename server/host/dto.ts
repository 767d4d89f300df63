// Stored records → the wire's DTOs, for what the host reads from the database on the web's behalf
// (history pages, exports). Money leaves as decimal strings, instants as epoch milliseconds. Orders use
// the runner's own mapping (publisher.ts), as its live pushes do.
import type { AlertDTO, FillDTO, MarketDTO } from "@/lib/events";
import type { MarketSpec } from "@/lib/market";
import { unitsOf } from "@/lib/units";
import type { AlertRecord, FillRecord } from "@/server/store";
import { storedFillDto } from "@/server/runner/publisher";
export { snapshotDto } from "@/server/runner/publisher";

/** The runner's own fill mapping (the live stream uses it too), with the row id the history pages by. */
export function fillDto(f: FillRecord): FillDTO {
  return { ...storedFillDto(f), seq: f.id };
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
