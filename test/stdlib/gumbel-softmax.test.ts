// Gumbel-Softmax / Concrete, ExpConcrete and RelaxedBernoulli (docs/math.md section 6): densities against the
// papers' formulas in float64, normalisation by quadrature, consistency between the three, stability at
// τ ∈ {1, 0.1, 0.01} with logits ±100, and straight-through.
import { describe, expect, it } from 'vitest';
import { ExpConcrete, expConcreteLogProb } from '../../stdlib/distributions/exp-concrete.js';
import { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import { RelaxedBernoulli } from '../../stdlib/distributions/relaxed-bernoulli.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { concreteLogDensity } from './helpers/reference-pmf.js';

const finite = (t: tf.Tensor): boolean => Array.from(t.dataSync()).every(Number.isFinite);

describe('densities', () => {
  it('Concrete density matches Jang et al. eq. (3) (IGR v1 eq. (7)) for K = 4 over several τ (batched)', () => {
    const logits = [[0.3, -1, 2, 0], [1, 1, 1, 1]];
    const z = [0.1, 0.2, 0.6, 0.1];
    for (const tau of [0.3, 1, 2.5]) {
      const got = tf.tidy(() => Array.from(new GumbelSoftmax({ logits, tau }).logProb(tf.tensor(z)).dataSync()));
      logits.forEach((l, b) => expect(Math.abs(got[b] - concreteLogDensity(l, tau, z))).toBeLessThan(1e-4));
    }
  });

  it('K = 2 Concrete and RelaxedBernoulli densities integrate to 1 and agree with each other', () => {
    // Midpoint rule on (0, 1) in the logit variable (smooth, fast-decaying integrand): ∫ p(z) dz = ∫ p(σ(y)) σ'(y) dy.
    const ys = Array.from({ length: 4000 }, (_, i) => -40 + (i + 0.5) * 0.02);
    const zs = ys.map((y) => 1 / (1 + Math.exp(-y)));
    // log z and log(1 - z) in float64: z itself rounds to 1 in float32 beyond y ≈ 17 (log space is the point).
    const logPairs = ys.map((y) => [-Math.log1p(Math.exp(-y)), -Math.log1p(Math.exp(y))]);
    const [gs, rb] = tf.tidy(() => {
      return [
        Array.from(new GumbelSoftmax({ logits: [0.8, -0.4], tau: 0.7 }).logProbLog(tf.tensor(logPairs)).dataSync()),
        Array.from(new RelaxedBernoulli({ logits: 1.2, tau: 0.7 }).logProbFromLogit(tf.tensor(ys)).dataSync()),
      ];
    });
    const integral = (lp: number[]): number => lp.reduce((a, l, i) => a + Math.exp(l) * zs[i] * (1 - zs[i]) * 0.02, 0);
    expect(Math.abs(integral(gs) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(integral(rb) - 1)).toBeLessThan(1e-3);
    // Binary Concrete with ℓ = ℓ1 - ℓ2 is the density of z1 of the K = 2 Concrete (Maddison et al. section 3.4).
    for (const i of [500, 1800, 2000, 2300, 3500]) expect(Math.abs(gs[i] - rb[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(rb[i])));
  });

  it('ExpConcrete of log z = Concrete of z + Σ log z; expConcreteLogProb is invariant to shifting the logits', () => {
    const [exp, con, shifted] = tf.tidy(() => {
      const y = tf.log(tf.tensor([0.25, 0.05, 0.7]));
      return [
        new ExpConcrete({ logits: [1, 0, -1], tau: 0.4 }).logProb(y).dataSync()[0],
        new GumbelSoftmax({ logits: [1, 0, -1], tau: 0.4 }).logProb(tf.exp(y)).dataSync()[0],
        expConcreteLogProb(tf.tensor([11, 10, 9]), 0.4, y).dataSync()[0],
      ];
    });
    expect(Math.abs(exp - (con + Math.log(0.25 * 0.05 * 0.7)))).toBeLessThan(1e-4);
    expect(Math.abs(exp - (concreteLogDensity([1, 0, -1], 0.4, [0.25, 0.05, 0.7]) + Math.log(0.25 * 0.05 * 0.7)))).toBeLessThan(1e-4);
    expect(Math.abs(shifted - exp)).toBeLessThan(1e-4);
  });
});

describe('samplers', () => {
  it('RelaxedBernoulli logits are logistic: τy - ℓ has mean 0 and variance π²/3', () => {
    const [mean, variance] = tf.tidy(() => {
      const d = new RelaxedBernoulli({ logits: 0.7, tau: 0.3 });
      const l = tf.sub(tf.mul(0.3, d.rsampleLogit(new RandomStream(5), [20000])), 0.7);
      const m = tf.moments(l);
      return [m.mean.dataSync()[0], m.variance.dataSync()[0]];
    });
    const sdev = Math.PI / Math.sqrt(3);
    expect(Math.abs(mean)).toBeLessThan((5 * sdev) / Math.sqrt(20000));
    expect(Math.abs(variance - sdev ** 2)).toBeLessThan(0.1);
  });

  it('hard draws are one-hot in the forward pass and carry the relaxed gradient', () => {
    tf.tidy(() => {
      const w = tf.tensor([0.3, -1.2, 2.0]);
      const run = (hard: boolean) => (logits: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(new GumbelSoftmax({ logits, tau: 0.5, hard }).rsample(new RandomStream(3), [16]), w)) as tf.Scalar;
      const hardValue = new GumbelSoftmax({ logits: [1, 0, -1], tau: 0.5, hard: true }).rsample(new RandomStream(3), [16]);
      const rows = hardValue.arraySync() as number[][];
      expect(rows.every((r) => r.filter((v) => v === 1).length === 1 && r.filter((v) => v === 0).length === 2)).toBe(true);
      const gHard = Array.from(tf.grad(run(true))(tf.tensor([1, 0, -1])).dataSync());
      const gSoft = Array.from(tf.grad(run(false))(tf.tensor([1, 0, -1])).dataSync());
      gHard.forEach((g, i) => expect(g).toBeCloseTo(gSoft[i], 5));
      expect(gSoft.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    });
  });

  it('RelaxedBernoulli hard draws are 0/1 with the relaxed gradient', () => {
    tf.tidy(() => {
      const f = (hard: boolean) => (logits: tf.Tensor): tf.Scalar =>
        tf.sum(new RelaxedBernoulli({ logits, tau: 0.5, hard }).rsample(new RandomStream(8), [32])) as tf.Scalar;
      const v = Array.from(new RelaxedBernoulli({ logits: [0.2, -0.3], tau: 0.5, hard: true }).rsample(new RandomStream(8), [32]).dataSync());
      expect(v.every((x) => x === 0 || x === 1)).toBe(true);
      const gh = tf.grad(f(true))(tf.tensor([0.2, -0.3])).dataSync();
      const gs = tf.grad(f(false))(tf.tensor([0.2, -0.3])).dataSync();
      expect(gh[0]).toBeCloseTo(gs[0], 5);
      expect(gh[1]).toBeCloseTo(gs[1], 5);
    });
  });
});

describe('stability at τ ∈ {1, 0.1, 0.01} and logits ±100', () => {
  for (const tau of [1, 0.1, 0.01]) {
    it(`τ = ${tau}: samples, log densities and gradients (to logits and τ) are finite`, () => {
      tf.tidy(() => {
        const logits = tf.tensor([[100, -100, 0], [-100, -100, 100], [0.5, 0, -0.5]]);
        const t = tf.scalar(tau);
        const gsObjective = (l: tf.Tensor, tt: tf.Tensor): tf.Scalar => {
          const d = new GumbelSoftmax({ logits: l, tau: tt });
          const { value, logSoft } = d.rsampleWithLog(new RandomStream(13), [32]);
          return tf.add(tf.sum(tf.mul(value, tf.tensor([1, 2, 3]))), tf.mean(d.logProbLog(logSoft))) as tf.Scalar;
        };
        const expObjective = (l: tf.Tensor, tt: tf.Tensor): tf.Scalar => {
          const d = new ExpConcrete({ logits: l, tau: tt });
          return tf.mean(d.logProb(d.rsample(new RandomStream(14), [32]))) as tf.Scalar;
        };
        const rbObjective = (l: tf.Tensor, tt: tf.Tensor): tf.Scalar => {
          const d = new RelaxedBernoulli({ logits: tf.reshape(l, [-1]), tau: tt, hard: true });
          const { value, logit } = d.rsampleWithLogit(new RandomStream(15), [32]);
          return tf.add(tf.sum(value), tf.mean(d.logProbFromLogit(logit))) as tf.Scalar;
        };
        for (const objective of [gsObjective, expObjective, rbObjective]) {
          const grads = tf.grads(objective)([logits, t]);
          expect(finite(objective(logits, t))).toBe(true);
          expect(grads.every(finite)).toBe(true);
        }
        // logProb on z itself (clamped log) stays finite even where z has exact zeros.
        const gs = new GumbelSoftmax({ logits, tau, hard: true });
        expect(finite(gs.logProb(gs.rsample(new RandomStream(2), [8])))).toBe(true);
        const rb = new RelaxedBernoulli({ logits: [100, -100, 0], tau });
        expect(finite(rb.logProb(rb.rsample(new RandomStream(2), [8])))).toBe(true);
      });
    });
  }

  it('leaves no tensors behind inside tf.tidy', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const d = new GumbelSoftmax({ logits: [1, 2, 3], tau: 0.1, hard: true });
      d.logProbLog(d.rsampleWithLog(new RandomStream(1), [3]).logSoft);
      d.logProb(d.sample(new RandomStream(1), [3]));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
