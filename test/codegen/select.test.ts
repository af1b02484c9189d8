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

describe('select with a one-hot or relaxed index, on cpu and wasm', () => {
  it.each(['cpu', 'wasm'] as const)('%s: an exact one-hot selects as the integer gather does; a relaxed one mixes', async (backend) => {
    await initBackend(backend);
    const t = tf.tensor(Array.from({ length: 24 }, (_, i) => i * 0.5 - 3), [2, 3, 4]);
    // One-hot rows for categories [[2, 0], [2, 1]] on axis 1: the same selection as the integer index.
    const cats = [
      [2, 0],
      [2, 1],
    ];
    const oneHot = tf.oneHot(tf.tensor2d(cats, undefined, 'int32'), 3).toFloat();
    const gathered = select(t, [null, tf.tensor2d(cats)]);
    const picked = select(t, [null, { oneHot }]);
    expect(picked.shape).toEqual([2, 2, 2, 4]);
    expect(picked.arraySync()).toEqual(gathered.arraySync());
    // A relaxed index w [2, 3] on axis 0 of t[0] ([3, 4]): Σ_k w_k t[0][k], written out by hand.
    const rows = (t.arraySync() as number[][][])[0];
    const w = [
      [0.2, 0.5, 0.3],
      [0.05, 0.05, 0.9],
    ];
    const mixed = select(tf.tensor(rows), [{ oneHot: tf.tensor2d(w) }]).arraySync() as number[][];
    for (let b = 0; b < 2; b++)
      for (let j = 0; j < 4; j++) expect(mixed[b][j]).toBeCloseTo(w[b].reduce((a, wk, k) => a + wk * rows[k][j], 0), 5);
    // Gradients with respect to the weights (the relaxation's path) and the table, against finite differences.
    const table = tf.tensor(rows);
    const weights = tf.tensor2d(w);
    const f = (tb: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(select(tb, [{ oneHot: ww }])));
    const [gTable, gW] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b))([table, weights]);
    const h = 1e-2;
    const fd = (which: 0 | 1, i: number) => {
      const base = (which === 0 ? rows.flat() : w.flat()).slice();
      const shape = which === 0 ? [3, 4] : [2, 3];
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        const u = tf.tensor(v, shape);
        return (which === 0 ? f(u, weights) : f(table, u)).dataSync()[0];
      };
      return (at(h) - at(-h)) / (2 * h);
    };
    const gT = gTable.dataSync();
    const gWv = gW.dataSync();
    for (let i = 0; i < 12; i++) expect(gT[i]).toBeCloseTo(fd(0, i), 1);
    for (let i = 0; i < 6; i++) expect(gWv[i]).toBeCloseTo(fd(1, i), 1);
    expect(() => select(tf.tensor(rows), [{ oneHot: tf.ones([2, 4]) }], 'means[z]')).toThrow(/means\[z\]: a one-hot index of shape \[2, 4\]/);
  });
});
