// The fast L1 signer (server/venue/hyperliquid/signer.ts) signs exactly the bytes ccxt signs, and its
// signatures recover to the signing key with viem's EIP-712 recovery (independent of ccxt and of noble's
// signing): for mainnet and testnet sources, every action type the desk sends, pooled and on-the-spot nonces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { HyperliquidClient } from "@/server/venue/hyperliquid";
import { TEST_PRIVATE_KEY } from "../fakes/hyperliquid/server";
import { recoverL1Signer } from "../fakes/hyperliquid/verify";

const address = privateKeyToAccount(TEST_PRIVATE_KEY).address.toLowerCase();
const actions = [
  { type: "cancelByCloid", cancels: [{ asset: 1, cloid: "0x0123456789abcdef0123456789abcdef" }] },
  { type: "order", orders: [{ a: 1, b: true, p: "1999.9", s: "0.0105", r: false, t: { limit: { tif: "Alo" } }, c: "0x0000000000000000000000000000000a" }], grouping: "na" },
  { type: "order", orders: [{ a: 0, b: false, p: "61234", s: "0.00017", r: true, t: { limit: { tif: "Ioc" } } }], grouping: "na" },
  { type: "scheduleCancel", time: 1_764_000_000_000 },
  { type: "scheduleCancel" },
];

for (const testnet of [false, true]) {
  test(`fast signer (${testnet ? "testnet" : "mainnet"}): ccxt's signed digest, a signature that recovers to our key, low S, each nonce used once`, async () => {
    const client = new HyperliquidClient({ walletAddress: address, privateKey: TEST_PRIVATE_KEY, restUrl: "http://127.0.0.1:9", wsUrl: "ws://127.0.0.1:9/ws", testnet, timeoutMs: 1_000 });
    try {
      const signer = client.signer;
      signer.warm();
      const c = client as unknown as { actionHash(a: unknown, v: undefined, n: number): string; ethEncodeStructuredData(d: unknown, t: unknown, m: unknown): Uint8Array; hashMessage(m: Uint8Array): string; options: Record<string, unknown> };
      const rs = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const action = actions[i % actions.length]!;
        const nonce = 1_764_000_000_000 + i;
        // ccxt's digest, computed its way (signL1Action's steps).
        const connectionId = c.actionHash(action, undefined, nonce);
        const typed = c.ethEncodeStructuredData({ chainId: 1337, name: "Exchange", verifyingContract: "0x0000000000000000000000000000000000000000", version: "1" }, { Agent: [{ name: "source", type: "string" }, { name: "connectionId", type: "bytes32" }] }, { source: testnet ? "b" : "a", connectionId });
        assert.equal(Buffer.from(signer.digest(action, nonce)).toString("hex"), c.hashMessage(typed).slice(2), "the same 32 bytes are signed");
        const sig = signer.sign(action, nonce);
        assert.equal(await recoverL1Signer(action, nonce, sig, !testnet), address, `signature ${i} recovers to the key`);
        assert.ok(BigInt(sig.s) <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n, "low S");
        assert.ok(sig.v === 27 || sig.v === 28);
        assert.ok(!rs.has(sig.r), "no nonce (r) twice");
        rs.add(sig.r);
        if (i === 40) signer.close(); // the pool is gone: nonces made on the spot from here
      }
      assert.ok(signer.stats.pooled > 0 && signer.stats.onTheSpot > 0, JSON.stringify(signer.stats));
    } finally {
      await client.close();
    }
  });
}

test("rehearsals (the last action of each type hashed again in idle time) take no nonce and change no signature", async () => {
  const client = new HyperliquidClient({ walletAddress: address, privateKey: TEST_PRIVATE_KEY, restUrl: "http://127.0.0.1:9", wsUrl: "ws://127.0.0.1:9/ws", testnet: false, timeoutMs: 1_000 });
  try {
    const signer = client.signer;
    signer.warm(3_600_000); // the timer's rehearsals are far off: called by hand here
    const nonce = (i: number) => 1_764_000_000_000 + i;
    const digests = actions.map((a, i) => Buffer.from(signer.digest(a, nonce(i))).toString("hex"));
    for (const [i, a] of actions.entries()) signer.sign(a, nonce(100 + i));
    const stats = { ...signer.stats };
    signer.rehearse();
    signer.rehearse();
    assert.deepEqual(signer.stats, stats, "no nonce taken from the pool or made");
    for (const [i, a] of actions.entries()) assert.equal(Buffer.from(signer.digest(a, nonce(i))).toString("hex"), digests[i], `digest ${i} unchanged`);
    const sig = signer.sign(actions[0]!, nonce(200));
    assert.equal(await recoverL1Signer(actions[0]!, nonce(200), sig, true), address, "a signature after rehearsals recovers to the key");
  } finally {
    await client.close();
  }
});
