// One use case: open a live trading session — database, store, the Hyperliquid adapter, journal and runner,
// on the wall clock. The desk starts disarmed: it connects, reconciles and shows the venue's state, and
// quotes nothing until an operator arms it. Its strategy is its own (mode live, this venue): a strategy
// with paper history is never reused for live money, nor the reverse.
import { join } from "node:path";
import type { MarketSpec } from "@/lib/market";
import { parseStrategyParams } from "@/lib/strategy";
import type { LiveConfig } from "@/server/config/live-config";
import Decimal from "decimal.js";
import { describeLive } from "@/server/config/live-config";
import { ConfigError } from "@/server/config/web-config";
import type { DbOptions } from "@/server/db";
import type { JsonObject, Store } from "@/server/store";
import { openRemoteStore } from "@/server/store/remote-store";
import { HyperliquidVenue } from "@/server/venue/hyperliquid";
import { PolymarketVenue } from "@/server/venue/polymarket";
import { CcxtVenue } from "@/server/venue/ccxt";
import { Clock, wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig, type RunnerConfig, type RunnerDeps } from "@/server/runner/runner";
import { separateHistory } from "@/server/runner/strategy-history";
import { openNoLeg, openPair, type PairParts } from "@/server/runner/pair-session";

export interface LiveSessionOptions {
  live: LiveConfig;
  strategyName?: string;
  tickMs?: number;
  db: DbOptions;
  journalDir: string;
  runnerConfig?: Partial<RunnerConfig>;
  emit?: RunnerDeps["emit"];
  log?: (line: string) => void;
}

export interface LiveSession {
  runner: Runner;
  venue: HyperliquidVenue | PolymarketVenue | CcxtVenue;
  store: Store;
  clock: Clock;
  /** A Polymarket YES/NO pair: the NO leg and the merger (pair-session.ts). */
  pair?: PairParts & { noRunner: Runner };
  close(reason?: string): Promise<void>;
}

/** A live desk's starting parameters: the story market's, which are in dollars around 2000 (a start for
 * ETH-like perps; tune on the dashboard), with sizes of a few venue minimums. */
export function liveParamsPreset(market: MarketSpec): Record<string, unknown> {
  // A probability market (Polymarket's outcome tokens) starts from the Rust document's own parameters.
  const base = market.maxPrice.lte(1) ? PAPER_MARKETS.probability.params : PAPER_MARKETS.story.params;
  return { ...base, orderSize: market.minSize.mul(2).toString(), maxPosition: market.minSize.mul(2).toString(), maxInventory: market.minSize.mul(10).toString() };
}

