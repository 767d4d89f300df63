// A Polygon JSON-RPC endpoint in the test's process, in front of the fake CLOB's accounts: what the desk's
// viem chain client needs for merges and nothing else. balanceOfBatch on ConditionalTokens answers from
// the fake's token balances; a raw transaction is decoded and checked (signed by the account's key, sent
// to ConditionalTokens.mergePositions(pUSD, 0x0, condition, [1, 2], q) — or the NegRiskAdapter's
// mergePositions(condition, q) for a neg-risk market) and, if both balances cover q, mined at once:
// q of each token leave the account and q pUSD arrive. A call it cannot check is refused as an error.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeFunctionData, encodeFunctionResult, keccak256, parseTransaction, recoverTransactionAddress, type Hex } from "viem";
import { CTF_ABI, NEG_RISK_ADAPTER_ABI } from "@/server/venue/polymarket/merge";
import type { Engine } from "./engine";
import { CONDITION_ID, NO_TOKEN, YES_TOKEN } from "./server";

export const CTF = "0x4d97dcd97ec945f40cf65f87097ace5ea0476045";
export const NEG_RISK_ADAPTER = "0xd91e80cf2e7be2e162c6513ced06f1dd0da35296";
export const PUSD = "0xc011a7e12a19f7b1f670d46f03b03f3342e82dfb";
const ZERO32 = `0x${"0".repeat(64)}`;

/** A method a node may not serve (viem tries eth_fillTransaction first, then fills the transaction itself). */
class MethodNotFound extends Error {
  constructor(readonly method: string) {
    super(`the method ${method} does not exist/is not available`);
  }
}

export interface MergeSent {
  to: string;
  from: string;
  conditionId: string;
  amount: bigint;
  mined: boolean;
}

export interface FakeChain {
  url: string;
  /** Every merge transaction received, in order (mined or reverted). */
  merges: MergeSent[];
  /** Requests refused, with why (call data that does not check out); methods it does not serve are not counted. */
  refused: string[];
  /** Balance reads served. */
  balanceReads: number;
  close(): Promise<void>;
}

/** What a one-block Polygon node answers regardless of state (chain, block, gas, our nonce); undefined otherwise. */
export function nodeAnswer(method: string, nonce: number): unknown {
  switch (method) {
    case "eth_chainId":
      return "0x89";
    case "eth_blockNumber":
      return "0x10";
    case "eth_getTransactionCount":
      return `0x${nonce.toString(16)}`;
    case "eth_estimateGas":
      return "0x30000";
    case "eth_gasPrice":
    case "eth_maxPriorityFeePerGas":
      return "0x3b9aca00";
    case "eth_getBlockByNumber":
      return { number: "0x10", hash: `0x${"11".repeat(32)}`, baseFeePerGas: "0x3b9aca00", timestamp: "0x1", transactions: [], gasLimit: "0x1c9c380", gasUsed: "0x0" };
    default:
      return undefined;
  }
}

