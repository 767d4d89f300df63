// The signer's own msgpack and keccak (server/venue/hyperliquid/msgpack.ts, keccak.ts) must give exactly
// ccxt's bytes and noble's hashes: the venue recomputes both to check every signature, and one differing
// byte is an order refused (or, worse, a signature over something else). Generated values cover every
// msgpack width boundary, floats, unicode, nesting and undefined; keccak every input length up to five blocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { HyperliquidClient } from "@/server/venue/hyperliquid";
import { keccak256Into } from "@/server/venue/hyperliquid/keccak";
import { MsgpackWriter } from "@/server/venue/hyperliquid/msgpack";
import { TEST_PRIVATE_KEY } from "../fakes/hyperliquid/server";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function ccxtPackb(): { packb: (v: unknown) => Uint8Array; close: () => Promise<void> } {
  const client = new HyperliquidClient({ walletAddress: "0x0000000000000000000000000000000000000001", privateKey: TEST_PRIVATE_KEY, restUrl: "http://127.0.0.1:9", wsUrl: "ws://127.0.0.1:9/ws", testnet: false, timeoutMs: 1_000 });
  return { packb: (v) => client.packb(v) as Uint8Array, close: () => client.close() };
}

const edges = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 2 ** 64, 2 ** 70, -1, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53) + 1, -(2 ** 63), -(2 ** 64), -0, 0.5, -1.25, 1e-300, 1e300, NaN, Infinity, -Infinity];
const lengths = [0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536];

test("msgpack: our writer's bytes are ccxt's packb bytes, value for value (every width boundary, floats, unicode, nesting, undefined)", async () => {
  const { packb, close } = ccxtPackb();
  const w = new MsgpackWriter();
  const same = (v: unknown) => {
    w.reset().value(v);
    assert.equal(hex(w.bytes()), hex(packb(v)), `for ${JSON.stringify(v)?.slice(0, 80)}`);
  };
  try {
    for (const n of edges) same(n);
    for (const n of lengths) {
      same("a".repeat(n));
      same("é".repeat(n));
      same(Array.from({ length: n }, (_, i) => i));
      same(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i % 3 ? i : undefined])));
    }
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(...edges, null, undefined, true, false),
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.integer(),
        fc.double(),
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.array(tie("value"), { maxLength: 20 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 20 }),
      ),
    }));
    fc.assert(fc.property(value, (v) => same(v)), { seed: 10, numRuns: 3000 });
    // Each action the desk signs, with an unused value dropped as ccxt drops it.
    same({ type: "order", orders: [{ a: 1, b: true, p: "1999.9", s: "0.0105", r: false, t: { limit: { tif: "Alo" } }, c: "0x0000000000000000000000000000000a" }], grouping: "na" });
    same({ type: "cancelByCloid", cancels: [{ asset: 1, cloid: "0x0123456789abcdef0123456789abcdef" }, { asset: 1, cloid: "0xfedcba9876543210fedcba9876543210" }] });
    same({ type: "scheduleCancel", time: 1_764_000_000_000 });
    same({ type: "scheduleCancel", time: undefined });
    // Values no action holds are refused, never encoded some other way than ccxt would.
    assert.throws(() => w.reset().value({ at: new Date(0) }), /Date in an action is not supported/);
    assert.throws(() => w.reset().value(1n), /cannot be serialized/);
  } finally {
    await close();
  }
});

test("msgpack: the nonce appended raw (uint64 big-endian) as the venue's connection id expects", () => {
  const w = new MsgpackWriter();
  w.rawU64(1_764_000_000_123);
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(1_764_000_000_123n);
  assert.equal(hex(w.bytes()), b.toString("hex"));
});

test("keccak: our keccak256 is noble's for every input length from 0 to 700 bytes, written where asked", () => {
  const out = new Uint8Array(40);
  for (let n = 0; n <= 700; n++) {
    const data = randomBytes(n + 5);
    keccak256Into(data, n, out, 3);
    assert.equal(hex(out.subarray(3, 35)), hex(keccak_256(data.subarray(0, n))), `length ${n}`);
  }
  assert.equal(hex(out.subarray(0, 32)).length, 64);
  assert.throws(() => keccak256Into(new Uint8Array(4), 5, out, 0), RangeError);
});
