// select(): indexing and slicing with gradients, against plain JS indexing and finite differences.
import { describe, expect, it } from 'vitest';
import { select } from '../../runtime/ops/select.js';
import { tf } from '../../stdlib/tf.js';

const x = tf.tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);

describe('select', () => {
  it('indexes, slices with steps and keeps whole axes', () => {
    expect(select(x, [null, 1]).arraySync()).toEqual([[4, 5, 6, 7], [16, 17, 18, 19]]);
    expect(select(x, [null, null, -1]).arraySync()).toEqual([[3, 7, 11], [15, 19, 23]]);
    expect(select(x, [1, [0, 3, 2], [1, null, 1]]).arraySync()).toEqual([[13, 14, 15], [21, 22, 23]]);
    expect(select(x, [[null, null, 1]]).shape).toEqual([2, 3, 4]);
  });

  it('has the gradient of a selection (ones where selected)', () => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(select(t, [null, [0, 3, 2], 0])))(x);
    const v = g.arraySync() as number[][][];
    expect(v[0].map((row) => row[0])).toEqual([1, 0, 1]);
    expect(v[1].map((row) => row[1])).toEqual([0, 0, 0]);
    expect(tf.sum(g).dataSync()[0]).toBe(4);
  });
});
