// Merging the pair's YES and NO back into collateral (server/venue/polymarket/merge.ts does the chain
// side). A merge is proposed while min(YES, NO) held by the desk reaches the merge threshold. Executing
// it — by an operator, or by itself in auto mode — holds both legs' quoting, waits until no order of ours
// on either token is left (asking the venue as well as our books), holds their reconciliations (the
// venue's balances change on chain before the desk books it), re-reads both balances on chain and merges
// what is there, up to what the desk holds. The merge is booked on each leg as an adjustment: q shares
// leave each inventory, and q pUSD comes back, so q × (1 − cost of a YES − cost of a NO) is realized
// (half on each leg: each is booked as sold at its cost plus half the gain, the two prices adding to 1).
import Decimal from "decimal.js";
import type { PairMergeDTO, PairMergeOutcomeDTO } from "@/lib/events";
import { CommandRejected } from "@/server/runner/commands";
import { errText } from "@/server/runner/execution";
import type { PolymarketPair } from "@/server/runner/pair";
import type { Runner } from "@/server/runner/runner";
import { withDeadline } from "@/server/venue/deadline";
import { executeMerge, proposeMerge, type ChainClient, type MergeProposal } from "@/server/venue/polymarket/merge";
import type { Venue } from "@/server/venue/types";

export interface PairMergerDeps {
  pair: PolymarketPair;
  /** The legs' venues, for their open orders and the collateral. */
  venues: { yes: Venue; no: Venue; collateral: () => Promise<Decimal> };
  /** Null: merges are shown, not executed (`why` says why). */
  chain: ChainClient | null;
  why: string | null;
  /** The address that holds the tokens on chain. */
  owner: string;
  auto: boolean;
  deadlineMs: number;
  now: () => number;
  log: (line: string) => void;
}