/** The receipt of a transaction mined at once in that block. */
export function receiptOf(hash: string, from: string, to: string, ok: boolean): Record<string, unknown> {
  return { transactionHash: hash, status: ok ? "0x1" : "0x0", blockNumber: "0x10", blockHash: `0x${"11".repeat(32)}`, logs: [], gasUsed: "0x1", cumulativeGasUsed: "0x1", effectiveGasPrice: "0x1", from, to, transactionIndex: "0x0", type: "0x2", logsBloom: `0x${"00".repeat(256)}`, contractAddress: null };
}
/** Serves the chain over HTTP on 127.0.0.1 (a free port); `negRisk` says which contract merges are checked against. */
export async function startFakeChain(engine: Engine, opts: { negRisk?: boolean } = {}): Promise<FakeChain> {
  const merges: MergeSent[] = [];
  const refused: string[] = [];
  const receipts = new Map<string, Record<string, unknown>>();
  const state = { balanceReads: 0 };
  const accountOf = (address: string) => [...engine.accounts.values()].find((a) => a.address.toLowerCase() === address.toLowerCase());

  async function handle(method: string, p: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_call": {
        const { to, data } = p[0] as { to: string; data: Hex };
        if (to.toLowerCase() !== CTF) throw new Error(`eth_call to ${to}: balances are read on ConditionalTokens`);
        const call = decodeFunctionData({ abi: CTF_ABI, data });
        if (call.functionName !== "balanceOfBatch") throw new Error(`eth_call ${call.functionName}: only balanceOfBatch is served`);
        const [owners, ids] = call.args as [readonly string[], readonly bigint[]];
        state.balanceReads++;
        return encodeFunctionResult({ abi: CTF_ABI, functionName: "balanceOfBatch", result: ids.map((id, i) => accountOf(owners[i]!)?.tokens.get(id.toString()) ?? 0n) });
      }
      case "eth_sendRawTransaction": {
        const raw = p[0] as Hex;
        const tx = parseTransaction(raw);
        const from = (await recoverTransactionAddress({ serializedTransaction: raw as never })).toLowerCase();
        const to = tx.to!.toLowerCase();
        let conditionId: string;
        let amount: bigint;
        if (opts.negRisk) {
          if (to !== NEG_RISK_ADAPTER) throw new Error(`a neg-risk market merges through the NegRiskAdapter, not ${to}`);
          const call = decodeFunctionData({ abi: NEG_RISK_ADAPTER_ABI, data: tx.data! });
          [conditionId, amount] = call.args as [string, bigint];
        } else {
          if (to !== CTF) throw new Error(`merges go to ConditionalTokens, not ${to}`);
          const call = decodeFunctionData({ abi: CTF_ABI, data: tx.data! });
          if (call.functionName !== "mergePositions") throw new Error(`${call.functionName} is not a merge`);
          const [collateral, parent, condition, partition, q] = call.args as [string, string, string, readonly bigint[], bigint];
          if (collateral.toLowerCase() !== PUSD) throw new Error(`collateral ${collateral} is not pUSD`);
          if (parent !== ZERO32) throw new Error(`parent collection ${parent} is not 0x0`);
          if (partition.length !== 2 || partition[0] !== 1n || partition[1] !== 2n) throw new Error(`partition [${partition.join(", ")}] is not [1, 2]`);
          conditionId = condition;
          amount = q;
        }
        if (conditionId.toLowerCase() !== CONDITION_ID) throw new Error(`condition ${conditionId} is not the fake market's`);
        if (amount <= 0n) throw new Error("a merge of nothing");
        const acct = accountOf(from);
        const enough = !!acct && (acct.tokens.get(YES_TOKEN) ?? 0n) >= amount && (acct.tokens.get(NO_TOKEN) ?? 0n) >= amount;
        if (acct && enough) {
          acct.tokens.set(YES_TOKEN, acct.tokens.get(YES_TOKEN)! - amount);
          acct.tokens.set(NO_TOKEN, acct.tokens.get(NO_TOKEN)! - amount);
          acct.collateral += amount;
        }
        merges.push({ to, from, conditionId, amount, mined: enough });
        const hash = keccak256(raw);
        receipts.set(hash, receiptOf(hash, from, to, enough));
        return hash;
      }
      case "eth_getTransactionReceipt":
        return receipts.get(p[0] as string) ?? null;
      default: {
        const basic = nodeAnswer(method, merges.length);
        if (basic === undefined) throw new MethodNotFound(method);
        return basic;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      void (async () => {
        const one = async (m: { id: unknown; method: string; params?: unknown[] }) => {
          try {
            return { jsonrpc: "2.0", id: m.id, result: await handle(m.method, m.params ?? []) };
          } catch (err) {
            if (err instanceof MethodNotFound) return { jsonrpc: "2.0", id: m.id, error: { code: -32601, message: err.message } };
            const message = err instanceof Error ? err.message : String(err);
            refused.push(`${m.method}: ${message}`);
            return { jsonrpc: "2.0", id: m.id, error: { code: -32000, message } };
          }
        };
        const msg = JSON.parse(body) as { id: unknown; method: string; params?: unknown[] } | { id: unknown; method: string; params?: unknown[] }[];
        const out = Array.isArray(msg) ? await Promise.all(msg.map(one)) : await one(msg);
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(out));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    merges,
    refused,
    get balanceReads() {
      return state.balanceReads;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
