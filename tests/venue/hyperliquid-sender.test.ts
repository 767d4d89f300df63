// Signed actions leave on the short path (client.ts, sender.ts, http1.ts): a request on a kept-alive
// connection is written before the event loop moves on (no I/O callback, timer or immediate first), and when
// one book causes two actions, the first is on the wire before the second is signed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HyperliquidClient } from "@/server/venue/hyperliquid";
import { TEST_PRIVATE_KEY, startFakeHyperliquid } from "../fakes/hyperliquid/server";

test("two actions in one turn: the first is written in that turn, before the second is signed; both verify on the fake", async () => {
  const fake = await startFakeHyperliquid();
  const client = new HyperliquidClient({ walletAddress: fake.users[0]!, privateKey: TEST_PRIVATE_KEY, restUrl: fake.url, wsUrl: fake.wsUrl, testnet: false, timeoutMs: 5_000, rateLimitMs: 2 });
  try {
    await client.loadMarkets();
    client.signer.warm();
    await client.sender.warm(); // a kept-alive connection, used once already (the case undici deferred)
    let signed = 0;
    const sign = client.signer.sign.bind(client.signer);
    client.signer.sign = (a, n) => (signed++, sign(a, n));
    const writes: { signedBefore: number; turnOpen: boolean }[] = [];
    let turnOpen = true;
    client.sender.http.onWrite = (path, phase) => {
      if (path === "/exchange" && phase === "written") writes.push({ signedBefore: signed, turnOpen });
    };
    setImmediate(() => (turnOpen = false));
    const cancel = (cloid: string) => client.signAndSend({ type: "cancelByCloid", cancels: [{ asset: 1, cloid }] });
    const answers = await Promise.all([cancel(`0x${"1".repeat(32)}`), cancel(`0x${"2".repeat(32)}`)]);
    assert.equal(signed, 2);
    assert.deepEqual(writes[0], { signedBefore: 1, turnOpen: true }, "the first request was written in the turn that signed it, before the second signature");
    assert.equal(writes.length, 2);
    // Both signatures verified (the fake answers an unknown cloid per leg, never "invalid signature").
    for (const a of answers) assert.equal((a as { status: string }).status, "ok", JSON.stringify(a));
    assert.equal(fake.requests.filter((r) => r.route === "exchange").length, 2);
  } finally {
    await client.close();
    await fake.close();
  }
});
