// Signing Hyperliquid's L1 actions fast, off ccxt's generic path. The venue verifies an EIP-712 "phantom
// agent" Agent(string source, bytes32 connectionId) in the domain {name "Exchange", version "1", chainId
// 1337, verifyingContract 0x0}, recovering the signer from (r, s, v). What is signed is unchanged:
// connectionId = keccak(ccxt's msgpack of the action ‖ nonce ‖ 0x00), digest = keccak(0x1901 ‖ domain
// separator ‖ keccak(type hash ‖ keccak(source) ‖ connectionId)); a test checks the digest against ccxt's
// and the fake recovers the signer with an implementation independent of both.
//
// Where the time goes, and why this is fast (a signature is on the way from every book to its order):
// - the domain separator, the type hash and keccak(source) never change: hashed once here (ccxt's
//   TypedDataEncoder re-encodes the domain and the types on every action);
// - an ECDSA signature is s = k⁻¹(z + r·d) with r from the point k·G, which does not depend on the
//   message: (k⁻¹, r, r·d, parity of k·G) are prepared ahead, in idle time, so signing an action is three
//   short keccaks and one modular multiplication. Each k comes from the system's CSPRNG hedged with the
//   key (HMAC-SHA256), is used for one signature and dropped; when none is ready one is made on the spot;
// - the action's msgpack (msgpack.ts: ccxt's bytes, in a reused buffer) and the three keccaks (keccak.ts:
//   unrolled, allocation-free) write into buffers kept here: no hasher objects, closures or copies per
//   action (ccxt's packb and noble's keccak took ~0.1–0.2 ms of a cold book-to-order span between them).
import { createHmac, randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256, keccak256Into } from "./keccak";
import { MsgpackWriter } from "./msgpack";

export interface L1Signature {
  r: string;
  s: string;
  v: number;
}

interface Nonce {
  kInv: bigint;
  /** r·d mod n: the part of s that does not depend on the message. */
  rd: bigint;
  rHex: string;
  /** Parity of k·G's y: the recovery id before low-S normalisation. */
  odd: boolean;
}

const Fn = secp256k1.Point.Fn;
const N = Fn.ORDER;
const HALF_N = N >> 1n;
const utf8 = (s: string) => new TextEncoder().encode(s);
const RESOLVED = Promise.resolve();

function bytesToBig(b: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex") || "0"}`);
}

/** The 32 bytes at b[0, 32) as an unsigned big-endian integer (four 64-bit reads: no string on the way). */
function word256(v: DataView): bigint {
  return (v.getBigUint64(0) << 192n) | (v.getBigUint64(8) << 128n) | (v.getBigUint64(16) << 64n) | v.getBigUint64(24);
}

