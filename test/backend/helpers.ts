// Shared helpers of the backend tests: seeded random tensors and an elementwise closeness check with a
// relative-plus-absolute tolerance (tfjs' expectArraysClose uses the same form).
import { expect } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { RandomStream } from '../../stdlib/random.js';

/** A seeded standard-normal tensor. */
export function randn(shape: number[], seed: number): tf.Tensor {
  return new RandomStream(seed).normal(shape);
}

/** |a - b| <= atol + rtol |b| elementwise, with the worst index in the failure message. */
export function expectClose(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>, rtol = 1e-5, atol = 1e-5): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const b = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  expect(a.length).toBe(b.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  const where = worst === -1 ? 'all close' : `index ${worst}: ${a[worst]} vs ${b[worst]}`;
  expect(where, where).toBe('all close');
}
