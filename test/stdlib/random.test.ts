import { describe, expect, it } from 'vitest';
import { RandomStream, UNIFORM_HIGH, UNIFORM_TINY } from '../../stdlib/random.js';

describe('RandomStream', () => {
  it('repeats the same draws for the same seed and differs for another seed', () => {
    const a = new RandomStream(7).normal([5]).arraySync() as number[];
    const b = new RandomStream(7).normal([5]).arraySync() as number[];
    const c = new RandomStream(8).normal([5]).arraySync() as number[];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resumes exactly from a saved state', () => {
    const s = new RandomStream(3);
    s.normal([2]);
    const saved = s.state();
    const next = s.uniform([4]).arraySync();
    expect(RandomStream.fromState(saved).uniform([4]).arraySync()).toEqual(next);
  });

  it('keeps openUniform strictly inside (0, 1) after float32 rounding', () => {
    // tfjs computes low + (high - low) * r with r in [0, 1) in float64, then stores float32: the largest r must
    // not round up to 1 (which makes -log(-log u) infinite).
    const largest = UNIFORM_TINY + (UNIFORM_HIGH - UNIFORM_TINY) * (1 - 2 ** -53);
    expect(Math.fround(largest)).toBeLessThan(1);
    expect(Math.fround(UNIFORM_TINY)).toBeGreaterThan(0);
    const u = new RandomStream(11).openUniform([200_000]).dataSync();
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('keeps gumbel noise finite', () => {
    const g = new RandomStream(1).gumbel([10000]).dataSync();
    expect(g.every((v) => Number.isFinite(v))).toBe(true);
  });
});
