import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../stdlib/random.js';

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

  it('keeps gumbel noise finite', () => {
    const g = new RandomStream(1).gumbel([10000]).dataSync();
    expect(g.every((v) => Number.isFinite(v))).toBe(true);
  });
});
