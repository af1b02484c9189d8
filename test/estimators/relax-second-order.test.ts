// Second-order pieces of REBAR/RELAX's variance gradient: zero gradients of comparisons (tfjs' Maximum and Max
// backward passes compare) and RELAX's network over the rows of a batch-total signal.
import { describe, expect, it } from 'vitest';
import { registerComparisonGradients } from '../../runtime/estimators/comparison-gradients.js';
import { ControlNetwork } from '../../runtime/estimators/relax.js';
import { tf } from '../../stdlib/tf.js';

describe('comparison gradients', () => {
  it('differentiates the backward pass of maximum: d/da [∂/∂x Σ max(a x, a x / 2)] at x = 1 is 1 (a > 0), 1/2 (a < 0)', () => {
    registerComparisonGradients();
    const a = tf.tensor1d([2, -3, 0.7]);
    const outer = tf.grad((av: tf.Tensor) => {
      const inner = tf.grad((x: tf.Tensor) => tf.sum(tf.maximum(tf.mul(av, x), tf.mul(tf.mul(av, x), 0.5))));
      return tf.sum(inner(tf.ones([3])));
    });
    expect(Array.from(outer(a).dataSync())).toEqual([1, 0.5, 1]);
  });

  it('differentiates the backward pass of the max reduction: d/da [∂/∂x max(a ⊙ x)] at x = 1 is one-hot(argmax a)', () => {
    registerComparisonGradients();
    const a = tf.tensor1d([0.3, 2, -1]);
    const g = tf.grad((av: tf.Tensor) => {
      const inner = tf.grad((x: tf.Tensor) => tf.max(tf.mul(av, x)));
      return tf.sum(inner(tf.ones([3])));
    })(a);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0]);
  });
});

describe('comparison gradients of bool and int inputs', () => {
  it('are float32 zeros, as tfjs\' backward pass requires of every gradient (LogicalNot, LogicalAnd, Less on int32)', () => {
    registerComparisonGradients();
    const b = tf.tensor1d([true, false, true], 'bool');
    const i = tf.tensor1d([1, 2, 3], 'int32');
    const not = tf.getGradient('LogicalNot')!.gradFunc(tf.ones([3]), [b], {}) as Record<string, () => tf.Tensor>;
    const and = tf.getGradient('LogicalAnd')!.gradFunc(tf.ones([3]), [b, b], {}) as Record<string, () => tf.Tensor>;
    const less = tf.getGradient('Less')!.gradFunc(tf.ones([3]), [i, i], {}) as Record<string, () => tf.Tensor>;
    for (const g of [not.x(), and.a(), and.b(), less.a()]) {
      expect(g.dtype).toBe('float32');
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
    }
    // The case the model generator found: a gradient taken through logicalNot with the tape recording it.
    const x = tf.tensor1d([-1, 2, -3]);
    const y = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, tf.cast(tf.logicalNot(tf.greater(v, 0)), 'float32'))))(x);
    expect(Array.from(y.dataSync())).toEqual([1, 0, 1]);
  });
});

describe('RELAX control network', () => {
  it('with a batch-total signal sums r over the rows of its input size', () => {
    const net = new ControlNetwork(2, 4, 7);
    // Non-zero output layer so that r is not identically zero.
    net.W2.assign(tf.tensor2d([[1], [-2], [0.5], [3]]));
    const x = tf.tensor2d([[0.1, -0.4], [0.9, 0.2], [-0.5, 0.3]]);
    const perRow = net.apply(x, false);
    const total = net.apply(x, true);
    expect(perRow.shape).toEqual([3]);
    expect(total.shape).toEqual([]);
    expect(total.dataSync()[0]).toBeCloseTo(Array.from(perRow.dataSync()).reduce((p, q) => p + q, 0), 5);
    // A latent without a batch axis (one row) gives r of that row.
    expect(net.apply(tf.tensor1d([0.1, -0.4]), true).dataSync()[0]).toBeCloseTo(perRow.dataSync()[0], 5);
    net.dispose();
  });
});
