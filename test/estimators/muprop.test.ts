// MuProp (runtime/estimators/muprop.ts) on a two-layer belief net small enough to enumerate: z1 ∈ {0,1}² ~
// Bernoulli(σ(φ1)), z2 ∈ {0,1}² ~ Bernoulli(σ(z1 W + φ2)), a smooth f(z1, z2). The exact gradient of E[f] with
// respect to (φ1, W, φ2) is a float64 sum over the 16 configurations, differentiated by central differences. The
// MuProp mean over many draws must match it within 4 standard errors, and its variance must be below REINFORCE's
// (the paper's claim, arXiv:1511.05176 section 5).
import { describe, expect, it } from 'vitest';
import { meanFieldExpansion, mupropSurrogate } from '../../runtime/estimators/muprop.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { RandomStream } from '../../stdlib/random.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';
import { configurations, finiteDifference, gradientStats, logQ, maxZ, sigmoid } from './exact64.js';

const PHI1 = [0.3, -0.8];
const W = [0.9, -1.2, 0.4, 1.5]; // row-major [2, 2]: logits2_j = Σ_i z1_i W[i][j] + φ2_j
const PHI2 = [-0.2, 0.6];

/** f(z1, z2) = (1.5 z1₀ − z1₁ + 2 z2₀ + 0.5 z2₁ − 1)² + 0.8 sin(3 z2₁ + z1₀), in float64. */
const f64 = (z1: readonly number[], z2: readonly number[]) => (1.5 * z1[0] - z1[1] + 2 * z2[0] + 0.5 * z2[1] - 1) ** 2 + 0.8 * Math.sin(3 * z2[1] + z1[0]);
/** The same f on [N, 2] tensors (continuous in z, as the mean-field pass needs). */
const fTf = (z1: tf.Tensor, z2: tf.Tensor): tf.Tensor => {
  const [a, b] = tf.unstack(z1, 1);
  const [c, d] = tf.unstack(z2, 1);
  const lin = tf.addN([tf.mul(a, 1.5), tf.neg(b), tf.mul(c, 2), tf.mul(d, 0.5), tf.fill(a.shape, -1)]);
  return tf.add(tf.square(lin), tf.mul(0.8, tf.sin(tf.add(tf.mul(d, 3), a))));
};

/** E[f] by enumeration; p = [φ1 (2), W (4), φ2 (2)]. */
function exact(p: readonly number[]): number {
  const [phi1, w, phi2] = [p.slice(0, 2), p.slice(2, 6), p.slice(6)];
  let total = 0;
  for (const z1 of configurations(2)) {
    const logits2 = [0, 1].map((j) => z1[0] * w[j] + z1[1] * w[2 + j] + phi2[j]);
    for (const z2 of configurations(2)) total += Math.exp(logQ(z1, phi1) + logQ(z2, logits2)) * f64(z1, z2);
  }
  return total;
}

/** Per-draw estimates of ∇E[f] with respect to (φ1, W, φ2). */
function estimates(n: number, seed: number, kind: 'muprop' | 'reinforce' | 'biased'): number[][] {
  const rng = new RandomStream(seed);
  return tf.tidy(() => {
    const params = [tf.tensor1d(PHI1), tf.tensor2d(W, [2, 2]), tf.tensor1d(PHI2)];
    const tiled = params.map((p) => tf.tile(tf.expandDims(p, 0), [n, ...p.shape.map(() => 1)]));
    const layer2 = (z1: tf.Tensor, w: tf.Tensor, phi2: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.expandDims(z1, 2), w), 1), phi2);
    const grads = tf.grads((phi1: tf.Tensor, w: tf.Tensor, phi2: tf.Tensor) => {
      const q1 = new Bernoulli({ logits: phi1 });
      const z1 = q1.sample(rng);
      const q2 = new Bernoulli({ logits: layer2(z1, w, phi2) });
      const z2 = q2.sample(rng);
      const logq1 = tf.sum(q1.logProb(z1), 1);
      const logq2 = tf.sum(q2.logProb(z2), 1);
      const f = fTf(z1, z2);
      if (kind === 'reinforce') return tf.mean(tf.mul(stopGradient(f), tf.add(logq1, logq2))) as tf.Scalar;
      // The mean-field pass: every unit replaced by its mean given the mean-field parents (paper Algorithm 1).
      const mf = (offsets: readonly tf.Tensor[]) => {
        const m1 = tf.add(tf.sigmoid(phi1), offsets[0]);
        const m2 = tf.add(tf.sigmoid(layer2(m1, w, phi2)), offsets[1]);
        return { signal: fTf(m1, m2), points: [m1, m2] };
      };
      const { value, slopes, points } = meanFieldExpansion(mf, [z1.shape, z2.shape]);
      const [bar1, bar2] = points;
      const t1 = mupropSurrogate({ logq: logq1, signal: f, meanFieldSignal: value, slope: slopes[0], sample: z1, meanField: bar1, mean: tf.sigmoid(phi1) });
      const mu2 = tf.sigmoid(layer2(z1, w, phi2));
      const t2 = mupropSurrogate({ logq: logq2, signal: f, meanFieldSignal: value, slope: slopes[1], sample: z2, meanField: bar2, mean: mu2 });
      // 'biased' subtracts twice layer 1's control variate but adds its correction once.
      if (kind === 'biased') {
        const cv = tf.add(value, tf.sum(tf.mul(slopes[0], tf.sub(z1, bar1)), 1));
        return tf.add(tf.mean(tf.mul(stopGradient(tf.sub(f, tf.mul(cv, 2))), logq1)), t2.term) as tf.Scalar;
      }
      return tf.add(t1.term, t2.term) as tf.Scalar;
    })(tiled);
    const rows = grads.map((g) => tf.reshape(tf.mul(g, n), [n, -1]).arraySync() as number[][]);
    return Array.from({ length: n }, (_, r) => rows.flatMap((g) => g[r]));
  });
}

