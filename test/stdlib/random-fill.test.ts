import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { normalValues, uniformValues } from '../../stdlib/random-fill.js';
import { RandomStream, UNIFORM_HIGH, UNIFORM_TINY } from '../../stdlib/random.js';

// random-fill.ts promises tfjs' own draws bit for bit (checkpoints and results of earlier runs depend on them):
// the reference here is tfjs' randomNormal / randomUniform themselves, compared value by value with Object.is.
const SEEDS = [1, 2, 7, 12345, 987654321, 4294967295];
const SIZES = [0, 1, 2, 3, 17, 1000, 18000];

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('random-fill: tfjs draws without tfjs loops', () => {
  it('normalValues equals tf.randomNormal(shape, 0, 1, float32, seed) bit for bit, odd sizes included', () => {
    for (const seed of SEEDS) {
      for (const n of SIZES) {
        const ref = tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync());
        expect(firstDifference(normalValues(n, seed), ref), `seed ${seed}, n ${n}`).toBe(-1);
      }
    }
  });

  it('uniformValues equals tf.randomUniform(shape, low, high, float32, seed) bit for bit', () => {
    for (const seed of SEEDS) {
      for (const [low, high] of [[0, 1], [UNIFORM_TINY, UNIFORM_HIGH], [-3, 5]]) {
        const ref = tf.tidy(() => tf.randomUniform([1001], low, high, 'float32', seed).dataSync());
        expect(firstDifference(uniformValues(1001, low, high, seed), ref), `seed ${seed} [${low}, ${high})`).toBe(-1);
      }
    }
  });

  it('the draws have the moments of N(0, 1) and U(low, high) (a generator that returned constants would fail)', () => {
    const z = normalValues(200_000, 99);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.01); // SE 0.0022
    expect(Math.abs(variance - 1)).toBeLessThan(0.015); // SE 0.0032
    const u = uniformValues(200_000, -3, 5, 99);
    expect(u.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(-3);
    expect(u.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThan(5);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length - 1)).toBeLessThan(0.03); // SE 0.005
  });

  it('seed 0 is a seed like any other (tfjs would fall back to Math.random for a normal draw)', () => {
    expect(firstDifference(normalValues(10, 0), normalValues(10, 0))).toBe(-1);
  });

  it('RandomStream draws what tfjs drew for the same per-call seeds, and rejects bad shapes as tfjs does', () => {
    const a = new RandomStream(5);
    const b = new RandomStream(5);
    const seedN = b.nextSeed();
    const seedU = b.nextSeed();
    expect(firstDifference(a.normal([3, 7]).dataSync(), tf.randomNormal([21], 0, 1, 'float32', seedN).dataSync())).toBe(-1);
    expect(firstDifference(a.openUniform([4]).dataSync(), tf.randomUniform([4], UNIFORM_TINY, UNIFORM_HIGH, 'float32', seedU).dataSync())).toBe(-1);
    expect(a.normal([2, 3]).shape).toEqual([2, 3]);
    expect(() => a.normal([2.5])).toThrow(/non-negative integers/);
  });
});
