// What an operator can do to a running desk: pause and resume, re-arm, the emergency close, and resolving a
// reconciliation mismatch. None of them waits on a venue call beyond the answer budget (answerWithinMs):
// a venue that never answers cannot keep the operator from the controls.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { EmergencyOutcomeDTO, StatusDTO } from "@/lib/events";
import type { ResolveMismatchRequest } from "@/lib/api-requests";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import { withDeadline } from "@/server/venue/deadline";
import { errText } from "@/server/runner/execution";
import type { Runner } from "@/server/runner/runner";
import { ratioOf } from "@/server/runner/views";

const ZERO = new Decimal(0);

export async function emergencyClose(desk: Runner, by: string): Promise<EmergencyOutcomeDTO> {
  const started = Date.now();
  const before = desk.ledger.position.qty;
  const fillsBefore = desk.stats.fills;
  desk.setPaused(true);
  const cancelled = desk.quoter.standDown(`emergency close by ${by}`);
  const r = await desk.boundedFlatten(`emergency close by ${by}`);
  const inv = desk.ledger.position.qty;
  const left = desk.excess().abs();
  let message: string;
  if (!r) {
    message = `flatten under way (the venue has not answered yet): inventory ${before} → ${inv} so far; strategy paused; the outcome follows as an alert`;
    void desk.flattener.start("").then((late) => desk.publisher.alert("emergency", "critical", `EMERGENCY CLOSE by ${by} finished: flattened ${late.filled}${late.failure ? `, ${late.failure}` : ""}; inventory ${desk.ledger.position.qty}`));
  } else if (r.failure) {
    message = `${r.filled.gt(0) ? `flattened ${r.filled} at ~${r.averagePrice}, then ` : ""}${r.failure}: inventory ${before} → ${inv}, ${left} from target; strategy paused`;
  } else if (r.filled.gt(0)) message = `flattened ${r.filled} at ~${r.averagePrice}: inventory ${before} → ${inv}; strategy paused`;
  else message = `nothing to flatten (inventory ${before} at target); quotes cancelled, strategy paused`;
  desk.snapshotWanted = true;
  desk.publisher.alert("emergency", "critical", `EMERGENCY CLOSE by ${by}: ${message}`);
  // The page reloads orders, fills and alerts when the answer arrives: store them first, within the answer's budget.
  await desk.writes.flush(Math.max(50, desk.config.answerWithinMs - (Date.now() - started)));
  desk.emitStatus();
  return {
    filled: (r?.filled ?? ZERO).toString(),
    averagePrice: r?.averagePrice?.toString() ?? null,
    inventoryAfter: inv.toString(),
    cancelledOrders: cancelled,
    paused: true,
    message: `${message} (${desk.stats.fills - fillsBefore} fills)`,
  };
}

export async function control(desk: Runner, action: ControlAction, by: string): Promise<StatusDTO> {
  switch (action) {
    case "arm":
      if (desk.armed) throw new CommandRejected(desk.config.requireArming ? "already armed" : "a paper desk needs no arming", undefined, 409);
      if (desk.mismatch) throw new CommandRejected("the desk's books differ from the venue's: resolve that before arming", undefined, 409);
      desk.armed = true;
      desk.setPaused(false);
      desk.publisher.alert("risk_state", "warning", `live trading ARMED by ${by}: quoting with real money`);
      break;
    case "start":
    case "resume":
      if (!desk.armed) throw new CommandRejected("live trading is not armed: an operator arms it first (Arm live trading)", undefined, 409);
      if (desk.riskState === "HALTED" && desk.ledger.journalBroken) throw new CommandRejected("the fill journal cannot be written: fix the disk, then restart", undefined, 409);
      desk.setPaused(false);
      break;
    case "pause":
      desk.setPaused(true);
      desk.quoter.standDown(`paused by ${by}`);
      break;
    case "rearm": {
      if (desk.riskState === "ACTIVE") throw new CommandRejected("already ACTIVE: nothing to re-arm", undefined, 409);
      if (desk.ledger.journalBroken) throw new CommandRejected("the fill journal cannot be written: fix the disk, then restart", undefined, 409);
      if (desk.mismatch) throw new CommandRejected("the desk's books differ from the venue's: adopt the venue's position or flatten first", undefined, 409);
      const ratio = ratioOf(desk.ledger.position, desk.params.current);
      if (ratio.abs().gte(desk.params.current.emergencyThreshold)) {
        throw new CommandRejected(`inventory ratio ${ratio.toFixed(3)} is still past the emergency threshold: flatten first`, undefined, 409);
      }
      desk.setRisk("ACTIVE", `re-armed by ${by}`);
      break;
    }
  }
  desk.emitStatus();
  return desk.status();
}

/**
 * Resolves a reconciliation mismatch, audited by the caller: books the difference to the venue's position
 * as an adjustment (at the mark, no fee) with the operator's reason, and with "flatten" then closes the
 * position to target. The desk stays HALTED until re-armed.
 */
export async function resolveMismatch(desk: Runner, req: ResolveMismatchRequest, by: string): Promise<StatusDTO> {
  if (!desk.mismatch) throw new CommandRejected("no reconciliation mismatch to resolve", undefined, 409);
  let venueQty: Decimal;
  try {
    venueQty = (await withDeadline(desk.venue.fetchPosition(), desk.config.venueDeadlineMs, "fetchPosition")).qty;
  } catch (err) {
    throw new CommandRejected(`the venue did not report its position (${errText(err)}): nothing changed, try again`, undefined, 503);
  }
  const deskQty = desk.ledger.position.qty;
  const diff = venueQty.sub(deskQty);
  if (!diff.isZero()) {
    const mark = desk.lastDecision?.metrics.mid ?? (desk.ledger.position.avgPrice.gt(0) ? desk.ledger.position.avgPrice : null);
    if (!mark) throw new CommandRejected("no mark price yet to book the adjustment at: wait for market data", undefined, 409);
    desk.ledger.book({
      tradeId: `adjust-${randomUUID()}`,
      clientOrderId: null,
      venueOrderId: null,
      side: diff.gt(0) ? "buy" : "sell",
      price: mark,
      size: diff.abs(),
      fee: ZERO,
      liquidity: "maker",
      ts: desk.time.now(),
      kind: "adjustment",
      note: `${by} adopted the venue's position ${venueQty} (desk had ${deskQty}): ${req.reason}`,
    });
  }
  desk.mismatch = null;
  // The mismatch's alert is answered by this resolution: the adoption is an event of its own, not a repeat.
  if (desk.mismatchAlertId) desk.publisher.acknowledge(desk.mismatchAlertId, by);
  desk.mismatchAlertId = null;
  desk.publisher.alert("reconciliation", "warning", `${by} adopted the venue's position ${venueQty} (desk had ${deskQty}, adjustment ${diff} at the mark): ${req.reason}`);
  if (req.action === "flatten") {
    desk.setPaused(true);
    const r = await desk.boundedFlatten(`flatten after reconciliation by ${by}`);
    desk.publisher.alert("emergency", "critical", `flatten by ${by} after reconciliation: ${r ? `flattened ${r.filled}${r.failure ? `, ${r.failure}` : ""}` : "under way"}; inventory ${desk.ledger.position.qty}`);
  }
  desk.emitStatus();
  return desk.status();
}
