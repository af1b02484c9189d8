// softmax++ (docs/math.md sections 1 and 9): test vectors for δ = 1 and δ = 0.1, inverse, log-det against a
// float64 finite-difference Jacobian, and stability at τ = 0.01 with |y| = 100.
import { describe, expect, it } from 'vitest';
import {
  logSoftmaxPlusPlus,
  softmaxPlusPlus,
  softmaxPlusPlusInverse,
  softmaxPlusPlusInverseLog,
  softmaxPlusPlusLogDet,
} from '../../stdlib/transforms/softmax-plus-plus.js';
import { tf } from '../../stdlib/tf.js';
import { allFinite, logAbsDet, numericJacobian } from './helpers/jacobian.js';

const Y = [1, -0.5, 0.3];
// docs/math.md section 9 (numpy).
const VECTORS = [
  { delta: 1, g: [0.6984609268, 0.0347743219, 0.172238344, 0.0945264074], logDet: -5.756062621 },
  { delta: 0.1, g: [0.7634068204, 0.0380077876, 0.1882538042, 0.0103315878], logDet: -7.703000369 },
];

/** Naive float64 softmax++ on the first K-1 entries (the free coordinates), for finite differences. */
const reference = (y: number[], tau: number, delta: number): number[] => {
  const e = y.map((v) => Math.exp(v / tau));
  const den = e.reduce((a, b) => a + b, 0) + delta;
  return e.map((v) => v / den);
};

describe('softmaxPlusPlus', () => {
  for (const v of VECTORS) {
    it(`matches the docs/math.md section 9 test vector with δ = ${v.delta}`, () => {
      const [g, logDet] = tf.tidy(() => [
        Array.from(softmaxPlusPlus(tf.tensor1d(Y), 0.5, v.delta).dataSync()),
        softmaxPlusPlusLogDet(tf.tensor1d(Y), 0.5, v.delta).dataSync()[0],
      ]);
      g.forEach((x, i) => expect(Math.abs(x - v.g[i])).toBeLessThan(1e-6));
      expect(Math.abs(logDet - v.logDet)).toBeLessThan(1e-5);
    });
  }

  it('defaults δ to 1', () => {
    const g = tf.tidy(() => Array.from(softmaxPlusPlus(tf.tensor1d(Y), 0.5).dataSync()));
    g.forEach((x, i) => expect(Math.abs(x - VECTORS[0].g[i])).toBeLessThan(1e-6));
  });

  it('log-det equals log|det| of a float64 finite-difference Jacobian', () => {
    const cases = [
      { y: [0.2, -0.4, 0.9, 0.1], tau: 1, delta: 1 },
      { y: [0.05, -0.02, 0.03], tau: 0.1, delta: 0.1 },
      { y: [2, -1], tau: 0.7, delta: 3 },
    ];
    for (const c of cases) {
      const want = logAbsDet(numericJacobian((y) => reference(y, c.tau, c.delta), c.y));
      const got = tf.tidy(() => softmaxPlusPlusLogDet(tf.tensor1d(c.y), c.tau, c.delta).dataSync()[0]);
      expect(Math.abs(got - want)).toBeLessThan(2e-4);
    }
  });

  it('accepts τ as a scalar tensor and is batched over leading axes', () => {
    const got = tf.tidy(() => {
      const y = tf.tensor3d([...Y, ...Y.map((v) => -v)], [2, 1, 3]);
      return softmaxPlusPlus(y, tf.scalar(0.5)).arraySync() as number[][][];
    });
    got[0][0].forEach((x, i) => expect(Math.abs(x - VECTORS[0].g[i])).toBeLessThan(1e-6));
    expect(Math.abs(got[1][0].reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
  });

  it('inverts: y = softmax++⁻¹(softmax++(y)), from z and from log z', () => {
    const [fromZ, fromLog] = tf.tidy(() => {
      const y = tf.tensor2d([Y, [3, 0.1, -2]]);
      return [
        Array.from(softmaxPlusPlusInverse(softmaxPlusPlus(y, 0.5, 0.1), 0.5, 0.1).dataSync()),
        Array.from(softmaxPlusPlusInverseLog(logSoftmaxPlusPlus(y, 0.5, 0.1), 0.5, 0.1).dataSync()),
      ];
    });
    const want = [...Y, 3, 0.1, -2];
    want.forEach((w, i) => {
      expect(Math.abs(fromZ[i] - w)).toBeLessThan(1e-5);
      expect(Math.abs(fromLog[i] - w)).toBeLessThan(1e-5);
    });
  });

  it('is finite with finite gradients at τ = 0.01 and |y| = 100; the last entry is exact in log space', () => {
    const ys = [
      [100, -100, 50],
      [-100, -100, -100],
      [100, 100, 100],
      [0, 0, 0],
    ];
    tf.tidy(() => {
      const y = tf.tensor2d(ys);
      for (const tau of [1, 0.1, 0.01]) {
        const logG = logSoftmaxPlusPlus(y, tau);
        expect(allFinite(logG.dataSync())).toBe(true);
        expect(allFinite(softmaxPlusPlusLogDet(y, tau).dataSync())).toBe(true);
        const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(softmaxPlusPlus(x, tau), tf.tensor1d([1, 2, 3, 4]))))(y);
        expect(allFinite(grad.dataSync())).toBe(true);
        const gradLogDet = tf.grad((x: tf.Tensor) => tf.sum(softmaxPlusPlusLogDet(x, tau)))(y);
        expect(allFinite(gradLogDet.dataSync())).toBe(true);
      }
      // All y = -100 at τ = 0.01: g_K = 1/(1 + 3 e^{-10000}) = 1 and log g_k = -10000 exactly (no underflow to -inf).
      const logG = logSoftmaxPlusPlus(y, 0.01).arraySync() as number[][];
      expect(logG[1][0]).toBeCloseTo(-10000, 1);
      expect(logG[1][3]).toBeCloseTo(0, 6);
    });
  });

  it('Proposition 1: argmax over the K outputs (δ = 1) is the hard map h(y) at low τ', () => {
    const got = tf.tidy(() => Array.from(tf.argMax(softmaxPlusPlus(tf.tensor2d([[0.3, -1, 0.2], [-0.3, -1, -0.2]]), 0.01), -1).dataSync()));
    expect(got).toEqual([0, 3]);
  });
});
