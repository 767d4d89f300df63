// Reading a paper account back: the snapshot, the market, the fill history and the journal records after
// the snapshot, each validated, cross-checked (one contiguous sequence, one contiguous trade counter, the
// same market and seed), and turned into what SimAccount and PaperVenue restore from.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { MarketGrid } from "../grid";
import type { SimOrder } from "../matching";
import { orderOf, type AccountEvent, type AccountState } from "../sim-account";
import type { VenueFill } from "../types";
import {
  CORRUPT_ADVICE,
  FILES,
  MISMATCH_ADVICE,
  PaperAccountError,
  fillLineSchema,
  journalLineSchema,
  marketFileSchema,
  nonEmpty,
  readJsonFile,
  readLog,
  snapshotSchema,
  type FillLine,
  type MarketIdentity,
  type OrderRecord,
} from "./account-files";
import type { PaperMarketState } from "./paper-venue";

export interface AccountIdentity {
  venue: string;
  seed: number;
  market: MarketIdentity;
}

export interface LoadedAccount {
  state: AccountState;
  /** Fills up to the snapshot, oldest first. */
  history: VenueFill[];
  /** Changes after the snapshot, in sequence order, with the file and line each came from. */
  events: { event: AccountEvent; where: string }[];
  market: PaperMarketState;
  /** Last sequence number used. */
  seq: number;
  advice: string;
}

/** The account in `dir`, or null when the folder holds none yet. Throws PaperAccountError on anything amiss. */
export function loadAccount(dir: string, identity: AccountIdentity, market: MarketSpec): LoadedAccount | null {
  const path = (f: string) => join(dir, f);
  const advice = CORRUPT_ADVICE(dir);
  if (!existsSync(path(FILES.snapshot))) {
    const others = [FILES.market, FILES.journal, FILES.fills].filter((f) => nonEmpty(path(f)));
    if (others.length) throw new PaperAccountError(path(FILES.snapshot), `is missing, while ${others.join(" and ")} hold an account's records`, advice);
    return null;
  }
  const snap = readJsonFile(path(FILES.snapshot), snapshotSchema, advice);
  sameAccount(path(FILES.snapshot), snap, identity, dir);
  if (!existsSync(path(FILES.market))) throw new PaperAccountError(path(FILES.market), "is missing", advice);
  const mkt = readJsonFile(path(FILES.market), marketFileSchema, advice);
  sameAccount(path(FILES.market), mkt, identity, dir);

  const grid = new MarketGrid(market);
  const bad = (where: string, problem: string): never => {
    throw new PaperAccountError(where, problem, advice);
  };

  const history: VenueFill[] = [];
  // null: a market checkpoint, which takes a number in the sequence but changes nothing in the account.
  const after: { s: number; event: AccountEvent | null; where: string }[] = [];
  let checkpoint: { s: number; state: PaperMarketState } | null = null;
  const fillsPath = path(FILES.fills);
  for (const [i, { line, value }] of readLog(fillsPath, fillLineSchema, advice).entries()) {
    const where = `${fillsPath}:${line}`;
    if (value.t !== i + 1) bad(where, `trade ${value.t} where trade ${i + 1} was expected (fills must be numbered 1, 2, 3, ...)`);
    if (value.id !== `${identity.venue}-T${value.t}`) bad(where, `trade id ${value.id} does not match trade number ${value.t}`);
    const { fill, tick, lots } = decodeFill(value, grid, where, bad);
    if ((value.s <= snap.seq) !== (value.t <= snap.tradeSeq)) bad(where, `fill ${value.id} (record ${value.s}) and the snapshot (through record ${snap.seq}, trade ${snap.tradeSeq}) disagree`);
    if (value.s <= snap.seq) history.push(fill);
    else after.push({ s: value.s, event: { kind: "fill", fill, tradeSeq: value.t, tick, lots }, where });
  }
  if (history.length !== snap.tradeSeq) bad(fillsPath, `holds ${history.length} fills up to the snapshot, which counts ${snap.tradeSeq}`);

  const journalPath = path(FILES.journal);
  for (const { line, value } of readLog(journalPath, journalLineSchema, advice)) {
    // Records the snapshot already holds: the journal was not emptied after it was written.
    if (value.s <= snap.seq) continue;
    const where = `${journalPath}:${line}`;
    if (value.k === "market") {
      if (!checkpoint || value.s > checkpoint.s) checkpoint = { s: value.s, state: value.m };
      after.push({ s: value.s, event: null, where });
      continue;
    }
    const event: AccountEvent = value.k === "order" ? { kind: "order", order: decodeOrder(value.o, grid, where, bad) } : { kind: "adjust", lots: value.lots, at: value.ts };
    after.push({ s: value.s, event, where });
  }
  after.sort((a, b) => a.s - b.s);
  after.forEach((e, i) => {
    if (e.s !== snap.seq + 1 + i) bad(e.where, `record ${e.s} where record ${snap.seq + 1 + i} was expected: records are missing (an OS crash before they reached the disk?)`);
  });

  const snapWhere = path(FILES.snapshot);
  const orders = snap.orders.map((o) => decodeOrder(o, grid, snapWhere, bad));
  const maxSeq = orders.reduce((m, o) => Math.max(m, o.seq), 0);
  if (snap.orderSeq < maxSeq) bad(snapWhere, `orderSeq ${snap.orderSeq} is below order seq ${maxSeq}`);
  const state: AccountState = {
    orderSeq: snap.orderSeq,
    tradeSeq: snap.tradeSeq,
    positionLots: snap.positionLots,
    cash: snap.cash as Decimal,
    orders,
    finished: snap.finished,
    restingBids: snap.resting.bids,
    restingAsks: snap.resting.asks,
  };
  return {
    state,
    history,
    events: after.flatMap(({ event, where }) => (event ? [{ event, where }] : [])),
    market: checkpoint?.state ?? mkt.state,
    seq: after.length ? after[after.length - 1]!.s : snap.seq,
    advice,
  };
}

