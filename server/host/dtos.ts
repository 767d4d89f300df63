// Store records as the wire's DTOs, where more than one thread needs the same mapping: the runner's thread
// and the web thread (which reads history straight from the database thread, read-port.ts).
import type { SnapshotDTO } from "@/lib/events";
import type { Snapshot } from "@/server/store";

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
