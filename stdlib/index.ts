/**
 * sgm/stdlib: the papers' distributions, relaxations, transforms and KL divergences on TensorFlow.js.
 * Everything here runs on any tfjs backend. See docs/stdlib.md.
 */
export { tf } from './tf.js';
export { RandomStream } from './random.js';
export { Distribution, UnsupportedOperationError } from './distributions/distribution.js';
export * from './signatures/index.js';
export { queryKl, KL_RULES, type KlDescription, type KlPlan, type KlRule } from './kl/rules.js';
export type { KlCompute, KlOptions } from './kl/kl-compute.js';
// ── section S1: special/normal, quadrature, transforms, Normal/LogNormal/Uniform, IGR family, fitPrior ──
// ── section S2: special/gamma, discrete distributions, Gumbel-Softmax family, GenGS, KL registry ──
