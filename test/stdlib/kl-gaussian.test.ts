// Gaussian KL (docs/math.md sections 4 and 9), the Normal/LogNormal pairs, the closed-form IGR KL (IGR eq. (13))
// against a Monte Carlo estimate from exact densities, the planar Monte Carlo KL (with sticking the landing),
// and their registration with the KL dispatcher.
import { describe, expect, it } from 'vitest';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_Planar } from '../../stdlib/distributions/igr-planar.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { LogNormal } from '../../stdlib/distributions/log-normal.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { gaussianKl, gaussianKlElementwise } from '../../stdlib/kl/gaussian-kl.js';
import { klIgrPlanarGaussianMc } from '../../stdlib/kl/igr-planar-gaussian-mc.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { KL_COMPUTE } from '../../stdlib/kl/register-all.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { allFinite } from './helpers/jacobian.js';

const MU = [0.5, -1];
const SIGMA = [0.8, 1.5];
/** KL of one coordinate written out (float64). */
const kl1 = (m: number, s: number, m0: number, s0: number): number =>
  0.5 * ((s * s) / (s0 * s0) - 1 + ((m - m0) * (m - m0)) / (s0 * s0) + 2 * Math.log(s0) - 2 * Math.log(s));

describe('gaussianKl', () => {
  it('matches the docs/math.md section 9 vectors (summed over the last axis)', () => {
    const [a, b] = tf.tidy(() => [
      gaussianKl(MU, SIGMA, [0, 0], [1, 1]).dataSync()[0],
      gaussianKl(MU, SIGMA, [-0.2, 0.3], [1.2, 0.7]).dataSync()[0],
    ]);
    expect(Math.abs(a - 0.8876784432)).toBeLessThan(1e-6);
    expect(Math.abs(b - 3.05609433)).toBeLessThan(1e-5);
  });

  it('elementwise form: per coordinate, broadcasting over batch axes', () => {
    const got = tf.tidy(() => gaussianKlElementwise(tf.tensor2d([MU, [0, 0]]), tf.tensor1d(SIGMA), 0, 1).arraySync() as number[][]);
    expect(got[0][0]).toBeCloseTo(kl1(0.5, 0.8, 0, 1), 6);
    expect(got[1][1]).toBeCloseTo(kl1(0, 1.5, 0, 1), 6);
    const summed = tf.tidy(() => Array.from(gaussianKl(tf.tensor2d([MU, [0, 0]]), tf.tensor1d(SIGMA), 0, 1).dataSync()));
    expect(summed[1]).toBeCloseTo(kl1(0, 0.8, 0, 1) + kl1(0, 1.5, 0, 1), 6);
  });

  it('is zero for equal Gaussians and positive otherwise', () => {
    const v = tf.tidy(() => Array.from(gaussianKlElementwise([0.3, 0.3], [0.7, 0.7], [0.3, 0.3001], [0.7, 0.7]).dataSync()));
    expect(Math.abs(v[0])).toBeLessThan(1e-7);
    expect(v[1]).toBeGreaterThan(0);
  });
});

describe('Normal and LogNormal pairs', () => {
  it('normal-normal is elementwise (scalar events) and chosen by the dispatcher', () => {
    tf.tidy(() => {
      const q = new Normal({ mu: MU, sigma: SIGMA });
      const p = new Normal({ mu: [-0.2, 0.3], sigma: [1.2, 0.7] });
      expect(explainKl(q, p).rule).toBe('normal-normal');
      const kl = Array.from(klDivergence(q, p).dataSync());
      expect(kl[0]).toBeCloseTo(kl1(0.5, 0.8, -0.2, 1.2), 5);
      expect(kl[1]).toBeCloseTo(kl1(-1, 1.5, 0.3, 0.7), 5);
    });
  });

  it('lognormal-lognormal equals the KL of the underlying Normals', () => {
    tf.tidy(() => {
      const kl = KL_COMPUTE['lognormal-lognormal'](new LogNormal({ mu: 0.2, sigma: 0.8 }), new LogNormal({ mu: 0, sigma: 1 }), {});
      expect(kl.dataSync()[0]).toBeCloseTo(kl1(0.2, 0.8, 0, 1), 6);
    });
  });
});

