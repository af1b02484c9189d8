/**
 * Mean-field values of discrete variables: the expectation E[z] (a probability in [0, 1] for Bernoulli, a point
 * of the simplex for OneHotCategorical) standing in for a draw, as MuProp's mean-field pass does (Gu et al.,
 * arXiv:1511.05176, section 3; runtime/estimators/muprop.ts). logProb of such a value is the multilinear
 * extension of the pmf, x·ℓ − softplus(ℓ) (Bernoulli) or Σ x·log p (OneHotCategorical): the same formula as at
 * the vertices, without the mask that sends non-vertex values to −∞, so it is finite and differentiable in x.
 */
import type { tf } from '../tf.js';

const MEAN_FIELD = new WeakSet<tf.Tensor>();

/** Marks `t` as a mean-field value (returns it). */
export function asMeanField<T extends tf.Tensor>(t: T): T {
  MEAN_FIELD.add(t);
  return t;
}

/** Whether `t` was marked by `asMeanField`. */
export function isMeanField(t: tf.Tensor): boolean {
  return MEAN_FIELD.has(t);
}
