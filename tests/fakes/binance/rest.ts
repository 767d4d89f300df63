// The fake Binance's REST routes (/api/v3/…), answered in the venue's JSON shapes: decimals as strings
// with the symbol's precision, orders as GET /api/v3/order prints them, errors as {code, msg} with HTTP 400.
import type Decimal from "decimal.js";
import { BinanceError, type Engine, type Order, type SymbolSpec } from "./engine";

const fix = (d: Decimal, places = 8) => d.toFixed(places);

export function orderJson(o: Order) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fix(o.price),
    origQty: fix(o.origQty),
    executedQty: fix(o.executedQty),
    cummulativeQuoteQty: fix(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.type === "MARKET" ? "GTC" : "GTC",
    type: o.type,
    side: o.side,
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
}

function symbolJson(s: SymbolSpec) {
  return {
    symbol: s.symbol,
    status: "TRADING",
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: s.minPrice, maxPrice: s.maxPrice, tickSize: s.tickSize },
      { filterType: "LOT_SIZE", minQty: s.minQty, maxQty: "9000.00000000", stepSize: s.stepSize },
      { filterType: "NOTIONAL", minNotional: s.minNotional, applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

export function exchangeInfo(engine: Engine, now: number) {
  return {
    timezone: "UTC",
    serverTime: now,
    rateLimits: [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 }],
    exchangeFilters: [],
    symbols: engine.opts.symbols.map(symbolJson),
  };
}

function need(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === "") throw new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  return v;
}

function orderRef(params: URLSearchParams): { orderId?: number; clientOrderId?: string } {
  const id = params.get("orderId");
  const cid = params.get("origClientOrderId");
  if (id) return { orderId: Number(id) };
  if (cid) return { clientOrderId: cid };
  throw new BinanceError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

/** A signed request of `user`: the answer, or a BinanceError. */
export function handleSigned(engine: Engine, user: string, method: string, path: string, params: URLSearchParams, now: number): unknown {
  const route = `${method} ${path}`;
  if (route === "POST /api/v3/order") {
    const o = engine.place(user, {
      symbol: need(params, "symbol"),
      side: need(params, "side"),
      type: need(params, "type"),
      price: params.get("price") ?? undefined,
      quantity: params.get("quantity") ?? undefined,
      newClientOrderId: params.get("newClientOrderId") ?? undefined,
      timeInForce: params.get("timeInForce") ?? undefined,
    });
    const fills = engine.myTrades(user, o.symbol).filter((t) => t.orderId === o.orderId).map((t) => ({ price: t.price, qty: t.qty, commission: t.commission, commissionAsset: t.commissionAsset, tradeId: t.id }));
    const j = orderJson(o);
    return { symbol: j.symbol, orderId: j.orderId, orderListId: -1, clientOrderId: j.clientOrderId, transactTime: now, price: j.price, origQty: j.origQty, executedQty: j.executedQty, origQuoteOrderQty: j.origQuoteOrderQty, cummulativeQuoteQty: j.cummulativeQuoteQty, status: j.status, timeInForce: j.timeInForce, type: j.type, side: j.side, workingTime: j.workingTime, selfTradePreventionMode: j.selfTradePreventionMode, fills };
  }
  if (route === "GET /api/v3/order") {
    const o = engine.find(user, need(params, "symbol"), orderRef(params));
    if (!o) throw new BinanceError(-2013, "Order does not exist.");
    return orderJson(o);
  }
  if (route === "DELETE /api/v3/order") {
    const symbol = need(params, "symbol");
    const o = engine.cancel(user, engine.find(user, symbol, orderRef(params)));
    // The instant the engine cancelled it, which a later GET reports as updateTime (Binance gives both the one
    // time); the request's arrival time could be a millisecond earlier.
    return { ...orderJson(o), origClientOrderId: o.clientOrderId, clientOrderId: params.get("newClientOrderId") ?? `cancel-${o.orderId}`, transactTime: o.updateTime };
  }
  if (route === "GET /api/v3/openOrders") return engine.openOrders(user, params.get("symbol") ?? undefined).map(orderJson);
  if (route === "DELETE /api/v3/openOrders") {
    const open = engine.openOrders(user, need(params, "symbol"));
    if (!open.length) throw new BinanceError(-2011, "Unknown order sent.");
    return open.map((o) => ({ ...orderJson(engine.cancel(user, o)), origClientOrderId: o.clientOrderId }));
  }
  if (route === "GET /api/v3/myTrades") {
    const fromId = params.get("fromId");
    const start = params.get("startTime");
    if (fromId !== null && (start !== null || params.get("endTime") !== null)) throw new BinanceError(-1128, "Combination of optional parameters invalid.");
    // A startTime alone answers the next 24 hours, as the venue does.
    const since = Number(start ?? 0);
    const end = params.get("endTime") !== null ? Number(params.get("endTime")) : start !== null ? since + 86_400_000 : Infinity;
    if (end - since > 86_400_000 && start !== null) throw new BinanceError(-1127, "More than 24 hours between startTime and endTime.");
    const limit = Math.min(1000, Number(params.get("limit") ?? 500));
    return engine
      .myTrades(user, need(params, "symbol"))
      .filter((t) => t.time >= since && t.time <= end && (fromId === null || t.id >= Number(fromId)))
      .slice(0, limit);
  }
  if (route === "GET /api/v3/account") {
    return {
      makerCommission: Number(engine.opts.makerFeeRate) * 10_000,
      takerCommission: Number(engine.opts.takerFeeRate) * 10_000,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: engine.opts.makerFeeRate, taker: engine.opts.takerFeeRate, buyer: "0.00000000", seller: "0.00000000" },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: now,
      accountType: "SPOT",
      balances: engine.assets(user).map(([asset, free]) => ({ asset, free: free.toString(), locked: "0.00000000" })),
      permissions: ["SPOT"],
      uid: 1,
    };
  }
  throw new BinanceError(-1000, `Unknown route ${route}`, 404);
}
