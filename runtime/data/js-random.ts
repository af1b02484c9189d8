/**
 * JavaScript-side draws (data shuffles, synthetic data) from sgm's RandomStream, so every random number in a
 * run comes from one kind of seeded, checkpointable stream (stdlib/random.ts). Each `nextSeed()` is a 32-bit
 * splitmix32 hash of (seed, counter); we use it as 32 uniform bits.
 */
import { RandomStream } from '../../stdlib/random.js';

const TWO_POW_32 = 4294967296;

/** A uniform draw on the open interval (0, 1): 32 random bits plus one half, so log(u) and log(1-u) are finite. */
export function uniform01(stream: RandomStream): number {
  return (stream.nextSeed() + 0.5) / TWO_POW_32;
}

/** A uniformly random integer in [0, n) (n ≤ 2^32), by rejection so every value is equally likely. */
export function uniformInt(stream: RandomStream, n: number): number {
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (;;) {
    const r = stream.nextSeed();
    if (r < limit) return r % n;
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, stream: RandomStream): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(stream, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * A 32-bit seed derived from a user seed and a purpose ('steps', 'batches', 'eval', ...), so the streams a run
 * uses for different things are independent of each other and of the model's own initialisation stream.
 */
export function deriveSeed(seed: number, purpose: string, index = 0): number {
  // FNV-1a of the purpose: cheap, stable across platforms, and distinct for distinct short strings.
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return new RandomStream((seed ^ h) | 0, index).nextSeed();
}
