// A paper account: the paper venue as an account that outlives the process. Its orders (resting ones with
// their queue position, finished ones it remembers), fills, position, cash and id counters, and the
// simulated market, live in a folder (layout in paper/README.md) and continue after a restart.
//
// Durability: every account change is appended with writeSync to journal.jsonl (orders, adjustments) or
// fills.jsonl (fills), numbered in one sequence, BEFORE the venue answers the call or delivers the fill.
// A killed process loses nothing written (the page cache survives it; `fsync` also covers OS crashes).
// Compaction rewrites snapshot.json (the account through a sequence number) and market.json, and empties
// the journal; between compactions the market is checkpointed into the journal every marketCheckpointMs.
// Only changes to OUR orders and fills are written: the exogenous market events, millions a second, never.
import { closeSync, fsyncSync, mkdirSync, openSync, ftruncateSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SimOrder } from "../matching";
import type { AccountLog, AccountState } from "../sim-account";
import type { VenueFill } from "../types";
import {
  ACCOUNT_FORMAT,
  ACCOUNT_VERSION,
  FILES,
  PaperAccountError,
  marketIdentityOf,
  takeLock,
  writeAtomic,
  type MarketIdentity,
  type OrderRecord,
} from "./account-files";
import { loadAccount, type LoadedAccount } from "./account-load";
import { PaperVenue, type PaperMarketState, type PaperVenueOptions } from "./paper-venue";

export interface PaperAccountOptions extends PaperVenueOptions {
  /** The account's folder (created when missing). One folder, one account: never share it between markets or seeds. */
  dir: string;
  /** fsync every record, so an OS crash loses nothing either (a process kill never does). Default false. */
  fsync?: boolean;
  /** Journal records between snapshots; at least the number of orders the snapshot holds. Default 10 000. */
  compactEvery?: number;
  /** Venue time between market checkpoints, ms. Default 10 000. */
  marketCheckpointMs?: number;
}

/** Opens the paper account in `opts.dir`: restores it when the folder holds one, else starts a new one there. */
export function openPaperAccount(opts: PaperAccountOptions): PaperAccountVenue {
  return PaperAccountVenue.open(opts);
}

export class PaperAccountVenue extends PaperVenue {
  /** The account's folder, absolute. */
  readonly dir: string;
  /** True when the folder held an account this venue continues. */
  readonly restored: boolean;
  private readonly writer: AccountWriter;

  static open(opts: PaperAccountOptions): PaperAccountVenue {
    const dir = resolve(opts.dir);
    mkdirSync(dir, { recursive: true });
    const release = takeLock(dir);
    try {
      const id = opts.id ?? "paper";
      const identity = { venue: id, seed: opts.seed, market: marketIdentityOf(opts.market) };
      return new PaperAccountVenue({ ...opts, id, dir }, loadAccount(dir, identity, opts.market), release);
    } catch (err) {
      release();
      throw err;
    }
  }

  private constructor(opts: PaperAccountOptions & { id: string }, loaded: LoadedAccount | null, release: () => void) {
    super(opts);
    this.dir = opts.dir;
    this.restored = loaded !== null;
    if (loaded) {
      this.account.load(loaded.state, loaded.history);
      for (const { event, where } of loaded.events) {
        try {
          this.account.replay(event);
        } catch (err) {
          throw new PaperAccountError(where, (err as Error).message, loaded.advice);
        }
      }
      this.restoreMarket(loaded.market);
    }
    const header = { format: ACCOUNT_FORMAT, version: ACCOUNT_VERSION, venue: opts.id, seed: opts.seed, market: marketIdentityOf(opts.market) };
    this.writer = new AccountWriter(
      this.dir,
      header,
      loaded?.seq ?? 0,
      { account: () => this.account.state(), market: () => this.marketState() },
      { fsync: opts.fsync ?? false, compactEvery: opts.compactEvery ?? 10_000, marketCheckpointMs: opts.marketCheckpointMs ?? 10_000 },
      release,
      (why) => this.fail(why),
    );
    this.account.log = this.writer;
    this.account.settleInterrupted(this.simNow);
    // Start from a fresh snapshot: the journal replayed above is folded in and the market is saved at its new time.
    this.writer.compact(this.simNow);
  }

  protected override afterAdvance(): void {
    this.writer.checkpoint(this.simNow);
  }

  /** Settles calls in flight, then saves the account and the market and releases the folder. */
  override async close(): Promise<void> {
    await super.close();
    this.writer.close(this.simNow);
  }
}

interface StateSource {
  account(): AccountState;
  market(): PaperMarketState;
}

type Header = { format: string; version: number; venue: string; seed: number; market: MarketIdentity };