function sameAccount(file: string, got: { venue: string; seed: number; market: MarketIdentity }, want: AccountIdentity, dir: string): void {
  const diffs: string[] = [];
  if (got.venue !== want.venue) diffs.push(`venue ${got.venue}, not ${want.venue}`);
  if (got.seed !== want.seed) diffs.push(`seed ${got.seed}, not ${want.seed}`);
  for (const k of Object.keys(want.market) as (keyof MarketIdentity)[]) {
    if (got.market[k] !== want.market[k]) diffs.push(`market ${k} ${got.market[k]}, not ${want.market[k]}`);
  }
  if (diffs.length) throw new PaperAccountError(file, `was written for another account (${diffs.join("; ")})`, MISMATCH_ADVICE(dir));
}

type Bad = (where: string, problem: string) => never;

function decodeOrder(r: OrderRecord, grid: MarketGrid, where: string, bad: Bad): SimOrder {
  if (r.tick !== null && (r.tick < grid.minTick || r.tick > grid.maxTick)) bad(where, `order ${r.id}: tick ${r.tick} is outside the market's band`);
  return orderOf({
    seq: r.seq,
    clientOrderId: r.id,
    venueOrderId: r.vid,
    side: r.side,
    type: r.type,
    priceTick: r.tick ?? NaN,
    sizeLots: r.lots,
    filledLots: r.filled,
    status: r.status,
    queueAheadLots: r.queue,
    postOnly: r.postOnly,
    reduceOnly: r.reduceOnly,
    acceptedAt: r.acceptedAt ?? NaN,
    updatedAt: r.ts,
  });
}

function decodeFill(f: FillLine, grid: MarketGrid, where: string, bad: Bad): { fill: VenueFill; tick: number; lots: number } {
  const tick = grid.ticksExact(f.price);
  if (tick === null || tick < grid.minTick || tick > grid.maxTick) bad(where, `price ${f.price} is not a price of the market (tick ${grid.tick})`);
  const lots = grid.lotsExact(f.size);
  if (lots === null || lots < 1) bad(where, `size ${f.size} is not a positive multiple of the lot ${grid.lot}`);
  const fill: VenueFill = {
    tradeId: f.id,
    clientOrderId: f.cid,
    venueOrderId: f.vid,
    side: f.side,
    price: grid.price(tick!),
    size: grid.size(lots!),
    fee: f.fee,
    liquidity: f.liq,
    ts: f.ts,
  };
  return { fill, tick: tick!, lots: lots! };
}
