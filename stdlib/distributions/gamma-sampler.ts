/**
 * Standard Gamma(α, 1) draws in log space with implicit reparameterization gradients: the shared engine of Gamma,
 * Beta, Dirichlet and StudentT.
 *
 * Sampling: Marsaglia & Tsang (2000, "A simple method for generating gamma variables", ACM TOMS 26(3)), a
 * rejection loop, run in float64 JavaScript per element (tensor ops cannot express a data-dependent loop; the
 * uniforms come only from the RandomStream, as for the count samplers). For α < 1 the boost
 * Gamma(α) = Gamma(α + 1) · u^{1/α} is applied in log space, log z = log z_{α+1} + (log u)/α, because z itself
 * underflows: at α = 0.01 half the draws are below e^{-69}, and many below float32's smallest number.
 *
 * Gradient: d log z/dα by implicit reparameterization (Figurnov, Mohamed, Mnih 2018, arXiv:1805.08498;
 * stdlib/special/gamma-grad.ts), computed at the draw in float64 and attached with a custom gradient, so
 * d(loss)/dα = Σ d(loss)/d(log z) · d log z/dα over the draws that broadcast from each α.
 */
import type { RandomStream } from '../random.js';
import { gammaLogSampleGrad64 } from '../special/gamma-grad.js';
import { tf } from '../tf.js';
import { UniformSource } from './count-samplers.js';

/** log of one standard Gamma(α, 1) draw (Marsaglia-Tsang; the α < 1 boost in log space). */
export function sampleLogGamma(alpha: number, src: UniformSource): number {
  if (!(alpha > 0)) return NaN;
  if (alpha < 1) {
    // Gamma(α) = Gamma(α + 1) · u^{1/α}; the uniform is strictly inside (0, 1), so log u is finite.
    return sampleLogGamma(alpha + 1, src) + Math.log(src.uniform()) / alpha;
  }
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = src.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = src.uniform();
    // The squeeze u < 1 - 0.0331 x⁴ (Marsaglia-Tsang's fast test, a lower bound of the acceptance ratio; it must
    // not be taken in log form, since exp(-0.0331 x⁴) exceeds the ratio), then the exact test in logs; v > 0 here.
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      return Math.log(d) + Math.log(v);
    }
  }
}

/** Sums `g` over the axes along which `shape` was broadcast to g's shape, then reshapes to `shape`. */
export function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const lead = g.rank - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < g.rank; i++) {
      if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
    }
    const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
    return tf.reshape(summed, [...shape]);
  });
}

/**
 * log z for standard Gamma(α, 1) draws z of shape [...sampleShape, ...batchShape] (α broadcast to batchShape),
 * with the implicit reparameterization gradient to α. The values of α are read once (a synchronous read).
 */
export function logStandardGamma(
  rng: RandomStream,
  alpha: tf.Tensor,
  sampleShape: readonly number[],
  batchShape: readonly number[],
): tf.Tensor {
  const a = tf.tidy(() => tf.broadcastTo(alpha, [...batchShape]).dataSync());
  const batch = a.length;
  const samples = sampleShape.reduce((x, y) => x * y, 1);
  const logZ = new Float32Array(samples * batch);
  const grad = new Float32Array(samples * batch);
  const src = new UniformSource(rng);
  for (let s = 0; s < samples; s++) {
    for (let b = 0; b < batch; b++) {
      const lz = sampleLogGamma(a[b], src);
      logZ[s * batch + b] = lz;
      // The gradient is taken at the float32 value the caller sees, so value and derivative agree.
      grad[s * batch + b] = gammaLogSampleGrad64(a[b], Math.fround(lz));
    }
  }
  const outShape = [...sampleShape, ...batchShape];
  const alphaShape = [...alpha.shape];
  const op = tf.customGrad((...args) => {
    // args = [alpha, save]: the value does not depend on α's tensor (the draw is fixed), only its gradient does.
    const save = args[1] as tf.GradSaveFunc;
    const g = tf.tensor(grad, outShape, 'float32');
    save([g]);
    return {
      value: tf.tensor(logZ, outShape, 'float32'),
      gradFunc: (dy, saved) => [sumToShape(tf.mul(dy as tf.Tensor, saved[0]), alphaShape)],
    };
  });
  return op(alpha) as tf.Tensor;
}
