/**
 * Exact expectations over a finite support (the `enumerate` estimator): generated code evaluates the objective
 * once per configuration and weights each by its probability, so the gradient is exact.
 */
import { tf } from '../../stdlib/tf.js';

/**
 * Every joint configuration of `elements` variables with `k` values each, [k^elements, elements] (row i is i in
 * base k, first element most significant). Used for a variable without a batch axis.
 */
export function jointConfigurations(k: number, elements: number): number[][] {
  const total = k ** elements;
  return Array.from({ length: total }, (_, i) => {
    const row: number[] = [];
    let r = i;
    for (let e = elements - 1; e >= 0; e--) {
      row[e] = r % k;
      r = Math.floor(r / k);
    }
    return row;
  });
}

/** Σ_c weight_c · value_c over configurations stacked on axis 0 (weights are probabilities, not logs). */
export function expectation(values: readonly tf.Tensor[], probs: readonly tf.Tensor[]): tf.Tensor {
  return tf.addN(values.map((v, i) => tf.mul(probs[i], v)));
}
