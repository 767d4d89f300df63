// The fake Hyperliquid itself: it must refuse what the venue refuses, or the adapter's tests prove nothing.
// Requests here are signed with viem (not ccxt) so that the fake's checks are tested on their own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pro } from "ccxt";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import WebSocket from "ws";
import { TEST_PRIVATE_KEY, startFakeHyperliquid, type FakeHyperliquid } from "../fakes/hyperliquid/server";
import { l1ActionHash } from "../fakes/hyperliquid/verify";

const signer = privateKeyToAccount(TEST_PRIVATE_KEY);

async function sign(action: Record<string, unknown>, nonce: number, key = TEST_PRIVATE_KEY, source = "a") {
  const account = privateKeyToAccount(key as `0x${string}`);
  const sig = await account.signTypedData({
    domain: { name: "Exchange", version: "1", chainId: 1337, verifyingContract: "0x0000000000000000000000000000000000000000" },
    types: { Agent: [{ name: "source", type: "string" }, { name: "connectionId", type: "bytes32" }] },
    primaryType: "Agent",
    message: { source, connectionId: l1ActionHash(action, nonce) },
  });
  return { r: `0x${sig.slice(2, 66)}`, s: `0x${sig.slice(66, 130)}`, v: parseInt(sig.slice(130, 132), 16) };
}

async function post(fake: FakeHyperliquid, route: "info" | "exchange", body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fake.url}/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* plain text answers (429, 422) */
  }
  return { status: res.status, json };
}

let nonceSeq = Date.now();
async function send(fake: FakeHyperliquid, action: Record<string, unknown>, opts: { key?: string; nonce?: number; mangle?: (s: { r: string; s: string; v: number }) => void } = {}) {
  const nonce = opts.nonce ?? ++nonceSeq;
  const signature = await sign(action, nonce, opts.key);
  opts.mangle?.(signature);
  return post(fake, "exchange", { action, nonce, signature });
}

const order = (o: Partial<{ a: number; b: boolean; p: string; s: string; r: boolean; tif: string; c: string }>) => ({
  a: o.a ?? 1,
  b: o.b ?? true,
  p: o.p ?? "1990.0",
  s: o.s ?? "0.01",
  r: o.r ?? false,
  t: { limit: { tif: o.tif ?? "Alo" } },
  ...(o.c ? { c: o.c } : {}),
});
const place = (...orders: ReturnType<typeof order>[]) => ({ type: "order", orders, grouping: "na" });

