// Pathwise gradients of the explicitly reparameterized continuous families against the CDF: for a draw z with
// CDF F(z | θ), holding u = F(z | θ) fixed gives dz/dθ = -(∂F/∂θ)(z | θ) / p(z | θ) (the identity behind implicit
// reparameterization, which every inversion-based sampler must also satisfy, and which Gamma's implicit gradient
// implements). Beta, Dirichlet and StudentT's df combine several noises, so they match the CDF form only in
// expectation (continuous-families.test.ts checks d E[g]/dθ for them). Here ∂F/∂θ is a float64 central
// difference of a CDF written in the test (closed forms, or Simpson's rule on the density), and each draw's
// gradient comes from tf.grad with one parameter copy per draw.
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Exponential } from '../../stdlib/distributions/exponential.js';
import { Gamma } from '../../stdlib/distributions/gamma.js';
import { HalfNormal } from '../../stdlib/distributions/half-normal.js';
import { Laplace } from '../../stdlib/distributions/laplace.js';
import { StudentT } from '../../stdlib/distributions/student-t.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { lgammaRef } from './helpers/float64-ref.js';

const N = 64;

/** ∫_lo^hi f by composite Simpson with n (even) intervals. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 4000): number {
  const h = (hi - lo) / n;
  let acc = f(lo) + f(hi);
  for (let i = 1; i < n; i++) acc += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (acc * h) / 3;
}

interface Family {
  readonly name: string;
  /** Parameter values; the one under test is `params[which]`. */
  readonly params: readonly number[];
  readonly build: (params: readonly (tf.Tensor | number)[]) => Distribution;
  readonly cdf: (z: number, params: readonly number[]) => number;
  readonly pdf: (z: number, params: readonly number[]) => number;
}

const halfNormalCdf = (z: number, [s]: readonly number[]) => simpson((t) => Math.exp(-t * t), 0, z / (s * Math.SQRT2)) * (2 / Math.sqrt(Math.PI));
const tDensity = (nu: number) => (t: number) => Math.exp(lgammaRef((nu + 1) / 2) - lgammaRef(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log1p((t * t) / nu));

/** Gamma(α, β) CDF P(α, βz): Simpson's rule on ∫ exp(αs - eˢ) ds over s = log t (t = βz), normalised by Γ(α). */
const gammaCdf = (z: number, [a, b]: readonly number[]) => {
  const f = (s: number) => Math.exp(a * s - Math.exp(s) - lgammaRef(a));
  return simpson(f, Math.log(b * z) - 60 / a - 10, Math.log(b * z), 20000);
};

const FAMILIES: Family[] = [
  {
    name: 'Gamma(concentration, rate), implicit in the concentration',
    params: [2.3, 1.5],
    build: ([concentration, rate]) => new Gamma({ concentration, rate }),
    cdf: gammaCdf,
    pdf: (z, [a, b]) => Math.exp(a * Math.log(b) + (a - 1) * Math.log(z) - b * z - lgammaRef(a)),
  },
  {
    name: 'Exponential(rate)',
    params: [1.7],
    build: ([rate]) => new Exponential({ rate }),
    cdf: (z, [l]) => -Math.expm1(-l * z),
    pdf: (z, [l]) => l * Math.exp(-l * z),
  },
  {
    name: 'Laplace(loc, scale)',
    params: [0.4, 1.3],
    build: ([loc, scale]) => new Laplace({ loc, scale }),
    cdf: (z, [m, b]) => (z < m ? 0.5 * Math.exp((z - m) / b) : 1 - 0.5 * Math.exp(-(z - m) / b)),
    pdf: (z, [m, b]) => Math.exp(-Math.abs(z - m) / b) / (2 * b),
  },
  {
    name: 'HalfNormal(scale)',
    params: [0.8],
    build: ([scale]) => new HalfNormal({ scale }),
    cdf: halfNormalCdf,
    pdf: (z, [s]) => (Math.SQRT2 / (s * Math.sqrt(Math.PI))) * Math.exp(-(z * z) / (2 * s * s)),
  },
  {
    name: 'StudentT(df = 5, loc, scale)',
    params: [-0.3, 1.4],
    build: ([loc, scale]) => new StudentT({ df: 5, loc, scale }),
    cdf: (z, [m, s]) => 0.5 + simpson(tDensity(5), 0, (z - m) / s),
    pdf: (z, [m, s]) => tDensity(5)((z - m) / s) / s,
  },
];

describe('dz/dθ = -(∂F/∂θ)/p at every draw', () => {
  for (const f of FAMILIES) {
    f.params.forEach((_, which) => {
      it(`${f.name}, parameter ${which}`, () => {
        const [draws, grads] = tf.tidy(() => {
          const theta = tf.fill([N], f.params[which]);
          const args = (t: tf.Tensor) => f.params.map((v, i) => (i === which ? t : v));
          const z = f.build(args(theta)).rsample(new RandomStream(21 + which));
          const g = tf.grad((t: tf.Tensor) => tf.sum(f.build(args(t)).rsample(new RandomStream(21 + which))))(theta);
          return [Array.from(z.dataSync()), Array.from(g.dataSync())];
        });
        const h = 1e-5;
        draws.forEach((z, i) => {
          const shifted = (d: number) => f.cdf(z, f.params.map((v, k) => (k === which ? v + d : v)));
          const want = -((shifted(h) - shifted(-h)) / (2 * h)) / f.pdf(z, f.params);
          expect(Math.abs(grads[i] - want), `draw ${z}: ${grads[i]} vs ${want}`).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(want)));
        });
      });
    });
  }
});
