// The binary market as one strategy, over the wire against the fake CLOB and the fake Polygon endpoint:
// both tokens quoted by one live session, the position skew from both legs' values (a leg long its token
// stops bidding for more), and the merge: proposed at the threshold, refused while an order of ours on
// either token could fill, then sent as ConditionalTokens.mergePositions for what the chain holds, booked
// on both legs (shares out, collateral in, q × (1 − cost YES − cost NO) realized) with the reconciliation
// agreeing afterwards.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { liveConfigFromEnv } from "@/server/config/live-config";
import { liveParamsPreset, openLiveSession, type LiveSession } from "@/server/runner/open-live-session";
import { CONDITION_ID, NO_TOKEN, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket, type FakePolymarket } from "../fakes/polymarket/server";
import { startFakeChain, type FakeChain } from "../fakes/polymarket/chain";
import { until } from "../fakes/polymarket/harness";
import { scratchDataDirs } from "@/tests/support/databases";

const newDataDir = scratchDataDirs("polymarket-pair");

const WAIT = 60_000;

function pairEnv(fake: FakePolymarket, chain: FakeChain, extra: Record<string, string> = {}) {
  return liveConfigFromEnv({
    SKEWDESK_VENUE: "polymarket",
    SKEWDESK_VENUE_NETWORK: "mainnet",
    SKEWDESK_VENUE_URL: fake.url,
    SKEWDESK_POLYMARKET_TOKEN_ID: YES_TOKEN,
    SKEWDESK_POLYMARKET_NO_TOKEN_ID: NO_TOKEN,
    SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID,
    SKEWDESK_POLYMARKET_RPC_URL: chain.url,
    SKEWDESK_VENUE_SYMBOL: "FAKE/YES",
    SKEWDESK_POLYMARKET_KEY: TEST_PRIVATE_KEY,
    SKEWDESK_DEADMAN_MS: "0",
    ...extra,
  });
}

test("the pair's configuration: the NO token needs the condition id; an RPC or auto-merge needs the NO token", () => {
  const base = { SKEWDESK_VENUE: "polymarket", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_URL: "http://127.0.0.1:1", SKEWDESK_POLYMARKET_TOKEN_ID: YES_TOKEN, SKEWDESK_POLYMARKET_KEY: TEST_PRIVATE_KEY };
  assert.throws(() => liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_NO_TOKEN_ID: NO_TOKEN }), /SKEWDESK_POLYMARKET_CONDITION_ID: a YES\/NO pair needs/);
  assert.throws(() => liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_RPC_URL: "http://127.0.0.1:2" }), /set SKEWDESK_POLYMARKET_NO_TOKEN_ID too/);
  assert.throws(() => liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_NO_TOKEN_ID: YES_TOKEN, SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID }), /the same token/);
  assert.throws(() => liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_NO_TOKEN_ID: NO_TOKEN, SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID, SKEWDESK_POLYMARKET_RPC_URL: "http://rpc.example.com" }), /SKEWDESK_POLYMARKET_RPC_URL/);
  const c = liveConfigFromEnv({ ...base, SKEWDESK_VENUE_SYMBOL: "X/YES", SKEWDESK_POLYMARKET_NO_TOKEN_ID: NO_TOKEN, SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID });
  assert.ok(c.venue === "polymarket" && c.pair);
  assert.deepEqual({ ...c.pair }, { noTokenId: NO_TOKEN, noSymbol: "X/NO", rpcUrl: undefined, autoMerge: false });
});