async function withFake(fn: (fake: FakeHyperliquid) => Promise<void>) {
  const fake = await startFakeHyperliquid();
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

test("fake: a request signed by the account's key is accepted; another key is 'User or API Wallet … does not exist.'", () =>
  withFake(async (fake) => {
    const good = await send(fake, place(order({})));
    assert.deepEqual((good.json as { status: string }).status, "ok");
    const stranger = generatePrivateKey();
    const bad = await send(fake, place(order({})), { key: stranger });
    assert.deepEqual(bad.json, { status: "err", response: `User or API Wallet ${privateKeyToAccount(stranger).address.toLowerCase()} does not exist.` });
    // A tampered signature recovers to some other address: refused the same way.
    const tampered = await send(fake, place(order({})), { mangle: (s) => (s.s = `0x${"1".repeat(64)}`) });
    assert.match(String((tampered.json as { response: string }).response), /^User or API Wallet 0x[0-9a-f]{40} does not exist\.$/);
    // A testnet signature ("b") on a mainnet fake is someone else's signature.
    const testnet = await post(fake, "exchange", { action: place(order({})), nonce: ++nonceSeq, signature: await sign(place(order({})), nonceSeq, TEST_PRIVATE_KEY, "b") });
    assert.equal((testnet.json as { status: string }).status, "err");
  }));

test("fake: r and s without leading zeros (as ccxt sends about one signature in sixteen) still verify", () =>
  withFake(async (fake) => {
    // Find a nonce whose signature has an r or s starting with a zero nibble, then strip it.
    for (let i = 0; i < 400; i++) {
      const nonce = ++nonceSeq;
      const sig = await sign(place(order({})), nonce);
      const k = sig.r.startsWith("0x0") ? "r" : sig.s.startsWith("0x0") ? "s" : null;
      if (!k) continue;
      sig[k] = `0x${sig[k].slice(2).replace(/^0+/, "")}`;
      const res = await post(fake, "exchange", { action: place(order({})), nonce, signature: sig });
      assert.equal((res.json as { status: string }).status, "ok", JSON.stringify(res.json));
      return;
    }
    assert.fail("no signature with a leading zero in 400 tries");
  }));

test("fake: a duplicate nonce is refused, and a nonce far from now", () =>
  withFake(async (fake) => {
    const nonce = ++nonceSeq;
    assert.equal(((await send(fake, place(order({})), { nonce })).json as { status: string }).status, "ok");
    assert.deepEqual((await send(fake, place(order({ p: "1990.1" })), { nonce })).json, { status: "err", response: "Invalid nonce: duplicate nonce" });
    assert.match(String(((await send(fake, place(order({})), { nonce: Date.now() - 3 * 86_400_000 })).json as { response: string }).response), /^Invalid nonce/);
  }));

test("fake: the venue's order rules, leg by leg, with its own error strings", () =>
  withFake(async (fake) => {
    const user = fake.users[0]!;
    const bestAsk = fake.engine.book("ETH", "A")[0]!.px.toString();
    const res = await send(
      fake,
      place(
        order({ p: "1990.05" }), // six significant figures
        order({ b: true, p: bestAsk, tif: "Alo" }), // crosses
        order({ s: "0.004" }), // $7.96
        order({ b: false, r: true, p: "2010.0" }), // reduce-only with no position
        order({ s: "0.00001" }), // more decimals than szDecimals
        order({ p: "5000.0" }), // beyond 80 % from the mark
        order({ c: "0x0000000000000000000000000000000a" }),
        order({ c: "0x0000000000000000000000000000000a" }), // the same cloid again
        order({ b: true, p: "1995.0", tif: "Ioc" }), // IOC that cannot match
      ),
    );
    const statuses = (res.json as { response: { data: { statuses: unknown[] } } }).response.data.statuses;
    const errs = statuses.map((s) => (typeof s === "object" && s && "error" in s ? String((s as { error: string }).error) : JSON.stringify(s)));
    assert.match(errs[0]!, /^Price must be divisible by tick size\. asset=1$/);
    assert.match(errs[1]!, /^Post only order would have immediately matched, bbo was [\d.]+@[\d.]+\. asset=1$/);
    assert.match(errs[2]!, /^Order must have minimum value of \$10\. asset=1$/);
    assert.match(errs[3]!, /^Reduce only order would increase position\. asset=1$/);
    assert.match(errs[4]!, /^Order has invalid size\. asset=1$/);
    assert.match(errs[5]!, /80% away from the reference price/);
    assert.match(errs[6]!, /^\{"resting":\{"oid":\d+,"cloid":"0x0+a"\}\}$/);
    assert.match(errs[7]!, /duplicate cloid/);
    assert.match(errs[8]!, /^Order could not immediately match against any resting orders\. asset=1$/);
    assert.equal(fake.engine.openOrders(user).length, 1, "only the one valid leg rests");
    // Margin: an order the account cannot carry.
    const big = await send(fake, place(order({ b: true, p: "1990.0", s: "2000", tif: "Gtc" })));
    assert.match(JSON.stringify(big.json), /Insufficient margin to place order\. asset=1/);
    // Cancel of an unknown order.
    const cancel = await send(fake, { type: "cancelByCloid", cancels: [{ asset: 1, cloid: "0x000000000000000000000000000000ff" }] });
    assert.deepEqual((cancel.json as { response: { data: { statuses: unknown[] } } }).response.data.statuses, [{ error: "Order was never placed, already canceled, or filled. asset=1" }]);
  }));

test("fake: the dead-man refuses a time under 5 s, arms, disarms without a time, and cancels our orders when it fires", () =>
  withFake(async (fake) => {
    const user = fake.users[0]!;
    assert.match(JSON.stringify((await send(fake, { type: "scheduleCancel", time: Date.now() + 1000 })).json), /too early/);
    assert.equal(((await send(fake, { type: "scheduleCancel", time: Date.now() + 60_000 })).json as { status: string }).status, "ok");
    await send(fake, place(order({ c: "0x0000000000000000000000000000000b" })));
    fake.fireDeadman(user);
    assert.equal(fake.engine.openOrders(user).length, 0);
    const st = await post(fake, "info", { type: "orderStatus", user, oid: "0x0000000000000000000000000000000b" });
    assert.equal((st.json as { order: { status: string } }).order.status, "scheduledCancel");
    assert.equal(((await send(fake, { type: "scheduleCancel" })).json as { status: string }).status, "ok");
    assert.equal(fake.exchange.deadman.get(user)?.at, 0);
  }));

test("fake: scripted faults — 429, a lost answer after the order was accepted, a dropped WebSocket", () =>
  withFake(async (fake) => {
    const user = fake.users[0]!;
    fake.faults.rateLimit("exchange", 1);
    assert.equal((await send(fake, place(order({})))).status, 429);
    fake.faults.loseResponse("exchange", 1);
    await assert.rejects(send(fake, place(order({ c: "0x0000000000000000000000000000000c" }))));
    assert.ok(fake.engine.byCloid(user, "0x0000000000000000000000000000000c"), "the order was accepted even though its answer was lost");
    const ws = new WebSocket(fake.wsUrl);
    const got: string[] = [];
    ws.on("message", (m) => got.push(JSON.parse(String(m)).channel));
    await new Promise((r) => ws.on("open", r));
    ws.send(JSON.stringify({ method: "subscribe", subscription: { type: "userFills", user } }));
    ws.send(JSON.stringify({ method: "ping" }));
    while (!got.includes("pong")) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(got.slice(0, 2), ["subscriptionResponse", "userFills"]);
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    fake.dropWebSockets();
    assert.equal(await closed, 1006);
  }));

test("fake: plain ccxt sends approveBuilderFee and setReferrer on first use — the fake catches both (trap 1)", () =>
  withFake(async (fake) => {
    const ex = new pro.hyperliquid({ walletAddress: signer.address, privateKey: TEST_PRIVATE_KEY, options: { fetchMarkets: { types: ["swap"] } } });
    Object.assign(ex.urls.api as object, { public: fake.url, private: fake.url });
    await ex.loadMarkets();
    await ex.close();
    const types = new Set(fake.exchange.forbidden.map((a) => a.body.action.type));
    assert.ok(types.has("approveBuilderFee") && types.has("setReferrer"), `caught: ${[...types].join(", ")}`);
  }));
