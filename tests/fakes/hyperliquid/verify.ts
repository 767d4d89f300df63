// Signature checks of the fake Hyperliquid, written against the venue's published scheme with viem and
// @msgpack/msgpack, so that a signing bug in ccxt (or in our adapter) shows up as a rejection here
// instead of being verified by the same code that produced it.
//
// L1 action: keccak256(msgpack(action) ‖ nonce (uint64 BE) ‖ 0x00 | 0x01 ‖ vaultAddress [‖ 0x00 ‖ expiresAfter])
// signed as the EIP-712 "phantom agent" Agent(string source, bytes32 connectionId) where source is "a" on
// mainnet and "b" on testnet, domain {name: "Exchange", version: "1", chainId: 1337, verifyingContract: 0x0}.
import { encode } from "@msgpack/msgpack";
import { keccak256, recoverTypedDataAddress, type Hex } from "viem";

export interface WireSignature {
  r: string;
  s: string;
  v: number;
}

const DOMAIN = { name: "Exchange", version: "1", chainId: 1337, verifyingContract: "0x0000000000000000000000000000000000000000" } as const;
const TYPES = { Agent: [{ name: "source", type: "string" }, { name: "connectionId", type: "bytes32" }] } as const;

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}

/** The action hash the venue signs over. Key order of `action` is part of the hash (msgpack keeps it). */
export function l1ActionHash(action: unknown, nonce: number, vaultAddress?: string, expiresAfter?: number): Hex {
  const parts: Uint8Array[] = [encode(action, { ignoreUndefined: true }), u64(nonce)];
  if (vaultAddress) parts.push(new Uint8Array([1]), hexBytes(vaultAddress));
  else parts.push(new Uint8Array([0]));
  if (expiresAfter !== undefined) parts.push(new Uint8Array([0]), u64(expiresAfter));
  return keccak256(Buffer.concat(parts));
}

/** r and s as 32-byte hex: clients (ccxt) drop leading zeros, about one signature in sixteen. */
function pad32(x: string): Hex | null {
  const h = x.replace(/^0x/i, "").toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(h)) return null;
  return `0x${h.padStart(64, "0")}`;
}

/** The address that signed this L1 action, or null when the signature is malformed. Lower-case hex. */
export async function recoverL1Signer(
  action: unknown,
  nonce: number,
  sig: WireSignature,
  isMainnet: boolean,
  vaultAddress?: string,
  expiresAfter?: number,
): Promise<string | null> {
  const r = pad32(String(sig?.r ?? ""));
  const s = pad32(String(sig?.s ?? ""));
  const v = Number(sig?.v);
  if (!r || !s || (v !== 27 && v !== 28)) return null;
  const signature = `${r}${s.slice(2)}${v.toString(16)}` as Hex;
  try {
    const addr = await recoverTypedDataAddress({
      domain: DOMAIN,
      types: TYPES,
      primaryType: "Agent",
      message: { source: isMainnet ? "a" : "b", connectionId: l1ActionHash(action, nonce, vaultAddress, expiresAfter) },
      signature,
    });
    return addr.toLowerCase();
  } catch {
    return null;
  }
}
