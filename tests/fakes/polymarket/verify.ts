// Signature checks of the fake Polymarket CLOB, written from the venue's published scheme with viem and
// node:crypto, not with the client package, so that a signing bug in the client (or in our adapter)
// shows up as a refusal here instead of being verified by the code that produced it.
// - L1 (API key derivation): EIP-712 ClobAuth(address address,string timestamp,uint256 nonce,string message),
//   domain {name: "ClobAuthDomain", version: "1", chainId}.
// - L2 (trading): POLY_SIGNATURE = base64url(HMAC-SHA256(base64url-decoded secret, ts + METHOD + path + body)),
//   path without the query string, "=" padding kept.
// - V2 order: EIP-712 Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,
//   uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder),
//   domain {name: "Polymarket CTF Exchange", version: "2", chainId, verifyingContract: the (neg-risk) exchange}.
import { createHmac, timingSafeEqual } from "node:crypto";
import { hashTypedData, recoverTypedDataAddress, type Hex } from "viem";

export const CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet";

/** Polygon's V2 exchanges; the fake signs nothing itself, it only checks. */
export const EXCHANGE_V2 = "0xE111180000d2663C0091e4f400237545B87B996B";
export const NEG_RISK_EXCHANGE_V2 = "0xe2222d279d744050d28e00520010520000310F59";

export async function recoverClobAuth(chainId: number, address: string, timestamp: string, nonce: string, signature: string): Promise<string | null> {
  try {
    const signer = await recoverTypedDataAddress({
      domain: { name: "ClobAuthDomain", version: "1", chainId },
      types: { ClobAuth: [{ name: "address", type: "address" }, { name: "timestamp", type: "string" }, { name: "nonce", type: "uint256" }, { name: "message", type: "string" }] },
      primaryType: "ClobAuth",
      message: { address: address as Hex, timestamp, nonce: BigInt(nonce), message: CLOB_AUTH_MESSAGE },
      signature: signature as Hex,
    });
    return signer.toLowerCase();
  } catch {
    return null;
  }
}

export function l2Signature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return createHmac("sha256", key).update(`${timestamp}${method}${path}${body}`).digest("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

export function l2SignatureValid(secret: string, timestamp: string, method: string, path: string, body: string, given: string): boolean {
  const want = Buffer.from(l2Signature(secret, timestamp, method, path, body));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface WireOrderV2 {
  salt: number | string;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: "BUY" | "SELL";
  signatureType: number;
  timestamp: string;
  expiration: string;
  metadata: string;
  builder: string;
  signature: string;
}

function typed(o: WireOrderV2, chainId: number, negRisk: boolean) {
  return {
    domain: { name: "Polymarket CTF Exchange", version: "2", chainId, verifyingContract: (negRisk ? NEG_RISK_EXCHANGE_V2 : EXCHANGE_V2) as Hex },
    types: {
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
    },
    primaryType: "Order" as const,
    message: {
      salt: BigInt(o.salt),
      maker: o.maker as Hex,
      signer: o.signer as Hex,
      tokenId: BigInt(o.tokenId),
      makerAmount: BigInt(o.makerAmount),
      takerAmount: BigInt(o.takerAmount),
      side: o.side === "BUY" ? 0 : 1,
      signatureType: o.signatureType,
      timestamp: BigInt(o.timestamp),
      metadata: o.metadata as Hex,
      builder: o.builder as Hex,
    },
  };
}

/** The order's hash (its id on the venue). */
export function v2OrderHash(o: WireOrderV2, chainId: number, negRisk: boolean): string {
  return hashTypedData(typed(o, chainId, negRisk)).toLowerCase();
}

/** The address that signed the order (EOA signature types), or null. */
export async function recoverOrderSigner(o: WireOrderV2, chainId: number, negRisk: boolean): Promise<string | null> {
  try {
    return (await recoverTypedDataAddress({ ...typed(o, chainId, negRisk), signature: o.signature as Hex })).toLowerCase();
  } catch {
    return null;
  }
}
