import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { oneHotArgmax, straightThrough } from '../../stdlib/straight-through.js';

describe('straightThrough', () => {
  it('returns the hard value forward and the soft gradient backward', () => {
    const soft = tf.tensor([[0.2, 0.7, 0.1]]);
    const w = tf.tensor([[1, 2, 3]]);
    const f = (s: tf.Tensor) => tf.sum(tf.mul(straightThrough(oneHotArgmax(s), s), w));
    expect(straightThrough(oneHotArgmax(soft), soft).arraySync()).toEqual([[0, 1, 0]]);
    expect(tf.grad(f)(soft).arraySync()).toEqual([[1, 2, 3]]);
  });
});