describe('MuProp (Gu et al. 2016)', () => {
  it('the mean-field pass returns f̄ and the total derivative of f̄ with respect to each layer', () => {
    // One data point; check the slopes against float64 central differences of the mean-field function.
    const phi1 = PHI1;
    const mf64 = (o: number[]) => {
      const m1 = phi1.map((p, i) => sigmoid(p) + o[i]);
      const m2 = [0, 1].map((j) => sigmoid(m1[0] * W[j] + m1[1] * W[2 + j] + PHI2[j]) + o[2 + j]);
      return (1.5 * m1[0] - m1[1] + 2 * m2[0] + 0.5 * m2[1] - 1) ** 2 + 0.8 * Math.sin(3 * m2[1] + m1[0]);
    };
    const fd = finiteDifference(mf64, [0, 0, 0, 0]);
    const { value, slopes } = tf.tidy(() => {
      const w = tf.tensor2d(W, [2, 2]);
      const r = meanFieldExpansion(
        (o) => {
          const m1 = tf.add(tf.sigmoid(tf.tensor2d([phi1])), o[0]);
          const m2 = tf.add(tf.sigmoid(tf.add(tf.matMul(m1, w), tf.tensor2d([PHI2]))), o[1]);
          return { signal: fTf(m1, m2), points: [m1, m2] };
        },
        [[1, 2], [1, 2]],
      );
      return { value: r.value.arraySync() as number[], slopes: r.slopes.map((s) => (s.arraySync() as number[][])[0]) };
    });
    expect(value[0]).toBeCloseTo(mf64([0, 0, 0, 0]), 5);
    [...slopes[0], ...slopes[1]].forEach((s, i) => expect(s).toBeCloseTo(fd[i], 4));
  });

  it('is unbiased for a two-layer belief net, with lower variance than REINFORCE', () => {
    const truth = finiteDifference(exact, [...PHI1, ...W, ...PHI2]);
    const muprop = gradientStats([...estimates(20_000, 1, 'muprop'), ...estimates(20_000, 2, 'muprop')]);
    const reinforce = gradientStats([...estimates(20_000, 3, 'reinforce'), ...estimates(20_000, 4, 'reinforce')]);
    // Measured (40,000 draws): max |bias| / se 1.1 for MuProp, 2.9 for REINFORCE; total variance 8.6 against 16.5.
    expect(maxZ(muprop, truth)).toBeLessThan(4);
    expect(maxZ(reinforce, truth)).toBeLessThan(4);
    expect(muprop.totalVariance).toBeLessThan(reinforce.totalVariance * 0.75);
    // The test can fail: a control variate whose expectation is not the one corrected for is caught (measured 212
    // standard errors).
    const biased = gradientStats(estimates(20_000, 5, 'biased'));
    expect(maxZ(biased, truth)).toBeGreaterThan(4);
  });
});

describe('mean-field values (stdlib/distributions/mean-field.ts)', () => {
  it('Bernoulli and OneHotCategorical score a marked mean by the multilinear extension, an unmarked one as −∞', async () => {
    const { asMeanField } = await import('../../stdlib/distributions/mean-field.js');
    const { OneHotCategorical } = await import('../../stdlib/distributions/one-hot-categorical.js');
    const logits = [0.7, -1.3];
    const b = new Bernoulli({ logits: tf.tensor1d(logits) });
    const m = [0.25, 0.9];
    const expected = m.map((v, i) => v * Math.log(sigmoid(logits[i])) + (1 - v) * Math.log(1 - sigmoid(logits[i])));
    const got = b.logProb(asMeanField(tf.tensor1d(m))).arraySync() as number[];
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 5));
    expect((b.logProb(tf.tensor1d(m)).arraySync() as number[]).every((v) => v === -Infinity)).toBe(true);
    const oh = new OneHotCategorical({ logits: tf.tensor1d([0.1, 0.5, -0.4]) });
    const p = [0.2, 0.3, 0.5];
    const lse = Math.log(Math.exp(0.1) + Math.exp(0.5) + Math.exp(-0.4));
    const want = p[0] * (0.1 - lse) + p[1] * (0.5 - lse) + p[2] * (-0.4 - lse);
    expect((oh.logProb(asMeanField(tf.tensor1d(p))).arraySync() as number)).toBeCloseTo(want, 5);
  });
});
