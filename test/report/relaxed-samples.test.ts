// Relaxed draws against their nearest vertices: categories, distances and nearest integers on known values.
import { describe, expect, it } from 'vitest';
import { MAX_VALUES, relaxationOf, summariseRelaxed } from '../../runtime/report/relaxed-samples.js';

describe('relaxationOf', () => {
  it('names the relaxation of relaxed families (a fitted prior counts as its family) and none otherwise', () => {
    expect(['IGR_I', 'fit_prior(IGR_I)', 'IGR_SB', 'GumbelSoftmax', 'Concrete', 'RelaxedBernoulli', 'GenGS', 'Normal', 'Categorical', 'Bernoulli'].map(relaxationOf)).toEqual([
      'relaxed_one_hot',
      'relaxed_one_hot',
      'relaxed_one_hot',
      'relaxed_one_hot',
      'relaxed_one_hot',
      'relaxed_binary',
      'relaxed_count',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('summariseRelaxed', () => {
  it('on the simplex: mean mass and nearest-vertex frequency per category, and Euclidean distances', () => {
    // Two draws of K = 3: a vertex (distance 0) and (0.5, 0.3, 0.2), nearest vertex e0 at distance √(0.25+0.09+0.04).
    const s = summariseRelaxed('z', 'IGR_I', 'relaxed_one_hot', { shape: [2, 3], values: Float32Array.from([0, 1, 0, 0.5, 0.3, 0.2]) });
    expect(s.draws).toBe(2);
    expect(s.categories!.relaxedMass.map((m) => +m.toFixed(6))).toEqual([0.25, 0.65, 0.1]);
    expect(s.categories!.discreteFraction).toEqual([0.5, 0.5, 0]);
    expect(s.distances[0]).toBe(0);
    expect(s.distances[1]).toBeCloseTo(Math.sqrt(0.38), 6);
    expect(s.meanDistance).toBeCloseTo(Math.sqrt(0.38) / 2, 6);
    expect([s.shareWithin, s.threshold]).toEqual([0.5, 0.2]);
  });

  it('for counts: the nearest integers and the distances to them', () => {
    const s = summariseRelaxed('n', 'GenGS', 'relaxed_count', { shape: [3], values: Float32Array.from([4.2, 7.5, 19.9]) });
    expect(s.values!.discrete).toEqual([4, 8, 20]);
    expect(s.distances.map((d) => +d.toFixed(4))).toEqual([0.2, 0.5, 0.1]);
  });

  it('for binary relaxations: 0 or 1, whichever is nearer', () => {
    const s = summariseRelaxed('b', 'RelaxedBernoulli', 'relaxed_binary', { shape: [3], values: Float32Array.from([0.1, 0.5, 0.8]) });
    expect(s.values!.discrete).toEqual([0, 1, 1]);
  });

  it('keeps at most MAX_VALUES values for the histograms, but summarises every draw', () => {
    const n = 3 * MAX_VALUES;
    const s = summariseRelaxed('n', 'GenGS', 'relaxed_count', { shape: [n], values: new Float32Array(n).fill(0.25) });
    expect(s.draws).toBe(n);
    expect(s.distances.length).toBeLessThanOrEqual(MAX_VALUES);
    expect(s.meanDistance).toBeCloseTo(0.25, 6);
  });
});
