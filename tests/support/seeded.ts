// Deterministic test inputs: the simulator's own seeded generator (server/venue/paper/rng.ts), drawn as
// whole numbers. The same seed gives the same cases on every run.
import { Rng } from "@/server/venue/paper/rng";

/** A function giving a whole number in [0, n), from `seed`. */
export function seededInts(seed: number): (n: number) => number {
  const rng = new Rng(seed);
  return (n) => Math.floor(rng.next() * n);
}