/** The AccountLog of a paper account: appends records, compacts, checkpoints the market. */
class AccountWriter implements AccountLog {
  private failed = false;
  private closed = false;
  private readonly journalFd: number;
  private readonly fillsFd: number;
  private sinceSnapshot = 0;
  private compactAt: number;
  private nextMarketAt = -Infinity;

  constructor(
    private readonly dir: string,
    private readonly header: Header,
    private seq: number,
    private readonly src: StateSource,
    private readonly opts: { fsync: boolean; compactEvery: number; marketCheckpointMs: number },
    private readonly release: () => void,
    private readonly onFail: (why: string) => void,
  ) {
    this.journalFd = openSync(join(dir, FILES.journal), "a", 0o600);
    this.fillsFd = openSync(join(dir, FILES.fills), "a", 0o600);
    this.compactAt = opts.compactEvery;
  }

  order(o: SimOrder): void {
    this.append(this.journalFd, { s: this.seq + 1, k: "order", o: orderRecord(o) });
  }

  fill(f: VenueFill, tradeSeq: number): void {
    this.append(this.fillsFd, {
      s: this.seq + 1,
      t: tradeSeq,
      id: f.tradeId,
      cid: f.clientOrderId,
      vid: f.venueOrderId,
      side: f.side,
      price: f.price.toString(),
      size: f.size.toString(),
      fee: f.fee.toString(),
      liq: f.liquidity,
      ts: f.ts,
    });
  }

  adjust(lots: number, at: number): void {
    this.append(this.journalFd, { s: this.seq + 1, k: "adjust", lots, ts: at });
  }

  private append(fd: number, rec: object): void {
    if (this.failed || this.closed) return;
    try {
      writeSync(fd, JSON.stringify(rec) + "\n");
      if (this.opts.fsync) fsyncSync(fd);
      this.seq++;
      this.sinceSnapshot++;
    } catch (err) {
      this.failWith(`its account log in ${this.dir} cannot be written (${(err as Error).message})`);
    }
  }

  private failWith(why: string): void {
    this.failed = true;
    this.onFail(why);
  }

  /** After each advance of the venue: compacts once enough has been logged, else checkpoints the market when due. */
  checkpoint(now: number): void {
    if (this.failed || this.closed) return;
    if (this.sinceSnapshot >= this.compactAt) this.compact(now);
    else if (now >= this.nextMarketAt) {
      // A journal record, not a new market.json: appending costs microseconds, replacing a file (rename) about a millisecond.
      this.append(this.journalFd, { s: this.seq + 1, k: "market", m: this.src.market() });
      this.nextMarketAt = now + this.opts.marketCheckpointMs;
    }
  }

  /** Snapshot of the account through the last record, the market, then an empty journal. */
  compact(now: number): void {
    if (this.failed || this.closed) return;
    try {
      writeAtomic(this.dir, FILES.market, JSON.stringify({ ...this.header, state: this.src.market() }), this.opts.fsync);
      this.nextMarketAt = now + this.opts.marketCheckpointMs;
      const a = this.src.account();
      const snapshot = {
        ...this.header,
        seq: this.seq,
        savedAt: now,
        orderSeq: a.orderSeq,
        tradeSeq: a.tradeSeq,
        positionLots: a.positionLots,
        cash: a.cash.toString(),
        orders: a.orders.map(orderRecord),
        finished: a.finished,
        resting: { bids: a.restingBids, asks: a.restingAsks },
      };
      writeAtomic(this.dir, FILES.snapshot, JSON.stringify(snapshot), this.opts.fsync);
      // Records up to `seq` are in the snapshot now; should this truncation not happen, loading skips them.
      ftruncateSync(this.journalFd, 0);
      if (this.opts.fsync) fsyncSync(this.journalFd);
      this.sinceSnapshot = 0;
      // Rewriting the snapshot costs its size: wait for as many records, so the cost per record stays flat.
      this.compactAt = Math.max(this.opts.compactEvery, a.orders.length);
    } catch (err) {
      this.failWith(`its account snapshot in ${this.dir} cannot be written (${(err as Error).message})`);
    }
  }

  close(now: number): void {
    if (this.closed) return;
    this.compact(now);
    this.closed = true;
    closeSync(this.journalFd);
    closeSync(this.fillsFd);
    this.release();
  }
}

function orderRecord(o: SimOrder): OrderRecord {
  return {
    seq: o.seq,
    id: o.clientOrderId,
    vid: o.venueOrderId,
    side: o.side,
    type: o.type,
    tick: Number.isNaN(o.priceTick) ? null : o.priceTick,
    lots: o.sizeLots,
    filled: o.filledLots,
    status: o.status,
    queue: o.queueAheadLots,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    acceptedAt: Number.isNaN(o.acceptedAt) ? null : o.acceptedAt,
    ts: o.updatedAt,
  };
}