describe('IGR closed-form KL (IGR eq. (13))', () => {
  for (const [name, make] of [
    ['IGR_I', (mu: number[], sigma: number[]) => new IGR_I({ mu, sigma, tau: 0.5 })],
    ['IGR_SB', (mu: number[], sigma: number[]) => new IGR_SB({ mu, sigma, tau: 0.5 })],
  ] as const) {
    it(`${name}: equals a Monte Carlo E_q[log q(z) - log p(z)] from the exact change-of-variables densities`, () => {
      const draws = 20000;
      tf.tidy(() => {
        const q = make([0.5, -0.3, 0.1], [0.9, 0.6, 1.2]);
        const p = make([0, 0.2, -0.4], [1, 1.3, 0.8]);
        expect(explainKl(q, p).rule).toBe('igr-igr');
        const closed = klDivergence(q, p).dataSync()[0];
        const draw = q.rsampleDetailed(new RandomStream(21), [draws]);
        // log p at the same z: p's latent from log z (exact at any τ), Jacobian terms included on both sides.
        const diff = tf.sub(q.logProbFromLatent(draw.y), p.logProbFromLog(draw.logZ));
        const mc = tf.mean(diff).dataSync()[0];
        const se = Math.sqrt(tf.moments(diff).variance.dataSync()[0] / draws);
        expect(Math.abs(mc - closed)).toBeLessThanOrEqual(5 * se);
        expect(Math.abs(closed - gaussianKl([0.5, -0.3, 0.1], [0.9, 0.6, 1.2], [0, 0.2, -0.4], [1, 1.3, 0.8]).dataSync()[0])).toBeLessThan(1e-6);
      });
    });
  }

  it('IGR_I at other τ or δ: the Gaussian KL of N(μ/τ - log δ, σ/τ); IGR_SB refuses (the closed form would be silently wrong)', () => {
    tf.tidy(() => {
      const q = new IGR_I({ mu: [0, 1], sigma: 1, tau: 0.5 });
      // float64: softmax++(y, τ, δ) = softmax++(y/τ - log δ, 1, 1), so both sides are one map of those Gaussians.
      const kl64 = (mq: number[], sq: number, tq: number, dq: number, mp: number[], sp: number, tp: number, dp: number) =>
        mq.reduce((acc, m, i) => {
          const [a, s, a0, s0] = [m / tq - Math.log(dq), sq / tq, mp[i] / tp - Math.log(dp), sp / tp];
          return acc + 0.5 * ((s / s0) ** 2 - 1 + ((a - a0) / s0) ** 2 + 2 * Math.log(s0 / s));
        }, 0);
      const otherTau = KL_COMPUTE['igr-i-rescaled'](q, new IGR_I({ mu: [0, 1], sigma: 1, tau: 0.25 }), {});
      expect(otherTau.dataSync()[0]).toBeCloseTo(kl64([0, 1], 1, 0.5, 1, [0, 1], 1, 0.25, 1), 4);
      const otherDelta = KL_COMPUTE['igr-igr'](q, new IGR_I({ mu: [0.5, -1], sigma: 2, tau: 0.5, delta: 0.1 }), {});
      expect(otherDelta.dataSync()[0]).toBeCloseTo(kl64([0, 1], 1, 0.5, 1, [0.5, -1], 2, 0.5, 0.1), 4);
      const sb = new IGR_SB({ mu: [0, 1], sigma: 1, tau: 0.5 });
      expect(() => KL_COMPUTE['igr-igr'](sb, new IGR_SB({ mu: [0, 1], sigma: 1, tau: 0.25 }), {})).toThrow(/tau/);
      expect(() => KL_COMPUTE['igr-igr'](sb, new IGR_SB({ mu: [0, 1], sigma: 1, tau: 0.5, delta: 0.1 }), {})).toThrow(/delta/);
      // ρ changes neither samples nor density: no longer a reason to refuse.
      expect(() => KL_COMPUTE['igr-igr'](new IGR_SB({ mu: [0, 1], sigma: 1, tau: 0.5, rho: 0.9 }), sb, {})).not.toThrow();
    });
  });

  it('stays finite with finite gradients at τ = 0.01 and μ = ±100', () => {
    tf.tidy(() => {
      const g = tf.grad((m: tf.Tensor) =>
        tf.sum(klDivergence(new IGR_I({ mu: m, sigma: [0.5, 2], tau: 0.01 }), new IGR_I({ mu: [0, 0], sigma: 1, tau: 0.01 }))),
      )(tf.tensor2d([[100, -100], [-100, 100]]));
      expect(allFinite(g.dataSync())).toBe(true);
    });
  });
});