function word(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && n > 0n; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const DOMAIN_TYPE_HASH = keccak256(utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
const DOMAIN_SEPARATOR = keccak256(concat(DOMAIN_TYPE_HASH, keccak256(utf8("Exchange")), keccak256(utf8("1")), word(1337n), word(0n)));
const AGENT_TYPE_HASH = keccak256(utf8("Agent(string source,bytes32 connectionId)"));

export class L1Signer {
  private readonly secret: Uint8Array;
  private readonly d: bigint;
  /** msgpack(action) ‖ nonce ‖ 0x00: what the connection id hashes. */
  private readonly packed = new MsgpackWriter();
  /** type hash ‖ keccak(source) ‖ connection id (filled per action): the Agent struct's encoding. */
  private readonly struct = new Uint8Array(96);
  /** 0x1901 ‖ domain separator ‖ struct hash (filled per action): what the digest hashes. */
  private readonly typed = new Uint8Array(66);
  private readonly digestBytes = new Uint8Array(32);
  private readonly digestView = new DataView(this.digestBytes.buffer);
  private readonly pool: Nonce[] = [];
  private refill: ReturnType<typeof setTimeout> | null = null;
  private rehearsals: ReturnType<typeof setInterval> | null = null;
  /** The last action signed and its nonce; and, in idle time, the last of each type (see rehearse). */
  private lastAction: unknown = null;
  private lastNonce = 0;
  private readonly recent = new Map<unknown, [unknown, number]>();
  private refillQueued = false;
  private closed = false;
  /** Signatures made with a nonce prepared ahead, and on the spot (the pool was empty). */
  readonly stats = { pooled: 0, onTheSpot: 0 };

  constructor(
    privateKey: string,
    testnet: boolean,
    private readonly poolSize = 32,
  ) {
    const hex = privateKey.replace(/^0x/i, "");
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("the signing key must be 32 bytes of hex");
    this.secret = Uint8Array.from(Buffer.from(hex, "hex"));
    this.d = bytesToBig(this.secret);
    if (this.d <= 0n || this.d >= N) throw new Error("the signing key is not a valid secp256k1 key");
    this.struct.set(AGENT_TYPE_HASH, 0);
    this.struct.set(keccak256(utf8(testnet ? "b" : "a")), 32);
    this.typed.set([0x19, 0x01], 0);
    this.typed.set(DOMAIN_SEPARATOR, 2);
  }

  /** Prepares the pool now (at start, before any book needs an answer), and starts the rehearsals. */
  warm(rehearseEveryMs = 50): void {
    while (this.pool.length < this.poolSize) this.pool.push(this.makeNonce());
    if (this.rehearsals || this.closed) return;
    this.rehearsals = setInterval(() => this.rehearse(), rehearseEveryMs);
    this.rehearsals.unref?.();
  }

  /**
   * Hashes the last action of each type signed again, the result dropped. Actions are signed a few times a
   * second at most: too seldom for V8 to compile the msgpack and keccak code they run through, so each was
   * hashed by the interpreter on cold caches. Rehearsed in idle time, the code is compiled and warm when the
   * next book needs a signature. Nothing here touches the nonces or the pool.
   */
  rehearse(): void {
    if (this.lastAction !== null) {
      this.recent.set((this.lastAction as { type?: unknown }).type, [this.lastAction, this.lastNonce]);
      this.lastAction = null;
    }
    for (const [action, nonce] of this.recent.values()) this.hashDigest(action, nonce);
  }

  /** keccak256(msgpack(action) ‖ nonce (uint64 BE) ‖ 0x00): the connection id the venue recomputes. */
  connectionId(action: unknown, nonce: number): Uint8Array {
    this.hashAction(action, nonce);
    return this.struct.slice(64);
  }

  /** The 32 bytes the signature is over (EIP-712 digest of the phantom agent). */
  digest(action: unknown, nonce: number): Uint8Array {
    this.hashDigest(action, nonce);
    return this.digestBytes.slice();
  }

  /** The connection id, into struct[64, 96). */
  private hashAction(action: unknown, nonce: number): void {
    const w = this.packed.reset();
    w.value(action);
    w.rawU64(nonce);
    w.byte(0);
    keccak256Into(w.buf, w.len, this.struct, 64);
  }

  /** The digest, into digestBytes. */
  private hashDigest(action: unknown, nonce: number): void {
    this.hashAction(action, nonce);
    keccak256Into(this.struct, 96, this.typed, 34);
    keccak256Into(this.typed, 66, this.digestBytes, 0);
  }

  /** The signature as ccxt sends it: r and s in hex without leading zeros, v = 27 + recovery id. */
  sign(action: unknown, nonce: number): L1Signature {
    this.hashDigest(action, nonce);
    this.lastAction = action;
    this.lastNonce = nonce;
    const z = word256(this.digestView);
    // The pool is topped up once the code that signed has run (its request is on the wire by then).
    if (!this.refillQueued && !this.refill && !this.closed) {
      this.refillQueued = true;
      // A promise reaction, not queueMicrotask (which builds an AsyncResource per call: ~10 µs cold).
      void RESOLVED.then(this.afterSign);
    }
    for (;;) {
      const pooled = this.pool.pop();
      const k = pooled ?? this.makeNonce();
      if (pooled) this.stats.pooled++;
      else this.stats.onTheSpot++;
      let s = (k.kInv * (z + k.rd)) % N;
      if (s === 0n) continue; // astronomically unlikely: take the next k
      let odd = k.odd;
      if (s > HALF_N) {
        // Low S, as the venue (and Ethereum) require: s → n − s flips the recovery id.
        s = N - s;
        odd = !odd;
      }
      return { r: k.rHex, s: `0x${s.toString(16)}`, v: odd ? 28 : 27 };
    }
  }

  private makeNonce(): Nonce {
    for (;;) {
      const k = bytesToBig(createHmac("sha256", this.secret).update(randomBytes(32)).digest()) % N;
      if (k === 0n) continue;
      const R = secp256k1.Point.BASE.multiply(k).toAffine();
      // r must be R.x itself (R.x ≥ n would need the recovery id's overflow bit: skip such a k).
      if (R.x >= N || R.x === 0n) continue;
      return { kInv: Fn.inv(k), rd: Fn.mul(R.x, this.d), rHex: `0x${R.x.toString(16)}`, odd: (R.y & 1n) === 1n };
    }
  }

  private readonly afterSign = () => {
    this.refillQueued = false;
    this.scheduleRefill();
  };

  /** Tops the pool up one nonce at a time on later turns of the event loop, so no book waits for more than one. */
  private scheduleRefill(): void {
    if (this.refill || this.closed) return;
    this.refill = setTimeout(() => {
      this.refill = null;
      if (this.closed || this.pool.length >= this.poolSize) return;
      this.pool.push(this.makeNonce());
      this.scheduleRefill();
    }, 1);
    this.refill.unref?.();
  }

  close(): void {
    this.closed = true;
    if (this.refill) clearTimeout(this.refill);
    if (this.rehearsals) clearInterval(this.rehearsals);
    this.recent.clear();
    this.lastAction = null;
    this.pool.length = 0;
  }
}
