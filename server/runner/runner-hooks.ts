// What the runner does when its parts report: the write queue's failures, the venue's answers that need an
// operator's attention, and every booked fill. Kept apart from runner.ts, which composes the parts.
import { PostOnlyWouldCross } from "@/server/venue/errors";
import type { ExecutionHooks } from "@/server/runner/execution";
import { errText } from "@/server/runner/execution";
import type { FillLedgerDeps } from "@/server/runner/fill-ledger";
import { fillDto } from "@/server/runner/publisher";
import type { Runner } from "@/server/runner/runner";
import { needsEmergencyClose } from "@/lib/strategy";
import type { WriteQueueOptions } from "@/server/runner/write-queue";

export function writeQueueHooks(r: Runner): WriteQueueOptions {
  return {
    maxDroppable: 10_000,
    applyBatch: r.deskLink.applyWrites ?? ((writes) => r.store.applyWrites(writes)),
    onError: (err, n) => {
      if (n !== 1) return;
      const why = err instanceof Error ? err.message : String(err);
      r.publisher.alert("error", "critical", `database writes failing (${why}): writes are queued in order, fills are journaled; trading continues`);
    },
    onRecovered: (n) => r.publisher.alert("error", "info", `database available again after ${n} failed write attempts; journaled fills replayed`),
    // A write that can never succeed leaves the line instead of blocking it; the operator hears of it (an
    // alert that cannot be stored is only logged, or it would dead-letter again).
    onDeadLetter: (err, label) =>
      label === "alert"
        ? r.log(`alert write dropped: ${errText(err)}`)
        : r.publisher.alert("error", "critical", `a database write can never succeed and was taken out of the queue (${label}): ${errText(err)}; the fill journal keeps fills`),
  };
}

export function executionHooks(r: Runner): ExecutionHooks {
  return {
    onRejected: (o, err) => {
      if (err instanceof PostOnlyWouldCross) {
        r.stats.postOnlyRejects++;
        r.quoter.postOnlyRefused(o.side);
        r.loop.rereadBook();
      } else r.loop.backoff(err, "venue refused an order");
    },
    onLost: (o, kind, why) => {
      const what = kind === "create" ? `order ${o.clientOrderId} (${o.side} ${o.size})` : `cancel of ${o.side} ${o.clientOrderId}`;
      r.publisher.alertThrottled("cancel_failure", kind === "cancel" ? "critical" : "warning", `${what} not confirmed (${why}): outcome unknown, asking the venue; no new ${o.side} order until it is resolved`);
    },
    onSettled: () => r.loop.afterOrderEvent(),
  };
}

export function ledgerHooks(r: Runner): Pick<FillLedgerDeps, "onJournalBroken" | "onBooked"> {
  return {
    onJournalBroken: (err) => {
      r.riskState = "HALTED";
      r.writes.push(() => r.store.setRiskState(r.strategy.id, "HALTED", err.message), { lane: "priority", label: "risk state" });
      r.publisher.alert("error", "critical", `${err.message}: quoting HALTED`);
    },
    onBooked: (e, pos) => {
      r.stats.fills++;
      const abs = pos.qty.abs();
      if (abs.gt(r.stats.maxAbsInventory)) r.stats.maxAbsInventory = abs;
      // A point on the chart at every fill: the peaks that trigger rebalances and emergencies are seen.
      if (r.params.loaded && r.config.record) r.cycle.fillPoint();
      // Exact (scaled integers), as the decision's own emergency test: no Decimal division at every fill.
      if (r.params.loaded && needsEmergencyClose(r.params.current, pos.qty)) r.loop.emergencyPending = true;
      if (r.streaming) r.emitEvent("fill", fillDto(e, pos.qty, e.ts));
    },
  };
}