const ONE = new Decimal(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PairMerger {
  merging = false;
  collateral: Decimal | null = null;
  last: PairMergeOutcomeDTO | null = null;
  mergedTotal = new Decimal(0);
  /** Auto mode: no new attempt before this time after a refusal (the operator sees the reason meanwhile). */
  private autoAfter = 0;

  constructor(private readonly deps: PairMergerDeps) {}

  private get yes(): Runner {
    return this.deps.pair.yes!.runner;
  }

  private get no(): Runner {
    return this.deps.pair.no!.runner;
  }

  get threshold(): Decimal {
    return this.yes.params.current.mergeThreshold;
  }

  proposal(): MergeProposal | null {
    const p = this.deps.pair;
    return proposeMerge(p.conditionId, p.negRisk, Decimal.max(0, this.yes.inventory), Decimal.max(0, this.no.inventory), this.threshold);
  }

  dto(): PairMergeDTO {
    const p = this.proposal();
    return {
      threshold: this.threshold.toString(),
      proposal: p ? { amount: p.amount.toString(), collateralFreed: p.collateralFreed.toString() } : null,
      state: this.merging ? "merging" : "idle",
      auto: this.deps.auto,
      executable: this.deps.chain !== null,
      why: this.deps.why,
      last: this.last,
      mergedTotal: this.mergedTotal.toString(),
    };
  }

  /** Reads the pUSD balance (bounded); a failure keeps the last figure. */
  async refreshCollateral(): Promise<void> {
    try {
      this.collateral = await withDeadline(this.deps.venues.collateral(), this.deps.deadlineMs, "collateral balance");
    } catch (err) {
      this.deps.log(`pair: collateral not read: ${errText(err)}`);
    }
  }

  /** Auto mode, on each tick: merge what is proposed while the desk is armed and quoting. */
  onTick(): void {
    if (!this.deps.auto || this.merging || !this.deps.chain || this.deps.now() < this.autoAfter) return;
    const y = this.yes;
    if (!y.running || !y.armed || y.paused || y.riskState === "HALTED" || y.mismatch || this.no.mismatch || !this.proposal()) return;
    void this.merge("system: auto-merge").then((o) => {
      if (!o.done) this.autoAfter = this.deps.now() + 30_000;
    });
  }

  private record(o: Omit<PairMergeOutcomeDTO, "at">): PairMergeOutcomeDTO {
    this.last = { ...o, at: this.deps.now() };
    this.yes.publisher.alert("reconciliation", o.done ? "info" : "warning", o.message);
    this.yes.emitStatus();
    return this.last;
  }

  private refused(by: string, message: string): PairMergeOutcomeDTO {
    return this.record({ done: false, by, message: `merge not done: ${message}`, amount: null, collateralFreed: null, txHash: null, realized: null });
  }

  /** Our orders on either token that could still fill: in our books, and at the venue (asked, bounded). */
  private async openOrders(): Promise<number> {
    const ours = this.yes.tracker.liveCount + this.no.tracker.liveCount;
    const [y, n] = await withDeadline(Promise.all([this.deps.venues.yes.fetchOpenOrders(), this.deps.venues.no.fetchOpenOrders()]), this.deps.deadlineMs, "open orders before a merge");
    return Math.max(ours, y.length + n.length);
  }

  async merge(by: string): Promise<PairMergeOutcomeDTO> {
    if (this.merging) throw new CommandRejected("a merge is under way: wait for its outcome", undefined, 409);
    const chain = this.deps.chain;
    if (!chain) return this.refused(by, this.deps.why ?? "no chain client");
    const proposal = this.proposal();
    if (!proposal) return this.refused(by, `min(YES ${this.yes.inventory}, NO ${this.no.inventory}) is below the merge threshold ${this.threshold}`);
    this.merging = true;
    this.yes.emitStatus();
    try {
      // Quoting holds on both legs (holdQuotes) from now; our resting quotes are cancelled and confirmed gone.
      for (const r of [this.yes, this.no]) r.quoter.standDown("merge under way");
      const until = Date.now() + 2 * this.deps.deadlineMs;
      while (this.yes.tracker.liveCount + this.no.tracker.liveCount > 0 && Date.now() < until) await sleep(20);
      return await this.yes.reconciler.whileHeld(() => this.no.reconciler.whileHeld(() => this.mergeHeld(chain, proposal, by)));
    } finally {
      this.merging = false;
      this.yes.emitStatus();
    }
  }

  private async mergeHeld(chain: ChainClient, proposal: MergeProposal, by: string): Promise<PairMergeOutcomeDTO> {
    const tokens: [string, string] = [this.deps.pair.yes!.tokenId, this.deps.pair.no!.tokenId];
    let out;
    try {
      out = await executeMerge(chain, { openOrdersOnTokens: () => this.openOrders() }, this.deps.owner, tokens, proposal, this.threshold);
    } catch (err) {
      // The transaction may have gone through all the same (an answer lost): the chain says. Both balances
      // down by the amount from what the desk holds is the merge, booked; anything else is left to the
      // reconciliation, which will say what differs.
      const q = proposal.amount;
      try {
        const [y, n] = await chain.balances(this.deps.owner, tokens);
        if (y.eq(this.yes.inventory.sub(q)) && n.eq(this.no.inventory.sub(q))) return this.booked(q, null, by);
      } catch {
        // the chain is unreachable: the reconciliation will compare when it answers again
      }
      return this.refused(by, `${errText(err)}; nothing booked (the reconciliation compares the venue's balances next)`);
    }
    if (!out.done) return this.refused(by, out.reason);
    return this.booked(out.amount, out.txHash, by);
  }

  /** Books the merge on both legs (journal, position, database) and reads the collateral it freed. */
  private booked(q: Decimal, txHash: string | null, by: string): PairMergeOutcomeDTO {
    const cy = this.yes.currentPosition.avgPrice;
    const cn = this.no.currentPosition.avgPrice;
    const gain = ONE.sub(cy).sub(cn);
    const id = txHash ?? `unconfirmed-${this.deps.now()}`;
    const note = `merge: ${q} YES + ${q} NO → ${q} pUSD${txHash ? ` (tx ${txHash})` : ""} by ${by}`;
    const ts = this.deps.now();
    for (const [leg, runner, cost] of [["yes", this.yes, cy], ["no", this.no, cn]] as const) {
      runner.ledger.book({ tradeId: `merge-${id}-${leg}`, clientOrderId: null, venueOrderId: null, side: "sell", price: cost.add(gain.div(2)), size: q, fee: new Decimal(0), liquidity: "maker", ts, kind: "adjustment", note });
      runner.snapshotWanted = true;
    }
    this.mergedTotal = this.mergedTotal.add(q);
    const realized = q.mul(gain);
    this.deps.log(`pair: ${note}, realized ${realized}`);
    void this.refreshCollateral().then(() => this.yes.emitStatus());
    return this.record({ done: true, by, message: `${note}; realized ${realized}`, amount: q.toString(), collateralFreed: q.toString(), txHash, realized: realized.toString() });
  }
}
