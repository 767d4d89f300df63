// A Polymarket binary market as one strategy: a runner per outcome token (each its own orders, fills and
// books, as the venue keeps them), tied by what the strategy core needs of both — the position skew from
// the YES and NO position values (the Rust document's calculate_inventory_skew, which drives skip-side and
// the dynamic limits), the merge check on the shares, and the total-position cap on their sum. The YES
// leg is the strategy the dashboard shows; the NO leg and the merge ride on its status. Operator controls
// given to the pair apply to both legs.
import Decimal from "decimal.js";
import { calculateInventorySkew, type QuoteState } from "@/lib/strategy";
import type { PairDTO, PairLegDTO, StatusDTO } from "@/lib/events";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import type { DeskLink } from "@/server/runner/desk-link";
import type { Runner } from "@/server/runner/runner";
import { ourPrices } from "@/server/runner/views";
import type { PairMerger } from "@/server/runner/pair-merge";

export interface PairLeg {
  runner: Runner;
  tokenId: string;
  symbol: string;
}

const ZERO = new Decimal(0);
const held = (r: Runner) => Decimal.max(ZERO, r.inventory);
/** The leg's mark: the mid its last decision was built on. */
const markOf = (r: Runner) => r.lastDecision?.metrics.mid ?? null;

export class PolymarketPair {
  yes: PairLeg | null = null;
  no: PairLeg | null = null;
  merger: PairMerger | null = null;

  constructor(readonly conditionId: string, readonly negRisk: boolean) {}

  private legs(): [PairLeg, PairLeg] {
    if (!this.yes || !this.no) throw new Error("the pair's legs are not attached yet");
    return [this.yes, this.no];
  }

  /** What a leg's runner takes from the pair (its DeskLink); the YES leg also carries the pair's status. */
  link(side: "yes" | "no"): DeskLink {
    return {
      quoteState: () => this.quoteState(side),
      holdQuotes: () => (this.merger?.merging ? "merge under way: no order on either token until it is done" : null),
      // The YES leg's status is built while it opens, before the NO leg exists: no pair to show yet.
      ...(side === "yes" ? { pairStatus: () => (this.yes && this.no ? this.status() : undefined) } : {}),
    };
  }

  /** For the leg on `side`: its token is "UP", the other "DOWN" (skew > 0: too much of this token). */
  quoteState(side: "yes" | "no"): Omit<QuoteState, "inventory"> {
    if (!this.yes || !this.no) return {};
    const [me, other] = side === "yes" ? [this.yes.runner, this.no.runner] : [this.no.runner, this.yes.runner];
    const up = held(me);
    const down = held(other);
    const mu = markOf(me);
    const md = markOf(other);
    if (!mu || !md) return { upShares: up, downShares: down };
    const upValue = up.mul(mu);
    const downValue = down.mul(md);
    return { upShares: up, downShares: down, upValue, downValue, totalPositionValue: upValue.add(downValue) };
  }

  status(): PairDTO {
    const [yes, no] = this.legs();
    const s = this.quoteState("yes");
    const params = yes.runner.params.current;
    return {
      conditionId: this.conditionId,
      negRisk: this.negRisk,
      yes: legDto(yes),
      no: legDto(no),
      positionSkew: s.upValue && s.downValue ? calculateInventorySkew(s.upValue, s.downValue) : 0,
      totalValue: (s.totalPositionValue ?? ZERO).toString(),
      maxTotalPosition: params.maxTotalPosition.toString(),
      collateral: this.merger?.collateral?.toString() ?? null,
      merge: this.merger ? this.merger.dto() : { threshold: params.mergeThreshold.toString(), proposal: null, state: "idle", auto: false, executable: false, why: "no merger", last: null, mergedTotal: "0" },
    };
  }

  /**
   * Arm, pause, resume: both legs, the YES leg's status answered (it carries the NO leg's). A leg already
   * there (armed, paused) refuses alone; the command is refused only when neither leg took it.
   */
  async control(action: ControlAction, by: string): Promise<StatusDTO> {
    const [yes, no] = this.legs();
    const [y, n] = await Promise.allSettled([yes.runner.control(action, by), no.runner.control(action, by)]);
    // A leg refusing for a reason of its own (its books differ from the venue's) is said, not hidden behind
    // the other leg's success or its "already armed"; both legs already there is the YES leg's refusal.
    const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
    const refused = ([["YES", y], ["NO", n]] as const).flatMap(([leg, r]) => (r.status === "rejected" && !/already/.test(why(r.reason)) ? [`${leg} leg: ${why(r.reason)}`] : []));
    if (refused.length) throw new CommandRejected(refused.join("; "), undefined, 409);
    if (y.status === "rejected" && n.status === "rejected") throw y.reason;
    return yes.runner.status();
  }
}

function legDto(leg: PairLeg): PairLegDTO {
  const r = leg.runner;
  const d = r.lastDecision;
  return {
    symbol: leg.symbol,
    tokenId: leg.tokenId,
    inventory: r.inventory.toString(),
    avgPrice: r.currentPosition.avgPrice.toString(),
    realizedPnl: r.currentPosition.realized.toString(),
    mid: markOf(r)?.toString() ?? null,
    ...ourPrices(r.tracker),
    skipped: d ? d.skipped.map((s) => `${s.side}: ${s.reason}`) : [],
    riskState: r.riskState,
    armed: r.armed,
    paused: r.paused,
    mismatch: r.mismatch !== null,
  };
}
