// Seeded randomness for the simulator. No Math.random anywhere: a seed fixes every draw.

/** splitmix32: spreads a small integer seed over the whole state space. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** The four state words of xoshiro128** and the normal deviate kept for the next call (null when none). */
export interface RngState {
  a: number;
  b: number;
  c: number;
  d: number;
  spare: number | null;
}

/** xoshiro128**: fast, 128-bit state, good statistical quality for simulation. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    // Fold in the high bits so seeds beyond 2^32 still differ.
    const sm = splitmix32((seed ^ Math.floor(seed / 4294967296)) >>> 0);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The generator's position in its stream, to continue it in another process. */
  state(): RngState {
    return { a: this.a, b: this.b, c: this.c, d: this.d, spare: Number.isNaN(this.spare) ? null : this.spare };
  }

  restore(s: RngState): void {
    if (((s.a | s.b | s.c | s.d) >>> 0) === 0) throw new Error("rng state must not be all zero");
    this.a = s.a | 0;
    this.b = s.b | 0;
    this.c = s.c | 0;
    this.d = s.d | 0;
    this.spare = s.spare ?? NaN;
  }

  /** Uniform uint32. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /** Uniform in (0, 1): never 0, so log() is always finite. */
  next(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(this.next()) * mean;
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    const s = this.spare;
    if (s === s) {
      this.spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.next()));
    const th = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Stateless hash of (key, a, b) to [0, 1): level sizes computed on demand without consuming the stream. */
export function hash01(key: number, a: number, b: number): number {
  let h = (key ^ Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x632be5ab, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
