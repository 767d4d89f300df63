// The shared paper venue: the paper accounts of a scaled-out desk in a process of their own, so a strategy's
// account (orders, fills, position, market) stays where it is when the strategy moves to another runner
// process. Runners connect over socket.io (one connection per strategy, hello = its account, market, seed);
// a call is answered after the paper venue's own latency; orders, fills and books are pushed to every
// connection of the account. It also watches what rests: every resting order of ours carries its owner's
// lease epoch (sd-<tag>-e<epoch>-…), and two epochs resting at once on one account is an overlap of two
// owners' quote sets, and a new order of an older epoch than one already seen is a stale owner's: both are
// counted and logged (the failover test asserts there are none).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Server, type Socket } from "socket.io";
import { epochOfClientId } from "@/server/runner/client-ids";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { openPaperAccount, type PaperAccountVenue } from "@/server/venue/paper";
import type { VenueOrder } from "@/server/venue/types";
import { systemClock, type VenueClock } from "@/server/venue/clock";
import { argsSchema, CALLS, helloSchema, type Call, type Hello, type Reply } from "@/server/cluster/venue-wire";

export interface Overlap {
  account: string;
  epochs: number[];
  at: number;
}

interface Account {
  venue: PaperAccountVenue;
  /** Resting orders by client id: what the account shows the market now. */
  resting: Map<string, VenueOrder>;
  /** The epoch whose orders rest, and since when (null: none rests). */
  quoting: { epoch: number | null; since: number };
  /** The highest epoch that has placed an order here. */
  maxEpoch: number;
}

export interface PaperVenueServer {
  url: string;
  /** Epochs resting per account now. */
  resting(): Map<string, { epochs: number[]; orders: number }>;
  /** Each account's epoch quoting now and since when. */
  quoting(): Map<string, { epoch: number | null; since: number }>;
  overlaps: Overlap[];
  /** New orders of an epoch older than one that had already placed on the account (a stale owner's). */
  late: Overlap[];
  close(): Promise<void>;
}

export async function startPaperVenueServer(opts: {
  dir: string;
  port?: number;
  host?: string;
  fsync?: boolean;
  /** Wall time by default; tests pass a clock they move. */
  clock?: VenueClock;
  log?: (line: string) => void;
}): Promise<PaperVenueServer> {
  const log = opts.log ?? (() => {});
  const http = createServer();
  const io = new Server(http, { serveClient: false, transports: ["websocket"], maxHttpBufferSize: 1e6 });
  const accounts = new Map<string, Account>();
  const overlaps: Overlap[] = [];
  const late: Overlap[] = [];

  const watch = (key: string, acc: Account, o: VenueOrder) => {
    const epoch = epochOfClientId(o.clientOrderId);
    if (epoch !== null && !acc.resting.has(o.clientOrderId) && (o.status === "open" || o.status === "partially_filled")) {
      // A new order from an owner older than one that has already placed here: the fence failed.
      if (epoch < acc.maxEpoch) {
        late.push({ account: key, epochs: [epoch, acc.maxEpoch], at: Date.now() });
        log(`LATE ORDER on ${key}: epoch ${epoch} placed after epoch ${acc.maxEpoch}`);
      }
      acc.maxEpoch = Math.max(acc.maxEpoch, epoch);
    }
    if (o.status === "open" || o.status === "partially_filled") acc.resting.set(o.clientOrderId, o);
    else acc.resting.delete(o.clientOrderId);
    const epochs = [...new Set([...acc.resting.keys()].map(epochOfClientId).filter((e): e is number => e !== null))].sort((a, b) => a - b);
    if (epochs.length > 1) {
      overlaps.push({ account: key, epochs, at: Date.now() });
      log(`OVERLAP on ${key}: orders of epochs ${epochs.join(", ")} rest at once`);
    }
    const now = epochs.at(-1) ?? null;
    if (now !== acc.quoting.epoch) acc.quoting = { epoch: now, since: Date.now() };
  };

  const open = (h: Hello): Account => {
    const found = accounts.get(h.account);
    if (found) return found;
    const paper = PAPER_MARKETS[h.market];
    const clock = opts.clock ?? systemClock;
    const venue = openPaperAccount({ ...paper.venueOptions(h.seed, h.regime), clock, startTime: clock.now(), dir: join(opts.dir, h.account), fsync: opts.fsync ?? false });
    const acc: Account = { venue, resting: new Map(), quoting: { epoch: null, since: Date.now() }, maxEpoch: 0 };
    accounts.set(h.account, acc);
    venue.watchOrders((o) => {
      watch(h.account, acc, o);
      io.to(h.account).emit("order", o);
    });
    venue.watchFills((f) => io.to(h.account).emit("fill", f));
    return acc;
  };

  io.on("connection", (socket: Socket) => {
    const hello = helloSchema.safeParse(socket.handshake.auth);
    if (!hello.success) {
      socket.emit("refused", hello.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      socket.disconnect(true);
      return;
    }
    let acc: Account;
    try {
      acc = open(hello.data);
    } catch (err) {
      socket.emit("refused", (err as Error).message);
      socket.disconnect(true);
      return;
    }
    void socket.join(hello.data.account);
    // Books are pushed only to a connection that asks (a runner that quotes on book updates).
    let offBook: (() => void) | null = null;
    socket.on("watchBook", () => {
      offBook ??= acc.venue.watchOrderBook((b) => socket.emit("book", b));
    });
    socket.on("disconnect", () => offBook?.());
    socket.on("call", async (method: unknown, args: unknown, ack: unknown) => {
      if (typeof ack !== "function") return;
      const reply = (r: Reply) => (ack as (r: Reply) => void)(r);
      if (typeof method !== "string" || !(CALLS as readonly string[]).includes(method)) return reply({ ok: false, error: { name: "InvalidOrder", message: `unknown call ${String(method).slice(0, 40)}` } });
      const parsed = argsSchema[method as Call].safeParse(args);
      if (!parsed.success) return reply({ ok: false, error: { name: "InvalidOrder", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } });
      try {
        const fn = acc.venue[method as Call] as (...a: unknown[]) => Promise<unknown>;
        const value = await fn.apply(acc.venue, parsed.data);
        // createOrders / cancelOrders answer an error per leg: sent by name, like a thrown one.
        reply({ ok: true, value: Array.isArray(value) ? value.map((v) => (v instanceof Error ? { error: { name: v.name, message: v.message } } : v)) : (value ?? null) });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        reply({ ok: false, error: { name: e.name, message: e.message } });
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const addr = http.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    overlaps,
    late,
    resting: () => new Map([...accounts].map(([k, a]) => [k, { epochs: [...new Set([...a.resting.keys()].map(epochOfClientId))].filter((e): e is number => e !== null), orders: a.resting.size }])),
    quoting: () => new Map([...accounts].map(([k, a]) => [k, { ...a.quoting }])),
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      for (const a of accounts.values()) await a.venue.close();
    },
  };
}
