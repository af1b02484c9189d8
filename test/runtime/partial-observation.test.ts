// Partial observation's row weights (runtime/estimators/partial-observation.ts) for a one-hot latent
// (OneHotCategorical, value [rows, K]) and an index latent (Categorical, value [rows]): observed rows weigh 1 at the
// observed value and 0 elsewhere, unobserved rows q(value). A one-hot value used to be compared elementwise with
// the data ([rows, K] against the [rows] weight), which failed with an internal broadcast error in training.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { observedLogWeight, observedWeight } from '../../runtime/estimators/partial-observation.js';
import { tf } from '../../stdlib/tf.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const arr = (t: tf.Tensor) => Array.from(t.dataSync(), Number);
const oneHot = (ks: number[], k: number) => ks.map((i) => Array.from({ length: k }, (_, j) => (j === i ? 1 : 0)));

// Three rows: the value held by each row's copy, the data, the mask (rows 0 and 1 observed), log q at the value.
const value = [2, 1, 0];
const data = [2, 0, 1];
const mask = tf.tensor1d([1, 1, 0]);
const logQ = [Math.log(0.5), Math.log(0.25), Math.log(0.125)];

describe('partial observation row weights', () => {
  it('one-hot values: log weight 0 where the row matches its data, -Infinity where not, log q where unobserved', () => {
    const w = observedLogWeight(tf.tensor1d(logQ), tf.tensor2d(oneHot(value, 3)), tf.tensor2d(oneHot(data, 3)), mask);
    expect(w.shape).toEqual([3]);
    const got = arr(w);
    expect(got[0]).toBe(0);
    expect(got[1]).toBe(-Infinity);
    expect(got[2]).toBeCloseTo(logQ[2], 6);
  });

  it('one-hot values: weight 1[value = y] on observed rows, q elsewhere', () => {
    const w = observedWeight(tf.exp(tf.tensor1d(logQ)), tf.tensor2d(oneHot(value, 3)), tf.tensor2d(oneHot(data, 3)), mask);
    expect(w.shape).toEqual([3]);
    const got = arr(w);
    expect(got.slice(0, 2)).toEqual([1, 0]);
    expect(got[2]).toBeCloseTo(0.125, 6);
  });

  it('index values give the same weights as their one-hot encodings', () => {
    const w = observedLogWeight(tf.tensor1d(logQ), tf.tensor1d(value), tf.tensor1d(data), mask);
    expect(w.shape).toEqual([3]);
    expect(arr(w).slice(0, 2)).toEqual([0, -Infinity]);
    const p = observedWeight(tf.exp(tf.tensor1d(logQ)), tf.tensor1d(value), tf.tensor1d(data), mask);
    expect(arr(p).slice(0, 2)).toEqual([1, 0]);
  });
});
