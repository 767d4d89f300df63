// Merging YES and NO back into collateral, through the viem chain client against an in-process JSON-RPC
// double of Polygon that decodes what it is sent: balances read with balanceOfBatch on ConditionalTokens,
// the merge signed by our key and sent to ConditionalTokens.mergePositions(pUSD, 0x0, condition, [1,2], q)
// — or the NegRiskAdapter's mergePositions(condition, q) — never while our orders could fill, and only
// for what the chain holds when re-read.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { custom, decodeFunctionData, encodeFunctionResult, keccak256, parseTransaction, recoverTransactionAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ViemChainClient } from "@/server/venue/polymarket/chain";
import { CTF_ABI, NEG_RISK_ADAPTER_ABI, executeMerge, mergeOpportunity, proposeMerge } from "@/server/venue/polymarket/merge";
import { CONDITION_ID, NO_TOKEN, TEST_PRIVATE_KEY, YES_TOKEN } from "../fakes/polymarket/server";
import { nodeAnswer, receiptOf } from "../fakes/polymarket/chain";

const CTF = "0x4d97dcd97ec945f40cf65f87097ace5ea0476045";
const NEG_RISK_ADAPTER = "0xd91e80cf2e7be2e162c6513ced06f1dd0da35296";
const PUSD = "0xc011a7e12a19f7b1f670d46f03b03f3342e82dfb";
const OWNER = privateKeyToAccount(TEST_PRIVATE_KEY).address;

/** A Polygon node in a function: it knows balances, checks each call's data and signer, and mines at once. */
function chainDouble(balances: Map<string, bigint>) {
  const sent: { to: string; fn: string; args: readonly unknown[]; from: string }[] = [];
  const receipts = new Map<string, Record<string, unknown>>();
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      const p = (params ?? []) as unknown[];
      switch (method) {
        case "eth_call": {
          const { to, data } = p[0] as { to: string; data: Hex };
          assert.equal(to.toLowerCase(), CTF, "balances are read on ConditionalTokens");
          const call = decodeFunctionData({ abi: CTF_ABI, data });
          assert.equal(call.functionName, "balanceOfBatch");
          const [owners, ids] = call.args as [readonly string[], readonly bigint[]];
          return encodeFunctionResult({ abi: CTF_ABI, functionName: "balanceOfBatch", result: ids.map((id, i) => (owners[i]!.toLowerCase() === OWNER.toLowerCase() ? (balances.get(id.toString()) ?? 0n) : 0n)) });
        }
        case "eth_sendRawTransaction": {
          const raw = p[0] as Hex;
          const tx = parseTransaction(raw);
          const from = await recoverTransactionAddress({ serializedTransaction: raw as never });
          const to = tx.to!.toLowerCase();
          const abi = to === CTF ? CTF_ABI : NEG_RISK_ADAPTER_ABI;
          const call = decodeFunctionData({ abi, data: tx.data! });
          sent.push({ to, fn: call.functionName, args: call.args ?? [], from });
          const amount = (call.args as readonly unknown[]).at(-1) as bigint;
          for (const t of [YES_TOKEN, NO_TOKEN]) balances.set(t, balances.get(t)! - amount);
          const hash = keccak256(raw);
          receipts.set(hash, receiptOf(hash, from, to, true));
          return hash;
        }
        case "eth_getTransactionReceipt":
          return receipts.get(p[0] as string) ?? null;
        default: {
          const basic = nodeAnswer(method, sent.length);
          if (basic === undefined) throw new Error(`the double does not serve ${method}`);
          return basic;
        }
      }
    },
  });
  return { transport, sent };
}

test("merge opportunity: min(YES, NO) when it reaches the threshold, to 6 decimals", () => {
  assert.equal(mergeOpportunity(new Decimal("12.5"), new Decimal("7.25"), new Decimal("0.1"))!.toString(), "7.25");
  assert.equal(mergeOpportunity(new Decimal("12.5"), new Decimal("0.05"), new Decimal("0.1")), null);
  assert.equal(mergeOpportunity(new Decimal("3"), new Decimal("0"), new Decimal("0")), null);
  const p = proposeMerge(CONDITION_ID, false, new Decimal("10"), new Decimal("4.1234567"), new Decimal("1"))!;
  assert.equal(p.amount.toString(), "4.123456");
  assert.ok(p.collateralFreed.eq(p.amount), "q YES + q NO free exactly q collateral");
});

test("merge: re-reads both balances, then sends ConditionalTokens.mergePositions(pUSD, 0x0, condition, [1,2], q) signed by our key", async () => {
  const balances = new Map([[YES_TOKEN, 12_500_000n], [NO_TOKEN, 9_000_000n]]);
  const chain = chainDouble(balances);
  const client = new ViemChainClient({ chainId: 137, transport: chain.transport, privateKey: TEST_PRIVATE_KEY, deadlineMs: 5_000 });
  assert.deepEqual((await client.balances(OWNER, [YES_TOKEN, NO_TOKEN])).map(String), ["12.5", "9"]);
  // The desk saw 10 NO; the chain holds 9 now: the merge takes what the chain holds.
  const proposal = proposeMerge(CONDITION_ID, false, new Decimal("12.5"), new Decimal("10"), new Decimal("0.1"))!;
  const out = await executeMerge(client, { openOrdersOnTokens: async () => 0 }, OWNER, [YES_TOKEN, NO_TOKEN], proposal, new Decimal("0.1"));
  assert.ok(out.done, JSON.stringify(out));
  assert.equal(out.amount.toString(), "9");
  assert.equal(chain.sent.length, 1);
  const [tx] = chain.sent;
  assert.equal(tx!.to, CTF);
  assert.equal(tx!.fn, "mergePositions");
  assert.equal(tx!.from.toLowerCase(), OWNER.toLowerCase());
  const [collateral, parent, condition, partition, amount] = tx!.args as [string, string, string, bigint[], bigint];
  assert.equal(collateral.toLowerCase(), PUSD);
  assert.equal(parent, `0x${"0".repeat(64)}`);
  assert.equal(condition, CONDITION_ID);
  assert.deepEqual(partition, [1n, 2n]);
  assert.equal(amount, 9_000_000n);
  assert.deepEqual([balances.get(YES_TOKEN), balances.get(NO_TOKEN)], [3_500_000n, 0n]);
});

test("merge: a neg-risk market merges through the NegRiskAdapter; nothing is sent while our orders could fill", async () => {
  const balances = new Map([[YES_TOKEN, 5_000_000n], [NO_TOKEN, 5_000_000n]]);
  const chain = chainDouble(balances);
  const client = new ViemChainClient({ chainId: 137, transport: chain.transport, privateKey: TEST_PRIVATE_KEY, deadlineMs: 5_000 });
  const proposal = proposeMerge(CONDITION_ID, true, new Decimal(5), new Decimal(5), new Decimal(1))!;
  const refused = await executeMerge(client, { openOrdersOnTokens: async () => 2 }, OWNER, [YES_TOKEN, NO_TOKEN], proposal, new Decimal(1));
  assert.equal(refused.done, false);
  assert.match((refused as { reason: string }).reason, /2 order\(s\) on these tokens could still fill/);
  assert.equal(chain.sent.length, 0);
  const out = await executeMerge(client, { openOrdersOnTokens: async () => 0 }, OWNER, [YES_TOKEN, NO_TOKEN], proposal, new Decimal(1));
  assert.ok(out.done);
  assert.equal(chain.sent[0]!.to, NEG_RISK_ADAPTER);
  assert.deepEqual(chain.sent[0]!.args, [CONDITION_ID, 5_000_000n]);
});