export function liveStrategyName(live: LiveConfig): string {
  return `live-${live.venue}-${live.network}-${live.symbol.split("/")[0]!.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

export async function openLiveSession(opts: LiveSessionOptions): Promise<LiveSession> {
  const log = opts.log ?? (() => {});
  const tickMs = opts.tickMs ?? 500;
  const deadlineMs = opts.runnerConfig?.venueDeadlineMs ?? 5_000;
  log(`live: ${describeLive(opts.live)}`);
  const remote = await openRemoteStore(opts.db);
  const store = remote;
  let venue: HyperliquidVenue | PolymarketVenue | CcxtVenue | null = null;
  let pair: PairParts | null = null;
  try {
    const name = opts.strategyName ?? liveStrategyName(opts.live);
    await separateHistory(store, name, "live", opts.live.venue);
    const live = opts.live;
    venue = "exchangeId" in live ? await CcxtVenue.open({
      exchangeId: live.exchangeId,
      apiKey: live.apiKey,
      secret: live.secret,
      password: live.password,
      symbol: live.symbol,
      restUrl: live.url,
      wsUrl: live.wsUrl,
      sandbox: live.network === "testnet",
      deadlineMs,
      deadmanMs: live.deadmanMs || null,
      baseReserve: live.baseReserve,
      log: (line) => log(`[${live.venue}] ${line}`),
    }) : live.venue === "polymarket" ? await PolymarketVenue.open({
      privateKey: live.privateKey,
      chainId: live.chainId,
      restUrl: live.url,
      wsUrl: live.wsUrl,
      tokenId: live.tokenId,
      conditionId: live.conditionId,
      symbol: live.symbol,
      creds: live.creds,
      signatureType: live.signatureType,
      funderAddress: live.funderAddress,
      deadlineMs,
      heartbeatMs: live.deadmanMs || null,
      log: (line) => log(`[polymarket] ${line}`),
    }) : await HyperliquidVenue.open({
      walletAddress: live.walletAddress,
      privateKey: live.privateKey,
      network: live.network,
      restUrl: live.url,
      symbol: live.symbol,
      deadlineMs,
      deadmanMs: live.deadmanMs || null,
      nonceFile: join(opts.journalDir, `hyperliquid-nonce-${live.network}-${live.walletAddress}.json`),
      log: (line) => log(`[hyperliquid] ${line}`),
    });
    if (venue instanceof PolymarketVenue && live.venue === "polymarket" && live.pair) pair = await openPair({ ...live, pair: live.pair }, venue, deadlineMs, log);
    const market = venue.market;
    const params = parseStrategyParams(liveParamsPreset(market));
    const strategy = await store.ensureStrategy({ name, market: market.symbol, symbol: market.symbol, venue: opts.live.venue, mode: "live", initialParams: params as unknown as JsonObject });
    const journal = new FillJournal(join(opts.journalDir, `fills-${strategy.name}.journal`), true);
    if (venue instanceof CcxtVenue) await refuseUnmanagedHolding(venue, store, strategy.id, journal, "exchangeId" in live ? live.baseReserve : undefined);
    // A new book runs a decision at once, at most every 25 ms (the venue sends one per block, ~0.1–0.5 s).
    const config: RunnerConfig = { ...defaultRunnerConfig(tickMs), quoteOnBookMs: 25, ...opts.runnerConfig, requireArming: true };
    const runner = new Runner({ venue, store, strategy, market, time: wallTime, journal, config, emit: opts.emit, log, ...(pair ? { desk: pair.pair.link("yes") } : {}) });
    await runner.open({ seed: null, config: { venue: opts.live.venue, network: opts.live.network, symbol: market.symbol, tickMs } });
    const noRunner = pair ? await openNoLeg(pair, { store, name, venueName: opts.live.venue, params: liveParamsPreset(pair.noVenue.market), journalDir: opts.journalDir, config, log, network: opts.live.network, tickMs, emit: opts.emit }) : null;
    if (pair) {
      pair.pair.yes = { runner, tokenId: pair.tokens.yes, symbol: market.symbol };
      pair.pair.no = { runner: noRunner!, tokenId: pair.tokens.no, symbol: pair.noVenue.market.symbol };
      await pair.merger.refreshCollateral();
    }
    // A pair ticks both legs on one clock; the merger looks at each tick (auto mode) and reads the collateral now and then.
    let collateralAt = Date.now();
    const clock = new Clock({ intervalMs: tickMs, speed: "realtime", onError: (err, n) => log(`tick ${n} failed: ${err instanceof Error ? err.stack : String(err)}`) }, async (_n, ts) => {
      if (!pair) return runner.tick(ts);
      await Promise.all([runner.tick(ts), noRunner!.tick(ts)]);
      pair.merger.onTick();
      if (Date.now() - collateralAt >= 5_000) {
        collateralAt = Date.now();
        void pair.merger.refreshCollateral();
      }
    });
    const opened = venue;
    const openedPair = pair;
    let closed = false;
    return {
      runner,
      venue: opened,
      store,
      clock,
      ...(openedPair && noRunner ? { pair: { ...openedPair, noRunner } } : {}),
      async close(reason = "closed") {
        if (closed) return;
        closed = true;
        await clock.stop();
        await Promise.all([runner.shutdown(reason), noRunner?.shutdown(reason)]);
        journal.close();
        openedPair?.noJournal?.close();
        await openedPair?.noVenue.close();
        await opened.close();
        await remote.close();
      },
    };
  } catch (err) {
    await pair?.noVenue.close().catch(() => {});
    await venue?.close().catch(() => {});
    await remote.close();
    throw err;
  }
}

/**
 * A spot account holds the base asset for reasons of its own. A strategy that has never traded would take
 * that holding for its inventory (far past its limit: it would halt, or sell it off); the operator says what
 * to leave alone instead. Once the strategy has fills, reconciliation owns any difference.
 */
async function refuseUnmanagedHolding(venue: CcxtVenue, store: Store, strategyId: string, journal: FillJournal, reserve: Decimal | undefined): Promise<void> {
  if ((await store.countFills(strategyId)) > 0 || journal.readAll().length > 0) return;
  const position = await venue.fetchPosition();
  if (position.qty.isZero()) return;
  const base = venue.market.symbol.split("/")[0];
  const held = position.qty.add(reserve ?? 0);
  throw new ConfigError(
    `the account holds ${held} ${base}${reserve?.gt(0) ? `, ${position.qty} beyond SKEWDESK_CCXT_BASE_RESERVE=${reserve}` : ""}, and this strategy has never traded: ` +
      `set SKEWDESK_CCXT_BASE_RESERVE=${held} to leave it alone (the desk is then flat at that holding), or move what the desk should not manage out of the account`,
  );
}