describe('IGR_Planar Monte Carlo KL (docs/math.md section 4)', () => {
  const layer = () => [{ w: tf.tensor1d([0.8, -0.3, 0.5]), u: tf.tensor1d([-1.5, 0.4, 0.9]), b: tf.scalar(0.2) }];
  const otherLayer = () => [{ w: tf.tensor1d([-0.2, 1.1, 0.4]), u: tf.tensor1d([0.3, -2, 0.1]), b: tf.scalar(-0.7) }];

  it('with an empty flow it estimates the Gaussian KL (within 5 standard errors)', () => {
    tf.tidy(() => {
      const q = new IGR_Planar({ mu: [0.5, -0.3, 0.1], sigma: [0.9, 0.6, 1.2], tau: 0.5, flow: [] });
      const p = new IGR_I({ mu: [0, 0.2, -0.4], sigma: [1, 1.3, 0.8], tau: 0.5 });
      expect(explainKl(q, p).rule).toBe('igr-planar-gaussian-mc');
      const one = (seed: number): number => klDivergence(q, p, { rng: new RandomStream(seed), samples: 1 }).dataSync()[0];
      const values = Array.from({ length: 400 }, (_, i) => one(i + 1));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      const exact = gaussianKl([0.5, -0.3, 0.1], [0.9, 0.6, 1.2], [0, 0.2, -0.4], [1, 1.3, 0.8]).dataSync()[0];
      expect(Math.abs(mean - exact)).toBeLessThanOrEqual((5 * sd) / Math.sqrt(values.length));
    });
  });

  it('equals mean[log q(z) - log p(z)] of the full change-of-variables densities on the same draws', () => {
    tf.tidy(() => {
      const q = new IGR_Planar({ mu: [0.5, -0.3, 0.1], sigma: [0.9, 0.6, 1.2], tau: 0.5, flow: layer() });
      for (const p of [
        new IGR_I({ mu: [0, 0.2, -0.4], sigma: [1, 1.3, 0.8], tau: 0.5 }),
        new IGR_Planar({ mu: [0, 0.2, -0.4], sigma: [1, 1.3, 0.8], tau: 0.5, flow: otherLayer() }),
      ]) {
        const kl = klIgrPlanarGaussianMc(q, p, { rng: new RandomStream(9), samples: 64 }).dataSync()[0];
        const draw = q.rsampleDetailed(new RandomStream(9), [64]);
        const direct = tf.mean(tf.sub(q.logProbFromLatent(draw.y), p.logProbFromLog(draw.logZ))).dataSync()[0];
        expect(Math.abs(kl - direct)).toBeLessThan(2e-3 * Math.max(1, Math.abs(direct)));
      }
    });
  });

  it('sticking the landing: same value; zero gradient to μ when q = p, unlike the plain estimator', () => {
    tf.tidy(() => {
      const mu0 = tf.tensor1d([0.5, -0.3, 0.1]);
      const make = (mu: tf.Tensor) => new IGR_Planar({ mu, sigma: [0.9, 0.6, 1.2], tau: 0.5, flow: layer() });
      // p holds its own copy of μ: it is the fixed target, not a function of the μ we differentiate.
      const p = make(tf.tensor1d([0.5, -0.3, 0.1]));
      const est = (stl: boolean) => (mu: tf.Tensor) =>
        tf.sum(klIgrPlanarGaussianMc(make(mu), p, { rng: new RandomStream(4), samples: 8, stickingTheLanding: stl }));
      expect(est(true)(mu0).dataSync()[0]).toBeCloseTo(est(false)(mu0).dataSync()[0], 5);
      const gStl = Array.from(tf.grad(est(true))(mu0).dataSync());
      const gPlain = Array.from(tf.grad(est(false))(mu0).dataSync());
      gStl.forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-4));
      expect(Math.max(...gPlain.map(Math.abs))).toBeGreaterThan(1e-2);
    });
  });

  it('needs a random stream', () => {
    tf.tidy(() => {
      const q = new IGR_Planar({ mu: [0.5, -0.3, 0.1], sigma: 1, tau: 0.5, flow: layer() });
      expect(() => klIgrPlanarGaussianMc(q, new IGR_I({ mu: [0, 0, 0], sigma: 1, tau: 0.5 }), {})).toThrow(/rng/);
    });
  });
});
