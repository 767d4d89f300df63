// A strategy's paper account on the shared paper venue (paper-venue-server.ts), seen from a runner process:
// the Venue interface over socket.io. Every call has the runner's venue deadline (past it: RequestTimeout,
// outcome unknown, as any venue's); everything that comes back is parsed with the venue schemas; an error
// comes back by its class's name. `market` is the paper preset's grid, as in-process (the same code opens
// the account on the venue's side); loadMarkets asks the venue.
import type { z } from "zod";
import { io, type Socket } from "socket.io-client";
import type { MarketSpec, OrderBook } from "@/lib/market";
import * as errors from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
import type { CreateOrderRequest, MarketRules, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "@/server/venue/types";
import { balanceSchema, errorSchema, fillSchema, marketRulesSchema, orderBookSchema, orderSchema, positionSchema, type Call, type Hello } from "@/server/cluster/venue-wire";
import { z as zod } from "zod";

const ERRORS: Record<string, new (message: string, opts?: errors.VenueErrorOptions) => errors.VenueError> = {
  NetworkError: errors.NetworkError,
  RequestTimeout: errors.RequestTimeout,
  VenueUnavailable: errors.VenueUnavailable,
  MarketDataDown: errors.MarketDataDown,
  RateLimitExceeded: errors.RateLimitExceeded,
  ExchangeError: errors.ExchangeError,
  InvalidOrder: errors.InvalidOrder,
  OrderNotFound: errors.OrderNotFound,
  InsufficientFunds: errors.InsufficientFunds,
  PostOnlyWouldCross: errors.PostOnlyWouldCross,
  OrderRejected: errors.OrderRejected,
  BadResponse: errors.BadResponse,
  AuthenticationError: errors.AuthenticationError,
};

const legSchema = zod.union([zod.object({ error: errorSchema }), zod.unknown()]);

export class RemoteVenue implements Venue {
  readonly id = "paper";
  private booksAsked = false;
  private constructor(
    private readonly socket: Socket,
    readonly market: MarketSpec,
    private readonly deadlineMs: number,
  ) {}

  /** Connects (within the deadline) to the shared paper venue at `url` for one strategy's account. */
  static async open(url: string, hello: Hello, market: MarketSpec, deadlineMs: number): Promise<RemoteVenue> {
    const socket = io(url, { auth: hello, transports: ["websocket"], reconnectionDelay: 200, reconnectionDelayMax: 2_000, timeout: deadlineMs });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new errors.VenueUnavailable(`shared paper venue at ${url}: no connection within ${deadlineMs} ms`)), deadlineMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.close();
        reject(err);
      };
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("refused", (why: unknown) => fail(new errors.ExchangeError(`shared paper venue refused account ${hello.account}: ${String(why).slice(0, 300)}`)));
    });
    return new RemoteVenue(socket, market, deadlineMs);
  }

  private async call<S extends z.ZodType>(method: Call, args: unknown[], schema: S): Promise<z.output<S>> {
    let reply: unknown;
    try {
      reply = await this.socket.timeout(this.deadlineMs).emitWithAck("call", method, args);
    } catch {
      throw new errors.RequestTimeout(`${method}: no answer from the shared paper venue within ${this.deadlineMs} ms`, { venue: this.id });
    }
    const r = parseVenueData(zod.union([zod.object({ ok: zod.literal(true), value: zod.unknown() }), zod.object({ ok: zod.literal(false), error: errorSchema })]), reply, method, this.id);
    if (!r.ok) throw this.errorOf(r.error);
    return parseVenueData(schema, r.value, method, this.id);
  }

  private errorOf(e: { name: string; message: string }): errors.VenueError {
    const Cls = ERRORS[e.name] ?? errors.ExchangeError;
    return new Cls(e.message, { venue: this.id });
  }

  private legs(method: Call, args: unknown[]): Promise<(VenueOrder | errors.VenueError)[]> {
    return this.call(method, args, zod.array(legSchema)).then((legs) =>
      legs.map((leg) => {
        const err = zod.object({ error: errorSchema }).safeParse(leg);
        return err.success ? this.errorOf(err.data.error) : parseVenueData(orderSchema, leg, method, this.id);
      }),
    );
  }

  loadMarkets(): Promise<MarketRules> {
    return this.call("loadMarkets", [], marketRulesSchema);
  }
  fetchOrderBook(): Promise<OrderBook> {
    return this.call("fetchOrderBook", [], orderBookSchema);
  }
  fetchOpenOrders(): Promise<VenueOrder[]> {
    return this.call("fetchOpenOrders", [], zod.array(orderSchema));
  }
  fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    return this.call("fetchOrder", [clientOrderId], orderSchema);
  }
  fetchPosition(): Promise<VenuePosition> {
    return this.call("fetchPosition", [], positionSchema);
  }
  fetchBalance(): Promise<VenueBalance> {
    return this.call("fetchBalance", [], balanceSchema);
  }
  fetchMyTrades(opts?: { since?: number }): Promise<VenueFill[]> {
    return this.call("fetchMyTrades", opts ? [opts] : [], zod.array(fillSchema));
  }
  createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    return this.call("createOrder", [req], orderSchema);
  }
  cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    return this.call("cancelOrder", [clientOrderId], orderSchema);
  }
  createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | errors.VenueError)[]> {
    return this.legs("createOrders", [reqs]);
  }
  cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | errors.VenueError)[]> {
    return this.legs("cancelOrders", [clientOrderIds]);
  }
  cancelAllOrders(): Promise<VenueOrder[]> {
    return this.call("cancelAllOrders", [], zod.array(orderSchema));
  }
  async armDeadman(ms: number): Promise<void> {
    await this.call("armDeadman", [ms], zod.unknown());
  }
  async disarmDeadman(): Promise<void> {
    await this.call("disarmDeadman", [], zod.unknown());
  }

  watchConnection(listener: (state: "connected" | "disconnected") => void): () => void {
    const up = () => listener("connected");
    const down = () => listener("disconnected");
    this.socket.on("connect", up);
    this.socket.on("disconnect", down);
    return () => {
      this.socket.off("connect", up);
      this.socket.off("disconnect", down);
    };
  }
  /** Books are pushed once asked for (a paper runner reads one each tick and does not ask). */
  watchOrderBook(listener: (book: OrderBook) => void): () => void {
    if (!this.booksAsked) {
      this.booksAsked = true;
      this.socket.emit("watchBook");
      // A reconnected socket is a new connection on the venue's side: ask again.
      this.socket.on("connect", () => this.socket.emit("watchBook"));
    }
    return this.watch("book", orderBookSchema, listener);
  }
  watchOrders(listener: (order: VenueOrder) => void): () => void {
    return this.watch("order", orderSchema, listener);
  }
  watchFills(listener: (fill: VenueFill) => void): () => void {
    return this.watch("fill", fillSchema, listener);
  }
  private watch<S extends z.ZodType>(event: string, schema: S, listener: (v: z.output<S>) => void): () => void {
    const on = (raw: unknown) => {
      const r = schema.safeParse(raw);
      if (r.success) listener(r.data);
      // A malformed push is dropped: reconciliation reads the account again over REST-like calls.
    };
    this.socket.on(event, on);
    return () => this.socket.off(event, on);
  }

  async close(): Promise<void> {
    this.socket.close();
  }
}
