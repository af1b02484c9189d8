/**
 * Planar flows (Rezende & Mohamed 2015, eq. (10)-(12) and appendix A), the learned transform of IGR-Planar
 * (IGR paper section 3.1; docs/math.md section 3): one layer is
 *   f(z) = z + û tanh(wᵀz + b),   û = u + (m(wᵀu) - wᵀu) w / ‖w‖²,   m(x) = -1 + softplus(x),
 *   log|det f'(z)| = log|1 + (1 - tanh²(wᵀz + b)) ûᵀw|,
 * and layers are applied in order. **Decision (docs/math.md section 3):** û divides by ‖w‖² as in Rezende & Mohamed, which
 * makes ûᵀw = m(wᵀu) > -1 and hence every layer invertible; the IGR authors' code divides by ‖w‖ instead,
 * which does not guarantee invertibility.
 * z has shape [..., D] (D = K - 1); w and u have shape [D] (or broadcast against z), b is a scalar.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { lastDim } from './transform-utils.js';

/** Parameters of one planar layer. */
export interface PlanarLayer {
  readonly w: tf.Tensor;
  readonly u: tf.Tensor;
  readonly b: tf.Tensor;
}

/** A flow output together with the summed log-determinant of its Jacobian. */
export interface FlowResult {
  readonly value: tf.Tensor;
  /** Σ over layers of log|det f'|, shape [...]. */
  readonly logDet: tf.Tensor;
}

// log(e - 1): the wᵀu at which m(wᵀu) = 0, i.e. û = 0 when u ∥ w (the identity layer).
const SOFTPLUS_INV_ONE = Math.log(Math.E - 1);

/** wᵀu and û of a layer (û satisfies ûᵀw = m(wᵀu) = softplus(wᵀu) - 1 > -1). */
function constrained(layer: PlanarLayer): { wu: tf.Tensor; uHat: tf.Tensor } {
  const wu = tf.sum(tf.mul(layer.w, layer.u), -1, true);
  const m = tf.sub(tf.softplus(wu), 1);
  const uHat = tf.add(layer.u, tf.mul(tf.div(tf.sub(m, wu), tf.sum(tf.square(layer.w), -1, true)), layer.w));
  return { wu, uHat };
}

/** û of a layer: u corrected so that the layer is invertible (Rezende & Mohamed appendix A). */
export function planarUHat(layer: PlanarLayer): tf.Tensor {
  return tf.tidy(() => constrained(layer).uHat);
}

/** One layer: value and log|det|. */
function layerForward(z: tf.Tensor, layer: PlanarLayer): FlowResult {
  const { wu, uHat } = constrained(layer);
  const h = tf.tanh(tf.add(tf.sum(tf.mul(z, layer.w), -1, true), layer.b));
  const h2 = tf.square(h);
  // 1 + (1 - h²)(softplus(wᵀu) - 1) = h² + (1 - h²) softplus(wᵀu): a sum of two non-negative terms, so
  // no cancellation when m(wᵀu) is close to -1 (softplus(wᵀu) tiny) and h ≈ 0.
  const det = tf.add(h2, tf.mul(tf.sub(1, h2), tf.softplus(wu)));
  return { value: tf.add(z, tf.mul(uHat, h)), logDet: tf.squeeze(tf.log(det), [-1]) };
}

/** The stacked flow and its log-determinant, in one pass. */
export function planarFlowWithLogDet(z: tf.Tensor, layers: readonly PlanarLayer[]): FlowResult {
  const [value, logDet] = tf.tidy(() => {
    let x = z;
    let total: tf.Tensor = tf.zeros(z.shape.slice(0, -1));
    for (const layer of layers) {
      const r = layerForward(x, layer);
      x = r.value;
      total = tf.add(total, r.logDet);
    }
    return [x, total];
  });
  return { value, logDet };
}

/** f_L ∘ … ∘ f_1 (z): the stacked planar flow. */
export function planarFlow(z: tf.Tensor, layers: readonly PlanarLayer[]): tf.Tensor {
  return tf.tidy(() => planarFlowWithLogDet(z, layers).value);
}

/** Σ_l log|det f_l'| along the flow at z (shape [...]). */
export function planarFlowLogDet(z: tf.Tensor, layers: readonly PlanarLayer[]): tf.Tensor {
  return tf.tidy(() => planarFlowWithLogDet(z, layers).logDet);
}

