// Building and signing a V2 order with the client's OrderBuilder, then checking what it produced against
// exact arithmetic: the client converts price × size with floats (getOrderRawAmounts), so the amounts it
// signs are compared with the Decimal ones before anything is sent. The order's id on the venue is its
// EIP-712 hash, computed here before the request leaves: an order whose answer is lost can be asked about.
import Decimal from "decimal.js";
import { OrderBuilder, OrderType, Side as ClobSide, getContractConfig, orderToJsonV2, type SignedOrder } from "@polymarket/clob-client-v2";
import { hashTypedData, type Hex, type WalletClient } from "viem";
import type { Side } from "@/lib/market";
import { InvalidOrder } from "@/server/venue/errors";
import { VENUE } from "./errors";

type SignedOrderV2 = Extract<SignedOrder, { builder: string }>;

export const ORDER_TYPES = {
  Order: [
    { name: "salt", type: "uint256" },
    { name: "maker", type: "address" },
    { name: "signer", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "makerAmount", type: "uint256" },
    { name: "takerAmount", type: "uint256" },
    { name: "side", type: "uint8" },
    { name: "signatureType", type: "uint8" },
    { name: "timestamp", type: "uint256" },
    { name: "metadata", type: "bytes32" },
    { name: "builder", type: "bytes32" },
  ],
} as const;

/** The exchange contract an order is signed for (the EIP-712 verifyingContract). */
export function exchangeAddress(chainId: number, negRisk: boolean): Hex {
  const c = getContractConfig(chainId);
  return (negRisk ? c.negRiskExchangeV2 : c.exchangeV2) as Hex;
}

/** The venue's order id: the EIP-712 hash of the signed struct (expiration is sent but not signed). */
export function orderHash(o: SignedOrderV2, chainId: number, negRisk: boolean): string {
  return hashTypedData({
    domain: { name: "Polymarket CTF Exchange", version: "2", chainId, verifyingContract: exchangeAddress(chainId, negRisk) },
    types: ORDER_TYPES,
    primaryType: "Order",
    message: {
      salt: BigInt(o.salt),
      maker: o.maker as Hex,
      signer: o.signer as Hex,
      tokenId: BigInt(o.tokenId),
      makerAmount: BigInt(o.makerAmount),
      takerAmount: BigInt(o.takerAmount),
      side: String(o.side) === "BUY" ? 0 : 1,
      signatureType: Number(o.signatureType),
      timestamp: BigInt(o.timestamp),
      metadata: o.metadata as Hex,
      builder: o.builder as Hex,
    },
  }).toLowerCase();
}

const UNIT = new Decimal(1_000_000);

/** Maker and taker amounts in 6-decimal units: a BUY gives collateral for shares, a SELL shares for collateral. */
export function expectedAmounts(side: Side, price: Decimal, size: Decimal): { maker: string; taker: string } {
  const shares = size.mul(UNIT);
  const cash = price.mul(size).mul(UNIT);
  if (!shares.isInteger() || !cash.isInteger()) throw new InvalidOrder(`price ${price} × size ${size} is finer than the venue's 6 decimals`, { venue: VENUE });
  return side === "buy" ? { maker: cash.toFixed(0), taker: shares.toFixed(0) } : { maker: shares.toFixed(0), taker: cash.toFixed(0) };
}

export interface SignArgs {
  tokenId: string;
  side: Side;
  price: Decimal;
  size: Decimal;
  tickSize: Decimal;
  negRisk: boolean;
  /** Unix seconds; 0 = none (GTC). */
  expiration?: number;
}

export class OrderSigner {
  private readonly builder: OrderBuilder;

  constructor(
    signer: WalletClient,
    readonly chainId: number,
    signatureType: number,
    funderAddress: string | undefined,
  ) {
    this.builder = new OrderBuilder(signer as never, chainId as never, signatureType as never, funderAddress);
  }

  async sign(a: SignArgs): Promise<{ order: SignedOrderV2; hash: string }> {
    const tick = a.tickSize.toString() as never;
    const signed = (await this.builder.buildOrder(
      { tokenID: a.tokenId, price: a.price.toNumber(), size: a.size.toNumber(), side: a.side === "buy" ? ClobSide.BUY : ClobSide.SELL, expiration: a.expiration ?? 0 },
      { tickSize: tick, negRisk: a.negRisk },
      2,
    )) as SignedOrderV2;
    const want = expectedAmounts(a.side, a.price, a.size);
    if (signed.makerAmount !== want.maker || signed.takerAmount !== want.taker) {
      throw new InvalidOrder(`the client signed amounts ${signed.makerAmount}/${signed.takerAmount} for ${a.side} ${a.size} @ ${a.price}, expected ${want.maker}/${want.taker}: not sent`, { venue: VENUE });
    }
    return { order: signed, hash: orderHash(signed, this.chainId, a.negRisk) };
  }
}

/** The POST /order body, as the client would send it. */
export function orderBody(order: SignedOrderV2, apiKey: string, type: "GTC" | "GTD" | "FAK" | "FOK", postOnly: boolean): unknown {
  return orderToJsonV2(order, apiKey, OrderType[type], postOnly, false);
}
