// Runs every check declared in the fixture table (test/stdlib/fixtures.ts) for every distribution.
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { FIXTURES } from './fixtures.js';

const allFinite = (t: tf.Tensor): boolean => Array.from(t.dataSync()).every(Number.isFinite);

describe.each(FIXTURES.map((f) => [f.id, f] as const))('%s', (_id, fixture) => {
  for (const [i, c] of (fixture.logProb ?? []).entries()) {
    it(`logProb case ${i} matches ${c.source}`, () => {
      const got = tf.tidy(() => Array.from(fixture.make().logProb(c.value()).dataSync()));
      expect(got.length).toBe(c.expected.length);
      got.forEach((g, j) => expect(Math.abs(g - c.expected[j])).toBeLessThanOrEqual(c.tol));
    });
  }

  if (fixture.moments) {
    const m = fixture.moments;
    it(`sample mean of ${m.draws} draws is within ${m.zScore ?? 5} standard errors`, () => {
      const mean = tf.tidy(() => {
        const d = fixture.make();
        const rng = new RandomStream(1234);
        const s = m.reparameterized ? d.rsample(rng, [m.draws]) : d.sample(rng, [m.draws]);
        return Array.from(tf.mean(s, 0).dataSync());
      });
      expect(mean.length).toBe(m.mean.length);
      mean.forEach((v, j) => {
        const se = m.std[j] / Math.sqrt(m.draws);
        expect(Math.abs(v - m.mean[j])).toBeLessThanOrEqual((m.zScore ?? 5) * se + 1e-6);
      });
    });
  }

  if (fixture.rsampleGradient) {
    const g = fixture.rsampleGradient;
    it('rsample gradient equals central finite differences', () => {
      const eps = g.eps ?? 1e-2;
      const tol = g.tol ?? 2e-2;
      const weights = tf.tidy(() => {
        const shape = g.build(g.params.map((p) => tf.tensor(p as number[]))).rsample(new RandomStream(5)).shape;
        return tf.linspace(0.5, 1.5, shape.reduce((a, b) => a * b, 1)).reshape(shape);
      });
      const f = (params: tf.Tensor[]): tf.Scalar =>
        tf.sum(tf.mul(g.build(params).rsample(new RandomStream(5)), weights)) as tf.Scalar;
      const base = g.params.map((p) => tf.tensor(p as number[]));
      const analytic = tf.grads((...ps: tf.Tensor[]) => f(ps))(base).map((t) => Array.from(t.dataSync()));
      g.params.forEach((p, pi) => {
        p.forEach((_v, j) => {
          const shifted = (delta: number): number =>
            tf.tidy(() => {
              const ps = g.params.map((q, qi) => tf.tensor(q.map((v, k) => (qi === pi && k === j ? v + delta : v))));
              return f(ps).dataSync()[0];
            });
          const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
          const scale = Math.max(1, Math.abs(numeric));
          expect(Math.abs(analytic[pi][j] - numeric) / scale).toBeLessThanOrEqual(tol);
        });
      });
    });
  }

  if (fixture.finite) {
    it('draws and log-probs are finite', () => {
      tf.tidy(() => {
        const d = fixture.make();
        const rng = new RandomStream(99);
        const s = d.signature.hasRsample ? d.rsample(rng, [64]) : d.sample(rng, [64]);
        expect(allFinite(s)).toBe(true);
        expect(allFinite(d.logProb(s))).toBe(true);
      });
    });
  }
});

it('the fixture table covers every registered distribution', async () => {
  const { DISTRIBUTION_CLASSES } = await import('../../stdlib/distributions/register-all.js');
  const covered = new Set(FIXTURES.map((f) => tf.tidy(() => f.make().name)));
  const missing = Object.keys(DISTRIBUTION_CLASSES).filter((n) => !covered.has(n));
  expect(missing).toEqual([]);
});
