// VIMCO (runtime/estimators/vimco.ts) on a model small enough to enumerate: three Bernoulli latents, K = 3 draws
// per data point, so the K-sample bound E[L̂] is a sum over 8^3 = 512 joint configurations, computed in float64
// here and differentiated by central differences. The estimator's mean over many draws must match that gradient
// (within 4 standard errors), and its variance must be below the naive multi-sample score function's (the paper's
// claim, arXiv:1602.06725 section 3: the shared learning signal L̂ is what VIMCO replaces).
import { describe, expect, it } from 'vitest';
import { iwaeBound, vimcoLeaveOneOutBounds, vimcoSurrogate } from '../../runtime/estimators/vimco.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { RandomStream } from '../../stdlib/random.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';
import { configurations, finiteDifference, gradientStats, logBernoulli, logQ, maxZ } from './exact64.js';

const D = 3;
const K = 3;
const PHI = [0.4, -1.1, 0.7]; // guide logits
const THETA = [-0.3, 0.5, 0.2]; // prior logits
const A = [1.3, -0.7, 2.1]; // log p(x | z) = −(A·z − 1.2)² (an unnormalised likelihood of one fixed x)

const logLik64 = (z: readonly number[]) => -((z.reduce((a, v, i) => a + A[i] * v, 0) - 1.2) ** 2);
const logJoint64 = (z: readonly number[], theta: readonly number[]) => logLik64(z) + z.reduce((a, v, i) => a + logBernoulli(v, theta[i]), 0);

/** E_q[log (1/K) Σ_k p(x, z_k) / q(z_k)] over all K-tuples of configurations, float64. */
function exactBound(phi: readonly number[], theta: readonly number[]): number {
  const zs = configurations(D);
  const lq = zs.map((z) => logQ(z, phi));
  const lw = zs.map((z, i) => logJoint64(z, theta) - lq[i]);
  let total = 0;
  const idx = new Array(K).fill(0);
  for (let t = 0; t < zs.length ** K; t++) {
    let r = t;
    for (let k = 0; k < K; k++) {
      idx[k] = r % zs.length;
      r = Math.floor(r / zs.length);
    }
    const w = idx.map((i) => lw[i]);
    const m = Math.max(...w);
    const bound = m + Math.log(w.reduce((a, v) => a + Math.exp(v - m), 0) / K);
    total += Math.exp(idx.reduce((a, i) => a + lq[i], 0)) * bound;
  }
  return total;
}

/** Per-draw estimates of ∇(−E[L̂]) with respect to (φ, θ), N draws of K samples each. */
function estimates(n: number, seed: number, kind: 'vimco' | 'naive' | 'biased'): number[][] {
  const rng = new RandomStream(seed);
  return tf.tidy(() => {
    const phi = tf.tensor1d(PHI);
    const theta = tf.tensor1d(THETA);
    const a = tf.tensor1d(A);
    const tiled = [phi, theta].map((p) => tf.tile(tf.expandDims(p, 0), [n, 1]));
    const grads = tf.grads((phiN: tf.Tensor, thetaN: tf.Tensor) => {
      const q = new Bernoulli({ logits: phiN }); // [N, D]
      const z = q.sample(rng, [K]); // [K, N, D], off the tape
      const logq = tf.sum(q.logProb(z), -1); // [K, N]
      const prior = new Bernoulli({ logits: thetaN });
      const loglik = tf.neg(tf.square(tf.sub(tf.sum(tf.mul(z, a), -1), 1.2)));
      const logWeights = tf.sub(tf.add(loglik, tf.sum(prior.logProb(z), -1)), logq); // [K, N]
      if (kind === 'vimco') return vimcoSurrogate(logWeights, logq).loss;
      // The naive estimator: every draw's score weighted by the shared signal L̂ (no baseline). 'biased' subtracts
      // each draw's own log weight, a baseline that depends on the draw: the test must catch it.
      const bound = iwaeBound(logWeights);
      if (kind === 'biased') {
        const signal = stopGradient(tf.sub(tf.expandDims(bound, 0), logWeights));
        return tf.neg(tf.mean(tf.add(bound, tf.sum(tf.mul(signal, logq), 0)))) as tf.Scalar;
      }
      return tf.neg(tf.mean(tf.add(bound, tf.sum(tf.mul(stopGradient(tf.expandDims(bound, 0)), logq), 0)))) as tf.Scalar;
    })(tiled);
    const rows = grads.map((g) => tf.mul(g, n).arraySync() as number[][]);
    return Array.from({ length: n }, (_, r) => [...rows[0][r], ...rows[1][r]]);
  });
}

describe('VIMCO (Mnih & Rezende 2016)', () => {
  it('leave-one-out bounds replace each draw by the geometric mean of the others (float64 check)', () => {
    const w = [
      [-3, 0.5],
      [-1, -700],
      [2, -702],
    ]; // [K = 3, B = 2]; the second column is far below exp's range
    const got = vimcoLeaveOneOutBounds(tf.tensor2d(w)).arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      const col = w.map((r) => r[b]);
      for (let k = 0; k < K; k++) {
        const others = col.filter((_, j) => j !== k);
        const replaced = col.map((v, j) => (j === k ? others.reduce((s, o) => s + o, 0) / (K - 1) : v));
        const m = Math.max(...replaced);
        const expected = m + Math.log(replaced.reduce((s, v) => s + Math.exp(v - m), 0) / K);
        expect(got[k][b]).toBeCloseTo(expected, 4);
      }
    }
  });

  it('is unbiased for the gradient of the K-sample bound, and has lower variance than the naive estimator', () => {
    const exact = finiteDifference((p) => -exactBound(p.slice(0, D), p.slice(D)), [...PHI, ...THETA]);
    const vimco = gradientStats([...estimates(20_000, 11, 'vimco'), ...estimates(20_000, 12, 'vimco')]);
    const naive = gradientStats([...estimates(20_000, 13, 'naive'), ...estimates(20_000, 14, 'naive')]);
    // Measured (40,000 draws): max |bias| / se 1.6 for VIMCO, 1.0 for the naive estimator.
    expect(maxZ(vimco, exact)).toBeLessThan(4);
    expect(maxZ(naive, exact)).toBeLessThan(4);
    // The test can fail: a baseline that depends on its own draw is caught.
    expect(maxZ(gradientStats(estimates(20_000, 15, 'biased')), exact)).toBeGreaterThan(4);
    // The θ half of the gradient flows through the weights (identical in both): the guide half differs.
    const guideVariance = (rows: number[][]) => gradientStats(rows.map((r) => r.slice(0, D))).totalVariance;
    const v = guideVariance(estimates(10_000, 21, 'vimco'));
    const nv = guideVariance(estimates(10_000, 21, 'naive'));
    // Measured: 1.99 against 9.00 (4.5 times lower).
    expect(v).toBeLessThan(nv / 2);
  });
});
