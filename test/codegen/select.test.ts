// select(): indexing and slicing with gradients, against plain JS indexing and finite differences.
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { UserError } from '../../runtime/errors.js';
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

describe('select with a tensor index (gather), on cpu and wasm', () => {
  /** Plain-JS x[..., idx[...], ...] of the [2, 3, 4] tensor above, with the index on axis 1. */
  const reference = (index: number[][]) =>
    [0, 1].map((i) => index.map((row) => row.map((k) => Array.from({ length: 4 }, (_, j) => i * 12 + k * 4 + j))));

  it.each(['cpu', 'wasm'] as const)('%s: gathers on an axis and differentiates to a scatter-add', async (backend) => {
    await initBackend(backend);
    const t = tf.tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    // Indices as float32, as discrete samples are; index 2 twice so the gradient must add.
    const index = [
      [2, 0],
      [2, 1],
    ];
    const idx = tf.tensor2d(index);
    const y = select(t, [null, idx]);
    expect(y.shape).toEqual([2, 2, 2, 4]);
    expect(y.arraySync()).toEqual(reference(index));
    // With a constant index before it, the gathered axis moves left: x[1, c] = x[1][c].
    expect(select(t, [1, idx]).arraySync()).toEqual(reference(index)[1]);
    // d/dx Σ w ⊙ x[:, idx]: each x[i, k, j] collects the weights of every position that selected row k.
    const w = tf.tensor(Array.from({ length: 32 }, (_, i) => (i % 5) - 2), [2, 2, 2, 4]);
    const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(select(u, [null, idx]), w)))(t).arraySync() as number[][][];
    const wv = w.arraySync() as number[][][][];
    for (let i = 0; i < 2; i++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < 4; j++) {
          let expected = 0;
          index.forEach((row, a) => row.forEach((kk, b) => (expected += kk === k ? wv[i][a][b][j] : 0)));
          expect(g[i][k][j]).toBeCloseTo(expected, 6);
        }
  });

  it('rejects an index outside the axis with a user error naming the expression', async () => {
    await initBackend('cpu');
    const t = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    expect(() => select(t, [tf.tensor1d([0, 3])], 'means[n]')).toThrow(UserError);
    expect(() => select(t, [tf.tensor1d([0, 3])], 'means[n]')).toThrow(/means\[n\]: the index takes the value 3, outside the axis of size 3/);
    expect(() => select(t, [tf.tensor1d([-1])], 'means[n]')).toThrow(UserError);
  });
});