describe("a live desk quoting YES and NO of one market, and merging", () => {
  let fake: FakePolymarket;
  let chain: FakeChain;
  let s: LiveSession;
  let apiKey: string;
  const mine = (token: string) => [...fake.engine.orders.values()].filter((o) => o.owner === apiKey && o.status === "LIVE" && o.tokenId === token);
  const balance = (token: string) => new Decimal((fake.engine.accounts.get(apiKey)!.tokens.get(token) ?? 0n).toString()).div(1_000_000);
  const collateral = () => new Decimal(fake.engine.accounts.get(apiKey)!.collateral.toString()).div(1_000_000);
  /** Another trader sells into our bid on `token` (waiting for one that rests), until we hold some. */
  const sellInto = (token: string, runner: () => { inventory: Decimal }) =>
    until(`a fill on ${token === YES_TOKEN ? "YES" : "NO"}`, async () => {
      const bid = mine(token).find((o) => o.side === "BUY");
      if (bid && balance(token).isZero()) fake.engine.externalTrade(token, "SELL", bid.size.minus(bid.matched).toString());
      return runner().inventory.gt(0) && runner().inventory.eq(balance(token));
    }, WAIT);

  before(async () => {
    fake = await startFakePolymarket({ startShares: 0 });
    chain = await startFakeChain(fake.engine);
    s = await openLiveSession({ live: pairEnv(fake, chain), db: { dataDir: newDataDir() }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-pm-pair-")), tickMs: 100, runnerConfig: { reconcileEveryMs: 1_000 } });
    apiKey = [...fake.creds.keys()][0]!;
    void s.clock.start();
  });

  after(async () => {
    await s?.close("test");
    await chain?.close();
    await fake?.close();
    assert.deepEqual(fake.authFailures, []);
  });

  test("arming the pair quotes both tokens; a fill on YES alone skews the pair: the YES leg stops bidding", async () => {
    const pair = s.pair!;
    assert.ok(pair, "a pair session");
    assert.equal(s.runner.status().pair?.no.symbol, "FAKE/NO");
    await s.runner.control("arm", "op");
    assert.equal(pair.noRunner.armed, false, "arming the YES runner alone leaves the NO leg disarmed");
    assert.equal(s.runner.status().pair!.no.armed, false);
    // A leg that refuses for a reason of its own is said, not hidden behind the other leg's success.
    pair.noRunner.mismatch = { deskQty: new Decimal(0), venueQty: new Decimal(1), at: Date.now() };
    await assert.rejects(pair.pair.control("arm", "op"), /NO leg: the desk's books differ from the venue's/);
    assert.equal(s.runner.status().pair!.no.mismatch, true);
    pair.noRunner.mismatch = null;
    await pair.pair.control("arm", "op");
    assert.equal(pair.noRunner.armed, true);
    assert.equal(s.runner.status().pair!.no.armed, true);
    await until("bids on both tokens", () => mine(YES_TOKEN).some((o) => o.side === "BUY") && mine(NO_TOKEN).some((o) => o.side === "BUY"), WAIT);
    await sellInto(YES_TOKEN, () => s.runner);
    // YES held, no NO: (UP − DOWN) / (UP + DOWN) = 1 past the 0.7 skip threshold — the YES leg skips buying.
    await until("the YES leg skipping its bid", () => s.runner.status().pair!.positionSkew === 1 && (s.runner.lastDecision?.skipped.some((k) => k.side === "buy" && k.reason === "Inventory too long") ?? false), WAIT);
    await until("no YES bid resting", () => !mine(YES_TOKEN).some((o) => o.side === "BUY"), WAIT);
    // A parameter preview on the YES leg decides with the pair's state too.
    const preview = s.runner.previewParams(liveParamsPreset(s.runner.market));
    assert.ok(preview.skipped.some((k) => k.side === "buy" && k.reason === "Inventory too long"), JSON.stringify(preview));
    assert.ok(mine(NO_TOKEN).some((o) => o.side === "BUY"), "the NO leg still bids: buying NO evens the pair");
    assert.equal(s.runner.status().pair!.merge.proposal, null, "no NO held: nothing to merge");
  });

  test("with both held the merge is proposed; an order of ours that could fill blocks it; then it merges and books", async () => {
    const pair = s.pair!;
    await sellInto(NO_TOKEN, () => pair.noRunner);
    const q = Decimal.min(s.runner.inventory, pair.noRunner.inventory);
    await until("a merge proposed", () => s.runner.status().pair!.merge.proposal?.amount === q.toString(), WAIT);
    const st = s.runner.status().pair!;
    assert.equal(st.merge.proposal!.collateralFreed, q.toString());
    assert.ok(st.positionSkew < 0.7 && st.positionSkew > -0.7, `even pair: skew ${st.positionSkew}`);
    const cy = s.runner.currentPosition.avgPrice;
    const cn = pair.noRunner.currentPosition.avgPrice;
    const [yes0, no0, cash0] = [balance(YES_TOKEN), balance(NO_TOKEN), collateral()];

    // An order of ours the desk does not track (as an earlier process might leave) rests on NO: no merge.
    const stray = fake.engine.place({ id: `0x${"ab".repeat(32)}`, owner: apiKey, maker: fake.engine.accounts.get(apiKey)!.address, tokenId: NO_TOKEN, side: "BUY", price: new Decimal("0.02"), size: new Decimal(5), type: "GTC" }, true);
    assert.ok(!("error" in stray));
    const refused = await pair.merger.merge("op");
    assert.equal(refused.done, false);
    assert.match(refused.message, /order\(s\) on these tokens could still fill/);
    assert.equal(chain.merges.length, 0, "nothing sent to the chain");
    fake.engine.cancel(apiKey, stray.order.id);

    const reads = chain.balanceReads;
    const out = await pair.merger.merge("op");
    assert.ok(out.done, out.message);
    assert.ok(chain.balanceReads > reads, "both balances re-read on chain before sending");
    assert.equal(chain.merges.length, 1);
    assert.deepEqual({ ...chain.merges[0]!, from: chain.merges[0]!.from.toLowerCase() }, { to: "0x4d97dcd97ec945f40cf65f87097ace5ea0476045", from: fake.engine.accounts.get(apiKey)!.address.toLowerCase(), conditionId: CONDITION_ID, amount: BigInt(q.mul(1_000_000).toFixed(0)), mined: true });
    assert.equal(out.amount, q.toString());
    assert.equal(out.collateralFreed, q.toString());
    assert.deepEqual(chain.refused, []);
    // On chain: q of each token out, q pUSD in (no order rested while it merged, so nothing else moved).
    assert.equal(balance(YES_TOKEN).toString(), yes0.sub(q).toString());
    assert.equal(balance(NO_TOKEN).toString(), no0.sub(q).toString());
    assert.equal(collateral().toString(), cash0.add(q).toString());
    // The desk's books: the shares left both inventories; the gain over cost is realized.
    assert.equal(s.runner.inventory.toString(), yes0.sub(q).toString());
    assert.equal(pair.noRunner.inventory.toString(), no0.sub(q).toString());
    const realized = s.runner.currentPosition.realized.add(pair.noRunner.currentPosition.realized);
    assert.equal(realized.toString(), q.mul(new Decimal(1).sub(cy).sub(cn)).toString());
    assert.equal(out.realized, realized.toString());
    const after = s.runner.status().pair!;
    assert.equal(after.merge.mergedTotal, q.toString());
    assert.equal(after.merge.proposal, null);
    await until("the collateral read again", () => s.runner.status().pair!.collateral === collateral().toString(), WAIT);
    // The venue's balances and the desk's books agree: a reconciliation finds no mismatch on either leg.
    for (const r of [s.runner, pair.noRunner]) {
      const report = await r.reconciler.run("test");
      assert.equal(report.error, null);
      assert.equal(r.mismatch, null);
      assert.equal(report.venueQty!.toString(), r.inventory.toString());
    }
    // Quoting comes back on both tokens once the merge is done.
    await until("bids on both tokens again", () => mine(YES_TOKEN).some((o) => o.side === "BUY") && mine(NO_TOKEN).some((o) => o.side === "BUY"), WAIT);
  });
});

test("auto mode merges without an operator once both tokens reach the threshold", async () => {
  const fake = await startFakePolymarket({ startShares: 0 });
  const chain = await startFakeChain(fake.engine);
  const s = await openLiveSession({ live: pairEnv(fake, chain, { SKEWDESK_POLYMARKET_AUTO_MERGE: "1" }), db: { dataDir: newDataDir() }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-pm-auto-")), tickMs: 100 });
  try {
    const apiKey = [...fake.creds.keys()][0]!;
    void s.clock.start();
    await s.pair!.pair.control("arm", "op");
    for (const token of [YES_TOKEN, NO_TOKEN]) {
      const runner = token === YES_TOKEN ? s.runner : s.pair!.noRunner;
      await until(`a fill on ${token.slice(0, 6)}`, () => {
        const bid = [...fake.engine.orders.values()].find((o) => o.owner === apiKey && o.status === "LIVE" && o.tokenId === token && o.side === "BUY");
        if (bid && runner.inventory.isZero() && !fake.engine.trades.some((t) => t.tokenId === token)) fake.engine.externalTrade(token, "SELL", bid.size.toString());
        return runner.inventory.gt(0);
      }, WAIT);
    }
    await until("an automatic merge", () => chain.merges.length === 1 && s.runner.status().pair!.merge.last?.done === true, WAIT);
    assert.equal(s.runner.status().pair!.merge.last!.by, "system: auto-merge");
  } finally {
    await s.close("test");
    await chain.close();
    await fake.close();
  }
});
