// The live session's part for a Polymarket YES/NO pair (SKEWDESK_POLYMARKET_NO_TOKEN_ID): the NO token's
// adapter and runner beside the YES one, the pair that ties them (pair.ts) and the merger with its chain
// client (viem over SKEWDESK_POLYMARKET_RPC_URL). The NO adapter sends no heartbeats of its own: the
// venue's dead-man is per API key, and the YES adapter's heartbeats cover every order of the account.
import { join } from "node:path";
import { http } from "viem";
import { parseStrategyParams } from "@/lib/strategy";
import type { PolymarketLiveConfig } from "@/server/config/polymarket-config";
import type { JsonObject, Store } from "@/server/store";
import { PolymarketVenue } from "@/server/venue/polymarket";
import { ViemChainClient } from "@/server/venue/polymarket/chain";
import { wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PolymarketPair } from "@/server/runner/pair";
import { PairMerger } from "@/server/runner/pair-merge";
import type { Emit } from "@/server/runner/publisher";
import { Runner, type RunnerConfig } from "@/server/runner/runner";
import { separateHistory } from "@/server/runner/strategy-history";

export interface PairParts {
  pair: PolymarketPair;
  merger: PairMerger;
  noVenue: PolymarketVenue;
  noRunner: Runner | null;
  noJournal: FillJournal | null;
  tokens: { yes: string; no: string };
}

/** Opens the NO token's adapter and the pair (its legs attached once both runners exist: attachPair). */
export async function openPair(live: PolymarketLiveConfig & { pair: NonNullable<PolymarketLiveConfig["pair"]> }, yesVenue: PolymarketVenue, deadlineMs: number, log: (line: string) => void): Promise<PairParts> {
  const noVenue = await PolymarketVenue.open({
    privateKey: live.privateKey,
    chainId: live.chainId,
    restUrl: live.url,
    wsUrl: live.wsUrl,
    tokenId: live.pair.noTokenId,
    conditionId: live.conditionId,
    symbol: live.pair.noSymbol,
    creds: yesVenue.http.creds ?? undefined,
    signatureType: live.signatureType,
    funderAddress: live.funderAddress,
    deadlineMs,
    heartbeatMs: null,
    log: (line) => log(`[polymarket ${live.pair.noSymbol}] ${line}`),
  });
  const pair = new PolymarketPair(live.conditionId!, yesVenue.negRisk);
  const rpc = live.pair.rpcUrl;
  // Merges are sent by the signing key: it holds the tokens only as an EOA (signature type 0).
  const why = !rpc ? "no SKEWDESK_POLYMARKET_RPC_URL: merges are proposed, not executed" : live.signatureType !== 0 ? `the tokens are held by the ${live.signatureType === 3 ? "deposit" : "proxy"} wallet, not the signing key: merge from that wallet` : null;
  const chain = why ? null : new ViemChainClient({ chainId: live.chainId, transport: http(rpc, { timeout: deadlineMs, retryCount: 0 }), privateKey: live.privateKey, deadlineMs });
  const merger = new PairMerger({
    pair,
    venues: { yes: yesVenue, no: noVenue, collateral: () => yesVenue.fetchCollateral() },
    chain,
    why,
    owner: live.walletAddress,
    auto: live.pair.autoMerge,
    deadlineMs,
    now: () => Date.now(),
    log,
  });
  pair.merger = merger;
  return { pair, merger, noVenue, noRunner: null, noJournal: null, tokens: { yes: live.tokenId, no: live.pair.noTokenId } };
}

/** The NO leg's strategy (its own history, `<name>-no`) and runner, opened beside the YES leg's. */
export async function openNoLeg(parts: PairParts, opts: { store: Store; name: string; venueName: string; params: Record<string, unknown>; journalDir: string; config: RunnerConfig; log: (line: string) => void; network: string; tickMs: number; emit?: Emit }): Promise<Runner> {
  const name = `${opts.name}-no`;
  await separateHistory(opts.store, name, "live", opts.venueName);
  const market = parts.noVenue.market;
  const strategy = await opts.store.ensureStrategy({ name, market: market.symbol, symbol: market.symbol, venue: opts.venueName, mode: "live", initialParams: parseStrategyParams(opts.params) as unknown as JsonObject });
  const journal = new FillJournal(join(opts.journalDir, `fills-${strategy.name}.journal`), true);
  // The page shows the YES leg's strategy: of the NO leg's events only its alerts go there (its state is on
  // the YES leg's status, in the pair panel).
  const up = opts.emit;
  const emit: Emit | undefined = up ? (event, payload) => event === "alert" && up(event, payload) : undefined;
  const runner = new Runner({ venue: parts.noVenue, store: opts.store, strategy, market, time: wallTime, journal, config: opts.config, log: (l) => opts.log(`[${market.symbol}] ${l}`), desk: parts.pair.link("no"), emit });
  await runner.open({ seed: null, config: { venue: opts.venueName, network: opts.network, symbol: market.symbol, tickMs: opts.tickMs } });
  parts.noRunner = runner;
  parts.noJournal = journal;
  return runner;
}
