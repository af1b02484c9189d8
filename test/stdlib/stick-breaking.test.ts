// Stick-breaking and the sigmoid transform (docs/math.md sections 2 and 9): test vectors, inverses, log-dets
// against float64 finite-difference Jacobians, stability for logits of ±100.
import { describe, expect, it } from 'vitest';
import {
  logStickBreakingFromLogits,
  stickBreaking,
  stickBreakingInverse,
  stickBreakingLogDet,
} from '../../stdlib/transforms/stick-breaking.js';
import { logit, sigmoidLogDet, sigmoidTransform } from '../../stdlib/transforms/sigmoid.js';
import { tf } from '../../stdlib/tf.js';
import { allFinite, logAbsDet, numericJacobian } from './helpers/jacobian.js';

// docs/math.md section 9 (numpy).
const LOGITS = [0.2, -1, 0.5];
const U = [0.5498339973, 0.2689414214, 0.6224593312];
const V = [0.5498339973, 0.1210682846, 0.2048499455, 0.1242477726];

/** Naive float64 stick-breaking of the first K-1 entries. */
const referenceSb = (u: number[]): number[] => {
  let left = 1;
  return u.map((x) => {
    const v = x * left;
    left *= 1 - x;
    return v;
  });
};

describe('stickBreaking', () => {
  it('matches the docs/math.md section 9 test vector (entries and remainder)', () => {
    const v = tf.tidy(() => Array.from(stickBreaking(tf.tensor1d(U)).dataSync()));
    V.forEach((w, i) => expect(Math.abs(v[i] - w)).toBeLessThan(1e-6));
  });

  it('log-det matches the docs/math.md section 9 vector (-1.909539426) and the finite-difference Jacobian', () => {
    const got = tf.tidy(() => stickBreakingLogDet(tf.tensor1d(U)).dataSync()[0]);
    expect(Math.abs(got - -1.909539426)).toBeLessThan(1e-5);
    for (const u of [U, [0.1, 0.9, 0.5, 0.3], [0.99, 0.01]]) {
      const want = logAbsDet(numericJacobian(referenceSb, u));
      const val = tf.tidy(() => stickBreakingLogDet(tf.tensor1d(u)).dataSync()[0]);
      expect(Math.abs(val - want)).toBeLessThan(1e-5);
    }
  });

  it('inverts (K entries in, K-1 out), also when the first stick takes almost everything', () => {
    const [u1, u2] = tf.tidy(() => [
      Array.from(stickBreakingInverse(tf.tensor1d(V)).dataSync()),
      Array.from(stickBreakingInverse(stickBreaking(tf.tensor1d([0.9999, 0.3, 0.6]))).dataSync()),
    ]);
    U.forEach((w, i) => expect(Math.abs(u1[i] - w)).toBeLessThan(1e-5));
    [0.9999, 0.3, 0.6].forEach((w, i) => expect(Math.abs(u2[i] - w)).toBeLessThan(1e-4));
  });

  it('is finite in log space for logits of ±100 (sigmoid rounds to 0 or 1 in float32)', () => {
    const logV = tf.tidy(() => logStickBreakingFromLogits(tf.tensor2d([[100, -100, 100], [-100, 100, -100]])).arraySync() as number[][]);
    expect(allFinite(logV.flat())).toBe(true);
    // First row: u = (1, 0, 1) to float32; log v_1 ≈ 0, log v_2 ≈ -100 - 100, remainder ≈ -100 + 0 - 100.
    expect(logV[0][0]).toBeCloseTo(0, 5);
    expect(logV[0][1]).toBeCloseTo(-200, 3);
    expect(logV[0][3]).toBeCloseTo(-200, 3);
  });
});

describe('sigmoid transform', () => {
  it('maps the docs/math.md section 9 logits to its u, and logit inverts it', () => {
    const [u, back] = tf.tidy(() => {
      const s = sigmoidTransform(tf.tensor1d(LOGITS));
      return [Array.from(s.dataSync()), Array.from(logit(s).dataSync())];
    });
    U.forEach((w, i) => expect(Math.abs(u[i] - w)).toBeLessThan(1e-6));
    LOGITS.forEach((w, i) => expect(Math.abs(back[i] - w)).toBeLessThan(1e-5));
  });

  it('log-det matches the docs/math.md section 9 vector (-4.470955082), the finite-difference Jacobian, and is finite at ±100', () => {
    const got = tf.tidy(() => sigmoidLogDet(tf.tensor1d(LOGITS)).dataSync()[0]);
    expect(Math.abs(got - -4.470955082)).toBeLessThan(1e-5);
    const want = logAbsDet(numericJacobian((y) => y.map((v) => 1 / (1 + Math.exp(-v))), [0.7, -2.5]));
    expect(Math.abs(tf.tidy(() => sigmoidLogDet(tf.tensor1d([0.7, -2.5])).dataSync()[0]) - want)).toBeLessThan(1e-5);
    const far = tf.tidy(() => sigmoidLogDet(tf.tensor1d([100, -100])).dataSync()[0]);
    expect(far).toBeCloseTo(-200, 3);
  });
});