/**
 * Solves α + c tanh(α + b) = t for α elementwise (float64): the left side is strictly increasing because
 * c > -1, and the root lies in [t - |c|, t + |c|] since |tanh| < 1. Newton steps safeguarded by bisection.
 */
function solveScalar(t: Float32Array, c: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(t.length);
  for (let i = 0; i < t.length; i++) {
    let lo = t[i] - Math.abs(c[i]);
    let hi = t[i] + Math.abs(c[i]);
    let a = t[i];
    for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(a)); it++) {
      const th = Math.tanh(a + b[i]);
      const r = a + c[i] * th - t[i];
      if (r === 0) break;
      if (r < 0) lo = a;
      else hi = a;
      const next = a - r / (1 + c[i] * (1 - th * th));
      a = next > lo && next < hi ? next : 0.5 * (lo + hi);
    }
    out[i] = a;
  }
  return out;
}

/** One layer's inverse: z with f(z) = x. */
function layerInverse(x: tf.Tensor, layer: PlanarLayer): tf.Tensor {
  const { wu, uHat } = constrained(layer);
  const c = tf.sub(tf.softplus(wu), 1);
  const t = tf.sum(tf.mul(x, layer.w), -1, true);
  const shape = t.shape;
  const bb = tf.broadcastTo(tf.reshape(layer.b, [...new Array(Math.max(0, shape.length - layer.b.rank)).fill(1), ...layer.b.shape]), shape);
  // The root α* = wᵀz is found in plain JS (a tensor built from numbers carries no gradient); one Newton
  // step in tensors then gives the implicit-function gradient dα/dθ = -(∂r/∂θ)/r'(α*), since r(α*) ≈ 0.
  const root = solveScalar(
    tf.broadcastTo(t, shape).dataSync() as Float32Array,
    tf.broadcastTo(c, shape).dataSync() as Float32Array,
    bb.dataSync() as Float32Array,
  );
  const a0 = tf.tensor(root, shape);
  const th = tf.tanh(tf.add(a0, bb));
  const r = tf.sub(tf.add(a0, tf.mul(c, th)), t);
  const alpha = tf.sub(a0, tf.div(r, tf.add(1, tf.mul(c, tf.sub(1, tf.square(th))))));
  return tf.sub(x, tf.mul(uHat, tf.tanh(tf.add(alpha, bb))));
}

/** (f_L ∘ … ∘ f_1)⁻¹(x): inverts the layers in reverse order (no closed form; a 1-D root per layer). */
export function planarFlowInverse(x: tf.Tensor, layers: readonly PlanarLayer[]): tf.Tensor {
  return tf.tidy(() => {
    let z = x;
    for (let l = layers.length - 1; l >= 0; l--) z = layerInverse(z, layers[l]);
    return z;
  });
}

/**
 * Initial parameters for `layers` planar layers on R^dim, seeded: w ~ N(0, I/dim) (so ‖w‖ ≈ 1, keeping the
 * ‖w‖² division of û well scaled), b = 0, and u = log(e-1) w/‖w‖² + N(0, 0.01² I), which makes û ≈ 0: every
 * layer starts as (almost) the identity, so an IGR-Planar starts as the IGR-I with the same μ, σ.
 * Returns plain tensors; callers that train them wrap each in tf.variable.
 */
export function initPlanarFlowParams(dim: number, layers: number, rng: RandomStream): PlanarLayer[] {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`planar flow dimension must be a positive integer, got ${dim}`);
  if (!Number.isInteger(layers) || layers < 0) throw new RangeError(`number of planar layers must be an integer ≥ 0, got ${layers}`);
  return Array.from({ length: layers }, () =>
    tf.tidy(() => {
      const w = tf.mul(rng.normal([dim]), 1 / Math.sqrt(dim));
      const u = tf.add(tf.mul(tf.div(w, tf.sum(tf.square(w))), SOFTPLUS_INV_ONE), tf.mul(rng.normal([dim]), 0.01));
      return { w, u, b: tf.scalar(0) };
    }),
  );
}

/** Dimension D of the flow's input (the last axis of w). */
export function planarFlowDim(layers: readonly PlanarLayer[]): number | undefined {
  return layers.length > 0 ? lastDim(layers[0].w) : undefined;
}
