// POST /info of the fake: the read requests a market maker makes, answered in the venue's JSON shapes
// (strings for decimals, "B"/"A" sides, orderStatus's {status: "order" | "unknownOid"}).
import Decimal from "decimal.js";
import type { Engine, Order } from "./engine";

const pxStr = (d: Decimal) => (d.isInteger() ? d.toFixed(1) : d.toString());

export function frontendOrder(o: Order) {
  return {
    coin: o.coin,
    side: o.side,
    limitPx: pxStr(o.px),
    sz: o.sz.toString(),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: o.origSz.toString(),
    triggerCondition: "N/A",
    isTrigger: false,
    triggerPx: "0.0",
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType: "Limit",
    tif: o.tif,
    cloid: o.cloid,
  };
}

export function orderUpdate(o: Order) {
  return {
    order: { coin: o.coin, side: o.side, limitPx: pxStr(o.px), sz: o.sz.toString(), oid: o.oid, timestamp: o.timestamp, origSz: o.origSz.toString(), ...(o.cloid ? { cloid: o.cloid } : {}) },
    status: o.status,
    statusTimestamp: o.statusTimestamp,
  };
}

export function l2Book(engine: Engine, coin: string, now: number) {
  return { coin, time: now, levels: [engine.levels(coin, "B"), engine.levels(coin, "A")] };
}

function clearinghouseState(engine: Engine, user: string, now: number) {
  const positions = engine.coins
    .map((c) => ({ c, szi: engine.position(user, c.name) }))
    .filter((p) => !p.szi.isZero())
    .map(({ c, szi }) => {
      const value = szi.abs().mul(c.mark);
      return {
        type: "oneWay",
        position: {
          coin: c.name,
          szi: szi.toString(),
          leverage: { type: "cross", value: c.maxLeverage },
          entryPx: c.mark,
          positionValue: value.toString(),
          unrealizedPnl: "0.0",
          returnOnEquity: "0.0",
          liquidationPx: null,
          marginUsed: value.div(c.maxLeverage).toString(),
          maxLeverage: c.maxLeverage,
          cumFunding: { allTime: "0.0", sinceOpen: "0.0", sinceChange: "0.0" },
        },
      };
    });
  const ntl = positions.reduce((a, p) => a.add(p.position.positionValue), new Decimal(0));
  const used = positions.reduce((a, p) => a.add(p.position.marginUsed), new Decimal(0));
  const value = engine.accountValue(user);
  const summary = { accountValue: value.toString(), totalNtlPos: ntl.toString(), totalRawUsd: engine.account(user).rawUsd.toString(), totalMarginUsed: used.toString() };
  return { marginSummary: summary, crossMarginSummary: summary, crossMaintenanceMarginUsed: used.div(2).toString(), withdrawable: Decimal.max(0, value.sub(used)).toString(), assetPositions: positions, time: now };
}

export class InfoError extends Error {}

/** One /info request; throws InfoError for a request the venue would answer 422 to. */
export function handleInfo(engine: Engine, body: Record<string, unknown>, now: number, agents: Map<string, string> = new Map()): unknown {
  const user = typeof body.user === "string" ? body.user.toLowerCase() : "";
  switch (body.type) {
    case "meta":
      return { universe: engine.coins.map((c) => ({ name: c.name, szDecimals: c.szDecimals, maxLeverage: c.maxLeverage, marginTableId: c.maxLeverage })) };
    case "metaAndAssetCtxs":
      return [
        { universe: engine.coins.map((c) => ({ name: c.name, szDecimals: c.szDecimals, maxLeverage: c.maxLeverage, marginTableId: c.maxLeverage })) },
        engine.coins.map((c) => ({ funding: "0.0000125", openInterest: "1000.0", prevDayPx: c.mark, dayNtlVlm: "1000000.0", premium: "0.0", oraclePx: c.mark, markPx: c.mark, midPx: c.mark, impactPxs: [c.mark, c.mark], dayBaseVlm: "500.0" })),
      ];
    case "spotMeta":
      return { universe: [], tokens: [] };
    case "perpDexs":
      return [null];
    case "userRole": {
      const owner = agents.get(user);
      if (!owner) return { role: "missing" };
      return owner === user ? { role: "user" } : { role: "agent", data: { user: owner } };
    }
    case "userAbstraction":
      return "default";
    case "l2Book": {
      if (!engine.coin(String(body.coin))) return null;
      return l2Book(engine, String(body.coin), now);
    }
    case "openOrders":
    case "frontendOpenOrders":
      return engine.openOrders(user).map(frontendOrder);
    case "orderStatus": {
      const oid = body.oid;
      const o = typeof oid === "string" && oid.startsWith("0x") ? engine.byCloid(user, oid) : engine.orders.get(Number(oid));
      if (!o || o.user !== user) return { status: "unknownOid" };
      return { status: "order", order: { order: frontendOrder(o), status: o.status, statusTimestamp: o.statusTimestamp } };
    }
    case "userFills":
      return engine.fills(user).slice(-2000).reverse();
    case "userFillsByTime": {
      const start = Number(body.startTime ?? 0);
      const end = body.endTime === undefined || body.endTime === null ? Infinity : Number(body.endTime);
      // The venue answers oldest first here, at most 2000 per call.
      return engine.fills(user).filter((f) => f.time >= start && f.time <= end).slice(0, 2000);
    }
    case "clearinghouseState":
      return clearinghouseState(engine, user, now);
    default:
      throw new InfoError(`Failed to deserialize the JSON body into the target type: unknown variant \`${String(body.type)}\``);
  }
}
