// Merging a binary market's positions (the second seed's "merge opportunity"): q YES and q NO of one
// condition are worth exactly q collateral, so the desk can turn min(YES, NO) back into pUSD on chain with
// ConditionalTokens.mergePositions (or the NegRiskAdapter's for neg-risk markets). A merge is proposed
// when min(YES, NO) reaches the threshold; it is executed only while no order of ours on either token
// could still fill, and only after re-reading both balances on chain (what the desk last saw may be stale).
import Decimal from "decimal.js";
import { encodeFunctionData, type Hex } from "viem";
import { getContractConfig } from "@polymarket/clob-client-v2";
import { checkMergeOpportunity } from "@/lib/strategy/position";

const UNIT = new Decimal(1_000_000);

export interface MergeProposal {
  conditionId: string;
  negRisk: boolean;
  /** Shares of each token merged; also the collateral (pUSD) it frees. */
  amount: Decimal;
  collateralFreed: Decimal;
}

/** The strategy core's merge check (min(YES, NO) at the threshold), in whole 6-decimal units of the tokens. */
export function mergeOpportunity(yes: Decimal, no: Decimal, threshold: Decimal): Decimal | null {
  return checkMergeOpportunity(yes.toDecimalPlaces(6, Decimal.ROUND_DOWN), no.toDecimalPlaces(6, Decimal.ROUND_DOWN), threshold);
}

export function proposeMerge(conditionId: string, negRisk: boolean, yes: Decimal, no: Decimal, threshold: Decimal): MergeProposal | null {
  const amount = mergeOpportunity(yes, no, threshold);
  return amount ? { conditionId, negRisk, amount, collateralFreed: amount } : null;
}

export const CTF_ABI = [
  { type: "function", name: "mergePositions", stateMutability: "nonpayable", inputs: [{ name: "collateralToken", type: "address" }, { name: "parentCollectionId", type: "bytes32" }, { name: "conditionId", type: "bytes32" }, { name: "partition", type: "uint256[]" }, { name: "amount", type: "uint256" }], outputs: [] },
  { type: "function", name: "balanceOfBatch", stateMutability: "view", inputs: [{ name: "owners", type: "address[]" }, { name: "ids", type: "uint256[]" }], outputs: [{ name: "", type: "uint256[]" }] },
] as const;

export const NEG_RISK_ADAPTER_ABI = [
  { type: "function", name: "mergePositions", stateMutability: "nonpayable", inputs: [{ name: "conditionId", type: "bytes32" }, { name: "amount", type: "uint256" }], outputs: [] },
] as const;

/** The call a merge makes: to which contract, with which data (what the chain client signs and sends). */
export function mergeCall(chainId: number, p: MergeProposal): { to: Hex; data: Hex } {
  const c = getContractConfig(chainId);
  const amount = BigInt(p.amount.mul(UNIT).toFixed(0));
  if (p.negRisk) return { to: c.negRiskAdapter as Hex, data: encodeFunctionData({ abi: NEG_RISK_ADAPTER_ABI, functionName: "mergePositions", args: [p.conditionId as Hex, amount] }) };
  const zero = `0x${"0".repeat(64)}` as Hex;
  return { to: c.conditionalTokens as Hex, data: encodeFunctionData({ abi: CTF_ABI, functionName: "mergePositions", args: [c.collateral as Hex, zero, p.conditionId as Hex, [1n, 2n], amount] }) };
}

/** What the desk needs of a chain: both token balances, and one merge sent and mined (each with a deadline). */
export interface ChainClient {
  balances(owner: string, tokenIds: [string, string]): Promise<[Decimal, Decimal]>;
  /** Sends the merge and resolves with its transaction hash once mined successfully; throws otherwise. */
  merge(p: MergeProposal): Promise<string>;
}

export interface MergeGuard {
  /** Our resting orders on either token of the condition (any one could still fill). */
  openOrdersOnTokens(): Promise<number>;
}

export type MergeOutcome =
  | { done: true; txHash: string; amount: Decimal; collateralFreed: Decimal }
  | { done: false; reason: string };

/** Executes a proposal: refuses while orders could fill, re-reads both balances, merges min of them. */
export async function executeMerge(chain: ChainClient, guard: MergeGuard, owner: string, tokens: [string, string], p: MergeProposal, threshold: Decimal): Promise<MergeOutcome> {
  const open = await guard.openOrdersOnTokens();
  if (open > 0) return { done: false, reason: `${open} order(s) on these tokens could still fill: cancel them first` };
  const [yes, no] = await chain.balances(owner, tokens);
  const amount = mergeOpportunity(yes, no, threshold);
  if (!amount) return { done: false, reason: `on chain now: ${yes} YES and ${no} NO, below the merge threshold ${threshold}` };
  const q = Decimal.min(amount, p.amount);
  const txHash = await chain.merge({ ...p, amount: q, collateralFreed: q });
  return { done: true, txHash, amount: q, collateralFreed: q };
}
