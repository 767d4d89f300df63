// The chain side of Polymarket through viem: ERC-1155 balances of the two outcome tokens on the
// ConditionalTokens contract, and the merge transaction, each bounded by a deadline. The transport is
// given (http(rpcUrl) in production, an in-process JSON-RPC double in tests).
import Decimal from "decimal.js";
import { createPublicClient, createWalletClient, type Hex, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { polygon, polygonAmoy } from "viem/chains";
import { getContractConfig } from "@polymarket/clob-client-v2";
import { RequestTimeout } from "@/server/venue/errors";
import { VENUE } from "./errors";
import { CTF_ABI, mergeCall, type ChainClient, type MergeProposal } from "./merge";

export interface ViemChainConfig {
  chainId: 137 | 80002;
  transport: Transport;
  privateKey: string;
  deadlineMs: number;
}

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout(`${what}: no answer within ${ms} ms (outcome unknown)`, { venue: VENUE })), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export class ViemChainClient implements ChainClient {
  private readonly chain;
  private readonly pub;
  private readonly wallet;

  constructor(private readonly cfg: ViemChainConfig) {
    this.chain = cfg.chainId === 137 ? polygon : polygonAmoy;
    this.pub = createPublicClient({ chain: this.chain, transport: cfg.transport });
    this.wallet = createWalletClient({ chain: this.chain, transport: cfg.transport, account: privateKeyToAccount(cfg.privateKey as Hex) });
  }

  async balances(owner: string, tokenIds: [string, string]): Promise<[Decimal, Decimal]> {
    const ctf = getContractConfig(this.cfg.chainId).conditionalTokens as Hex;
    const raw = await deadline(this.pub.readContract({ address: ctf, abi: CTF_ABI, functionName: "balanceOfBatch", args: [[owner as Hex, owner as Hex], tokenIds.map((t) => BigInt(t))] }), this.cfg.deadlineMs, "balanceOfBatch");
    const [a, b] = raw.map((x) => new Decimal(x.toString()).div(1_000_000));
    return [a!, b!];
  }

  async merge(p: MergeProposal): Promise<string> {
    const { to, data } = mergeCall(this.cfg.chainId, p);
    const hash = await deadline(this.wallet.sendTransaction({ to, data, chain: this.chain }), this.cfg.deadlineMs, "merge: send");
    const receipt = await deadline(this.pub.waitForTransactionReceipt({ hash, pollingInterval: 50 }), this.cfg.deadlineMs * 6, "merge: receipt");
    if (receipt.status !== "success") throw new Error(`merge transaction ${hash} reverted`);
    return hash;
  }
}
