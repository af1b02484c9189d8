/**
 * The noise of the relaxation-based estimators (REBAR, RELAX; docs/math.md section 11): a discrete draw b is
 * written as b = H(z) with z a continuous reparameterized variable, and z̃ is drawn from p(z | b). Two families:
 *
 * - Bernoulli with logits α: z = α + log u − log(1 − u) (logistic noise), b = [z > 0] (REBAR, Tucker et al. 2017,
 *   arXiv:1703.07370, section 2 and appendix; RELAX, Grathwohl et al. 2018, arXiv:1711.00123, appendix B).
 * - Categorical over the last axis with logits α: z = ℓ + g, ℓ = α − logsumexp(α), g standard Gumbel,
 *   b = one-hot(argmax z) (the Gumbel-max trick; REBAR appendix, "categorical").
 *
 * Every formula is in log space so that large |α| (|α| = 50 and beyond) and uniforms near 0 or 1 stay finite in
 * float32: no probability θ = σ(α) or 1 − θ is ever formed.
 */
import { tf } from '../../stdlib/tf.js';
import { detached } from '../../stdlib/stop-gradient.js';
import type { RandomStream } from '../../stdlib/random.js';

/** The discrete families the relaxation-based estimators apply to. */
export type RelaxationFamily = 'bernoulli' | 'categorical';

/** The two uniform draws of one step: u gives z (and b), v gives z̃ given b. */
export interface RelaxationNoise {
  readonly u: tf.Tensor;
  readonly v: tf.Tensor;
}

/** u, v on (0, 1) strictly (RandomStream.openUniform), each of the logits' shape. */
export function drawNoise(rng: RandomStream, shape: readonly number[]): RelaxationNoise {
  return { u: rng.openUniform([...shape]), v: rng.openUniform([...shape]) };
}

/** log(−log w) for w ∈ (0, 1): the log of an Exponential(1) draw written from a uniform, finite in float32. */
function logExponential(w: tf.Tensor): tf.Tensor {
  // −log w ≥ 1e-7 for w ≤ 1 − 1e-7 (openUniform's upper end), so its log is finite.
  return tf.log(tf.neg(tf.log(w)));
}

/** Normalised log-probabilities ℓ = α − logsumexp(α) over the last axis. */
function logProbs(logits: tf.Tensor): tf.Tensor {
  return tf.sub(logits, tf.logSumExp(logits, -1, true));
}

/**
 * z(α, u), reparameterized: α + logit(u) (Bernoulli), ℓ − log(−log u) (categorical). Differentiable in α.
 */
export function perturb(family: RelaxationFamily, logits: tf.Tensor, u: tf.Tensor): tf.Tensor {
  if (family === 'bernoulli') return tf.add(logits, tf.sub(tf.log(u), tf.log1p(tf.neg(u))));
  return tf.sub(logProbs(logits), logExponential(u));
}

/** b = H(z): [z > 0] (Bernoulli) or one-hot(argmax z) (categorical); off the tape (a step has no gradient). */
export function hardThreshold(family: RelaxationFamily, z: tf.Tensor): tf.Tensor {
  if (family === 'bernoulli') return detached((x) => tf.cast(tf.greater(x, 0), 'float32'), z);
  const k = z.shape[z.shape.length - 1];
  return detached((x) => tf.oneHot(tf.argMax(x, -1), k).toFloat(), z);
}

/**
 * z̃ ~ p(z | b), reparameterized in α with the uniform v (b held constant).
 *
 * Bernoulli: given b = 1, u is uniform on (1 − θ, 1), u = 1 − θ + vθ, and z̃ = α + logit(u) simplifies to
 * softplus(α + log v) − log(1 − v); given b = 0 the mirror image (−α, −z̃): z̃ = −softplus(log v − α) + log(1 − v).
 * (The same law as REBAR's appendix "v' = v(1 − θ)" form and RELAX's appendix B, written without forming θ.)
 *
 * Categorical (REBAR appendix; Maddison et al. 2017 for the Gumbel-max facts): with ℓ normalised, the maximum
 * ℓ_b + g_b is a standard Gumbel, so z̃_b = −log(−log v_b); every other coordinate is a Gumbel with location ℓ_i
 * truncated below z̃_b: z̃_i = −log(−log v_i · e^{−ℓ_i} + (−log v_b)) = −logaddexp(log(−log v_i) − ℓ_i, log(−log v_b)).
 */
export function conditionalPerturb(family: RelaxationFamily, logits: tf.Tensor, b: tf.Tensor, v: tf.Tensor): tf.Tensor {
  if (family === 'bernoulli') {
    const logV = tf.log(v);
    const log1mV = tf.log1p(tf.neg(v));
    const given1 = tf.sub(tf.softplus(tf.add(logits, logV)), log1mV);
    const given0 = tf.add(tf.neg(tf.softplus(tf.sub(logV, logits))), log1mV);
    // b is 0/1 and constant: b·given1 + (1 − b)·given0 keeps both branches finite and selects one.
    return tf.add(tf.mul(b, given1), tf.mul(tf.sub(1, b), given0));
  }
  const ell = logProbs(logits);
  const logE = logExponential(v); // log(−log v_i)
  const logEb = tf.sum(tf.mul(b, logE), -1, true); // log(−log v_b), the chosen coordinate's
  const zb = tf.neg(logEb);
  // logaddexp(a, c) = max + log1p(exp(−|a − c|)): finite for any finite a, c.
  const a = tf.sub(logE, ell);
  // logEb broadcast to a's shape first: tfjs' Maximum gradient does not reduce a broadcast input.
  const c = tf.add(logEb, tf.zerosLike(a));
  const m = tf.maximum(a, c);
  const others = tf.neg(tf.add(m, tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, c)))))));
  return tf.add(tf.mul(b, zb), tf.mul(tf.sub(1, b), others));
}

/**
 * sigmoid and softmax whose gradients are computed from their saved INPUT. tfjs' own Sigmoid and Softmax
 * gradients read the saved OUTPUT, and a saved output is cloned before its op enters the tape, so a second
 * gradient through their backward pass treats it as a constant: d/dλ of ∂σ(z/λ)/∂α loses the λ in σ'
 * (test/estimators/rebar.test.ts checks the variance gradient against a finite difference).
 */
const sigmoid2 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.sigmoid(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const y = tf.sigmoid(saved[0]);
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    },
  };
});

const softmax2 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.softmax(x, -1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      // J^T dy = y ⊙ (dy − Σ_k dy_k y_k)
      const y = tf.softmax(saved[0], -1);
      return tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), -1, true)));
    },
  };
});

/**
 * σ_λ(z): the relaxed value at temperature λ, sigmoid(z/λ) (Bernoulli) or softmax(z/λ) (categorical). sigmoid and
 * softmax saturate to exactly 0/1 without NaN, so low temperatures and large |z| are safe.
 */
export function relaxValue(family: RelaxationFamily, z: tf.Tensor, temperature: tf.Tensor | number): tf.Tensor {
  const scaled = tf.div(z, temperature);
  return (family === 'bernoulli' ? sigmoid2(scaled) : softmax2(scaled)) as tf.Tensor;
}

/**
 * log p(b | α) per element (Bernoulli: b·α − softplus(α)) or per categorical row (Σ_k b_k ℓ_k), the score of the
 * discrete draw. Stable for large |α| (no σ(α) formed).
 */
export function discreteLogProb(family: RelaxationFamily, logits: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (family === 'bernoulli') return tf.sub(tf.mul(b, logits), tf.softplus(logits));
  return tf.sum(tf.mul(b, logProbs(logits)), -1);
}
