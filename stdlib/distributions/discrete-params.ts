/**
 * Parameter handling shared by the discrete and relaxed distributions: coercion of numbers to
 * float32 tensors, the probs/logits pair (exactly one given, the other derived), broadcast shapes, and the
 * lookup of a class's entry in the signature table.
 */
import { detached } from '../stop-gradient.js';
import { findDistribution, type DistributionSig } from '../signatures/index.js';
import { tf } from '../tf.js';

/** A parameter value as users pass it: a tensor, a number, or a (nested) array of numbers. */
export type TensorInput = tf.Tensor | number | number[] | number[][] | number[][][];

/** Smallest probability we take the log of: float32's smallest normal number, so log(p) ≥ -87.3 stays finite. */
export const MIN_PROB = 1.1754944e-38;

/** The value as a float32 tensor (tensors are cast, not copied, when already float32). */
export function asTensor(x: TensorInput): tf.Tensor {
  if (x instanceof tf.Tensor) return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  return tf.tensor(x, undefined, 'float32');
}

/** The broadcast of several shapes (numpy rules); throws on incompatible shapes. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  return shapes.reduce<number[]>((acc, s) => tf.backend_util.assertAndGetBroadcastShape(acc, [...s]), []);
}

/** The signature-table entry for a class (a missing entry is a programming error). */
export function signatureOf(name: string): DistributionSig {
  const sig = findDistribution(name);
  if (!sig) throw new Error(`no signature-table entry for distribution ${name}`);
  return sig;
}

/** Throws unless exactly one of `probs` / `logits` is given (the signature table's exactlyOneOf). */
function requireOne(family: string, probs: unknown, logits: unknown): void {
  if ((probs === undefined) === (logits === undefined)) {
    throw new TypeError(`${family} takes exactly one of 'probs' or 'logits'`);
  }
}

/** Both parameterisations of a binary event probability, elementwise. */
export interface BinaryParams {
  readonly probs: tf.Tensor;
  readonly logits: tf.Tensor;
}

/** probs and logits of a binary probability from whichever was given (logits = log p - log(1 - p)). */
export function binaryParams(family: string, probs?: TensorInput, logits?: TensorInput): BinaryParams {
  requireOne(family, probs, logits);
  if (logits !== undefined) {
    const l = asTensor(logits);
    return { logits: l, probs: tf.sigmoid(l) };
  }
  const p = asTensor(probs as TensorInput);
  // Clamping keeps p = 0 or 1 finite (±87 instead of ±inf), so 0·logit products never become NaN.
  const pc = tf.clipByValue(p, MIN_PROB, 1);
  return { probs: p, logits: tf.sub(tf.log(pc), tf.log(tf.maximum(tf.sub(1, p), MIN_PROB))) };
}

/** Both parameterisations of a categorical distribution over the last axis. */
export interface CategoricalParams {
  readonly probs: tf.Tensor;
  /** Normalised: logits = log probs (logsumexp over the last axis is 0). */
  readonly logits: tf.Tensor;
}

/** Normalised probs and logits over the last axis from whichever was given. */
export function categoricalParams(family: string, probs?: TensorInput, logits?: TensorInput): CategoricalParams {
  requireOne(family, probs, logits);
  if (logits !== undefined) {
    const l = asTensor(logits);
    if (l.rank < 1) throw new RangeError(`${family}: logits need a category axis (rank ≥ 1)`);
    // Normalising with logSoftmax (max-shifted) keeps logits of ±100 finite and exact to float32 rounding.
    const norm = tf.logSoftmax(l, -1);
    return { logits: norm, probs: tf.exp(norm) };
  }
  const p = asTensor(probs as TensorInput);
  if (p.rank < 1) throw new RangeError(`${family}: probs need a category axis (rank ≥ 1)`);
  const normalised = tf.div(p, tf.sum(p, -1, true));
  return { probs: normalised, logits: tf.log(tf.maximum(normalised, MIN_PROB)) };
}

/** The temperature as a scalar float32 tensor (numbers and scalar tensors accepted). */
export function temperature(family: string, tau: tf.Tensor | number | undefined, fallback?: number): tf.Tensor {
  const t = tau ?? fallback;
  if (t === undefined) throw new TypeError(`${family} needs a temperature 'tau'`);
  if (typeof t === 'number' && !(t > 0)) throw new RangeError(`${family}: tau must be > 0, got ${t}`);
  const tt = asTensor(t);
  if (tt.size !== 1) throw new RangeError(`${family}: tau must be a scalar, got shape [${tt.shape.join(', ')}]`);
  return tt.rank === 0 ? tt : tf.reshape(tt, []);
}

export { detached, stopGradient } from '../stop-gradient.js';

/** A value as a float32 tensor, for logProb arguments (int32 indices from other code are accepted). */
export function asValue(value: tf.Tensor): tf.Tensor {
  return value.dtype === 'float32' ? value : tf.cast(value, 'float32');
}

/** Whether each entry is a non-negative integer (a mask, off the gradient tape). */
export function isCount(k: tf.Tensor): tf.Tensor {
  return detached((x) => tf.logicalAnd(tf.greaterEqual(x, 0), tf.equal(x, tf.round(x))), k);
}

/**
 * log σ(x) = -softplus(-x), elementwise. Not tf.logSigmoid: that op's customGrad closes over its input, which
 * a tf.tidy around the caller disposes before the backward pass ("Cannot read properties of undefined
 * (reading 'backend')"); softplus has a registered gradient that saves its input properly.
 */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))));
}
