// Keccak-256 (Ethereum's: padding 0x01, not SHA3-256's 0x06) for the signer's three short hashes per
// action, with no allocation: @noble/hashes builds a hasher object, its state and a scratch array per call
// and runs a table-driven permutation (~8 µs per 96-byte hash on this machine with the code hot, several
// times that when it is cold, which is how a book finds it every few hundred ms). Here the permutation is
// unrolled over local variables (θ, ρ and π, χ, ι written out lane by lane, generated from the
// specification's rotation offsets) and state is one module-level array. A test compares it with noble's
// keccak_256 on inputs of every length from 0 to 700 bytes.

/** Round constants, each 64-bit word as its low and high 32 bits. */
const RC = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
]);
/** The sponge: lane i = x + 5y as s[2i] (low 32 bits) and s[2i + 1] (high). */
const s = new Int32Array(50);
/** The last block, padded. */
const last = new Uint8Array(136);
const RATE = 136;

function f1600(): void {
  for (let r = 0; r < 48; r += 2) {
    // θ: column parities, then each lane of column x ^= c[x-1] ^ rotl1(c[x+1])
    const c0 = s[0]! ^ s[10]! ^ s[20]! ^ s[30]! ^ s[40]!;
    const c1 = s[1]! ^ s[11]! ^ s[21]! ^ s[31]! ^ s[41]!;
    const c2 = s[2]! ^ s[12]! ^ s[22]! ^ s[32]! ^ s[42]!;
    const c3 = s[3]! ^ s[13]! ^ s[23]! ^ s[33]! ^ s[43]!;
    const c4 = s[4]! ^ s[14]! ^ s[24]! ^ s[34]! ^ s[44]!;
    const c5 = s[5]! ^ s[15]! ^ s[25]! ^ s[35]! ^ s[45]!;
    const c6 = s[6]! ^ s[16]! ^ s[26]! ^ s[36]! ^ s[46]!;
    const c7 = s[7]! ^ s[17]! ^ s[27]! ^ s[37]! ^ s[47]!;
    const c8 = s[8]! ^ s[18]! ^ s[28]! ^ s[38]! ^ s[48]!;
    const c9 = s[9]! ^ s[19]! ^ s[29]! ^ s[39]! ^ s[49]!;
    const d0 = c8 ^ ((c2 << 1) | (c3 >>> 31)), d1 = c9 ^ ((c3 << 1) | (c2 >>> 31));
    const d2 = c0 ^ ((c4 << 1) | (c5 >>> 31)), d3 = c1 ^ ((c5 << 1) | (c4 >>> 31));
    const d4 = c2 ^ ((c6 << 1) | (c7 >>> 31)), d5 = c3 ^ ((c7 << 1) | (c6 >>> 31));
    const d6 = c4 ^ ((c8 << 1) | (c9 >>> 31)), d7 = c5 ^ ((c9 << 1) | (c8 >>> 31));
    const d8 = c6 ^ ((c0 << 1) | (c1 >>> 31)), d9 = c7 ^ ((c1 << 1) | (c0 >>> 31));
    s[0]! ^= d0; s[1]! ^= d1; s[10]! ^= d0; s[11]! ^= d1; s[20]! ^= d0; s[21]! ^= d1; s[30]! ^= d0; s[31]! ^= d1; s[40]! ^= d0; s[41]! ^= d1;
    s[2]! ^= d2; s[3]! ^= d3; s[12]! ^= d2; s[13]! ^= d3; s[22]! ^= d2; s[23]! ^= d3; s[32]! ^= d2; s[33]! ^= d3; s[42]! ^= d2; s[43]! ^= d3;
    s[4]! ^= d4; s[5]! ^= d5; s[14]! ^= d4; s[15]! ^= d5; s[24]! ^= d4; s[25]! ^= d5; s[34]! ^= d4; s[35]! ^= d5; s[44]! ^= d4; s[45]! ^= d5;
    s[6]! ^= d6; s[7]! ^= d7; s[16]! ^= d6; s[17]! ^= d7; s[26]! ^= d6; s[27]! ^= d7; s[36]! ^= d6; s[37]! ^= d7; s[46]! ^= d6; s[47]! ^= d7;
    s[8]! ^= d8; s[9]! ^= d9; s[18]! ^= d8; s[19]! ^= d9; s[28]! ^= d8; s[29]! ^= d9; s[38]! ^= d8; s[39]! ^= d9; s[48]! ^= d8; s[49]! ^= d9;
    // ρ and π: lane (x, y), rotated by its offset, moves to (y, 2x + 3y)
    const b0 = s[0]!, b1 = s[1]!;
    const b2 = (s[13]! << 12) | (s[12]! >>> 20), b3 = (s[12]! << 12) | (s[13]! >>> 20);
    const b4 = (s[25]! << 11) | (s[24]! >>> 21), b5 = (s[24]! << 11) | (s[25]! >>> 21);
    const b6 = (s[36]! << 21) | (s[37]! >>> 11), b7 = (s[37]! << 21) | (s[36]! >>> 11);
    const b8 = (s[48]! << 14) | (s[49]! >>> 18), b9 = (s[49]! << 14) | (s[48]! >>> 18);
    const b10 = (s[6]! << 28) | (s[7]! >>> 4), b11 = (s[7]! << 28) | (s[6]! >>> 4);
    const b12 = (s[18]! << 20) | (s[19]! >>> 12), b13 = (s[19]! << 20) | (s[18]! >>> 12);
    const b14 = (s[20]! << 3) | (s[21]! >>> 29), b15 = (s[21]! << 3) | (s[20]! >>> 29);
    const b16 = (s[33]! << 13) | (s[32]! >>> 19), b17 = (s[32]! << 13) | (s[33]! >>> 19);
    const b18 = (s[45]! << 29) | (s[44]! >>> 3), b19 = (s[44]! << 29) | (s[45]! >>> 3);
    const b20 = (s[2]! << 1) | (s[3]! >>> 31), b21 = (s[3]! << 1) | (s[2]! >>> 31);
    const b22 = (s[14]! << 6) | (s[15]! >>> 26), b23 = (s[15]! << 6) | (s[14]! >>> 26);
    const b24 = (s[26]! << 25) | (s[27]! >>> 7), b25 = (s[27]! << 25) | (s[26]! >>> 7);
    const b26 = (s[38]! << 8) | (s[39]! >>> 24), b27 = (s[39]! << 8) | (s[38]! >>> 24);
    const b28 = (s[40]! << 18) | (s[41]! >>> 14), b29 = (s[41]! << 18) | (s[40]! >>> 14);
    const b30 = (s[8]! << 27) | (s[9]! >>> 5), b31 = (s[9]! << 27) | (s[8]! >>> 5);
    const b32 = (s[11]! << 4) | (s[10]! >>> 28), b33 = (s[10]! << 4) | (s[11]! >>> 28);
    const b34 = (s[22]! << 10) | (s[23]! >>> 22), b35 = (s[23]! << 10) | (s[22]! >>> 22);
    const b36 = (s[34]! << 15) | (s[35]! >>> 17), b37 = (s[35]! << 15) | (s[34]! >>> 17);
    const b38 = (s[47]! << 24) | (s[46]! >>> 8), b39 = (s[46]! << 24) | (s[47]! >>> 8);
    const b40 = (s[5]! << 30) | (s[4]! >>> 2), b41 = (s[4]! << 30) | (s[5]! >>> 2);
    const b42 = (s[17]! << 23) | (s[16]! >>> 9), b43 = (s[16]! << 23) | (s[17]! >>> 9);
    const b44 = (s[29]! << 7) | (s[28]! >>> 25), b45 = (s[28]! << 7) | (s[29]! >>> 25);
    const b46 = (s[31]! << 9) | (s[30]! >>> 23), b47 = (s[30]! << 9) | (s[31]! >>> 23);
    const b48 = (s[42]! << 2) | (s[43]! >>> 30), b49 = (s[43]! << 2) | (s[42]! >>> 30);
    // χ: each lane ^= ~next & next-but-one along its row
    s[0] = b0 ^ (~b2 & b4); s[1] = b1 ^ (~b3 & b5); s[2] = b2 ^ (~b4 & b6); s[3] = b3 ^ (~b5 & b7); s[4] = b4 ^ (~b6 & b8); s[5] = b5 ^ (~b7 & b9); s[6] = b6 ^ (~b8 & b0); s[7] = b7 ^ (~b9 & b1); s[8] = b8 ^ (~b0 & b2); s[9] = b9 ^ (~b1 & b3);
    s[10] = b10 ^ (~b12 & b14); s[11] = b11 ^ (~b13 & b15); s[12] = b12 ^ (~b14 & b16); s[13] = b13 ^ (~b15 & b17); s[14] = b14 ^ (~b16 & b18); s[15] = b15 ^ (~b17 & b19); s[16] = b16 ^ (~b18 & b10); s[17] = b17 ^ (~b19 & b11); s[18] = b18 ^ (~b10 & b12); s[19] = b19 ^ (~b11 & b13);
    s[20] = b20 ^ (~b22 & b24); s[21] = b21 ^ (~b23 & b25); s[22] = b22 ^ (~b24 & b26); s[23] = b23 ^ (~b25 & b27); s[24] = b24 ^ (~b26 & b28); s[25] = b25 ^ (~b27 & b29); s[26] = b26 ^ (~b28 & b20); s[27] = b27 ^ (~b29 & b21); s[28] = b28 ^ (~b20 & b22); s[29] = b29 ^ (~b21 & b23);
    s[30] = b30 ^ (~b32 & b34); s[31] = b31 ^ (~b33 & b35); s[32] = b32 ^ (~b34 & b36); s[33] = b33 ^ (~b35 & b37); s[34] = b34 ^ (~b36 & b38); s[35] = b35 ^ (~b37 & b39); s[36] = b36 ^ (~b38 & b30); s[37] = b37 ^ (~b39 & b31); s[38] = b38 ^ (~b30 & b32); s[39] = b39 ^ (~b31 & b33);
    s[40] = b40 ^ (~b42 & b44); s[41] = b41 ^ (~b43 & b45); s[42] = b42 ^ (~b44 & b46); s[43] = b43 ^ (~b45 & b47); s[44] = b44 ^ (~b46 & b48); s[45] = b45 ^ (~b47 & b49); s[46] = b46 ^ (~b48 & b40); s[47] = b47 ^ (~b49 & b41); s[48] = b48 ^ (~b40 & b42); s[49] = b49 ^ (~b41 & b43);
    // ι
    s[0]! ^= RC[r]!; s[1]! ^= RC[r + 1]!;
  }
}

function absorb(d: Uint8Array, p: number): void {
  for (let i = 0; i < 34; i++, p += 4) s[i]! ^= d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24);
  f1600();
}

/** keccak256 of data[0, len), written to out[off, off + 32). */
export function keccak256Into(data: Uint8Array, len: number, out: Uint8Array, off: number): void {
  if (len > data.length) throw new RangeError(`keccak256Into: ${len} bytes asked of ${data.length}`);
  s.fill(0);
  let p = 0;
  for (; len - p >= RATE; p += RATE) absorb(data, p);
  last.fill(0);
  for (let i = 0; p + i < len; i++) last[i] = data[p + i]!;
  last[len - p]! ^= 0x01;
  last[RATE - 1]! ^= 0x80;
  absorb(last, 0);
  for (let i = 0; i < 8; i++) {
    const w = s[i]!;
    out[off++] = w;
    out[off++] = w >>> 8;
    out[off++] = w >>> 16;
    out[off++] = w >>> 24;
  }
}

/** keccak256 of `data`, as a new array (for what is hashed once, at start). */
export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  keccak256Into(data, data.length, out, 0);
  return out;
}
