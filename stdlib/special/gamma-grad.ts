/**
 * The implicit reparameterization gradient of a standard Gamma(α, 1) draw, in plain float64 JavaScript (no tfjs
 * import, so the compiler and tests can use it too).
 *
 * Implicit reparameterization (Figurnov, Mohamed, Mnih 2018, "Implicit Reparameterization Gradients",
 * arXiv:1805.08498, eq. 6): a draw z with CDF F(z | α) satisfies F(z | α) = u for a fixed uniform u, so
 *   dz/dα = -(∂F/∂α)(z | α) / p(z | α).
 * For Gamma(α, 1), F is the regularized lower incomplete gamma P(α, z). PyTorch (`_standard_gamma_grad`) and TFP
 * (`random_gamma_grad`) approximate ∂P/∂α piecewise (a Taylor series for small z, a saddle-point expansion for
 * large α, a fitted rational function between). sgm's samplers draw in JavaScript anyway (Marsaglia-Tsang is a
 * rejection loop), so here the derivative is computed exactly to float64 rounding at the draw, from the two classic
 * expansions of the incomplete gamma (Numerical Recipes §6.2), differentiated term by term in α:
 *  - z < α + 1: the series P(α, z) = Σ_n e^{-z} z^{α+n} / Γ(α+n+1), whose terms all decrease (ratio z/(α+n+1) < 1);
 *  - z ≥ α + 1: Legendre's continued fraction for Q = 1 - P, evaluated forward (Wallis recurrences) with the
 *    derivative of every numerator and denominator carried alongside (forward-mode differentiation).
 * Both need O(√α) terms near the mode for large α (about 600 at α = 10⁴), which is cheap next to the draw.
 *
 * What is returned is d log z / dα = (dz/dα) / z: the Gamma-based samplers work with log z (Dirichlet and Beta
 * normalise Gammas in log space, and a Gamma(0.01) draw is often below float32's smallest number), and this form
 * never divides by an underflowed z nor multiplies by an underflowed density: the ratio ∂P/∂α / (z p) is expanded
 * directly, so no exp(±large) is ever formed. Float32 note: for α ≥ 1e-3 the value stays below ~1e7 in magnitude.
 */
import { digamma64 } from './gamma64.js';

/** Relative accuracy at which the expansions stop (a few float64 ulps). */
const EPS = 1e-15;
/** Iteration cap: about 60 √α terms are needed at α = 10⁶, far below this. */
const MAX_TERMS = 200_000;

/**
 * d log z / dα of a standard Gamma(α, 1) draw z given as log z (implicit reparameterization). Returns 0 for z
 * that is not finite or α ≤ 0 (no gradient rather than NaN).
 */
export function gammaLogSampleGrad64(alpha: number, logZ: number): number {
  if (!(alpha > 0) || !Number.isFinite(logZ)) return 0;
  const x = Math.exp(logZ);
  return x < alpha + 1 ? seriesBranch(alpha, x, logZ) : fractionBranch(alpha, x, logZ);
}

/** dz/dα itself (= z · d log z/dα), for tests and callers that hold z. */
export function gammaSampleGrad64(alpha: number, z: number): number {
  return z > 0 ? z * gammaLogSampleGrad64(alpha, Math.log(z)) : 0;
}

/**
 * z < α + 1. With t_n = e^{-z} z^{α+n}/Γ(α+n+1) (so P = Σ t_n) and p = z^{α-1} e^{-z}/Γ(α):
 *   ∂P/∂α = Σ t_n (log z - ψ(α+n+1)),   t_n / (z p) = s_n = z^n Γ(α)/Γ(α+n+1),  s_0 = 1/α,  s_{n+1} = s_n z/(α+n+1),
 * so d log z/dα = -∂P/∂α / (z p) = -Σ s_n (log z - ψ(α+n+1)). ψ(α+n+1) follows by ψ(y+1) = ψ(y) + 1/y. When z
 * underflows (log z ≪ 0) only s_0 survives: the exact limit -(log z - ψ(α+1))/α.
 */
function seriesBranch(alpha: number, x: number, logX: number): number {
  let s = 1 / alpha;
  let psi = digamma64(alpha + 1);
  let sum = 0;
  let absSum = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const term = s * (logX - psi);
    sum += term;
    absSum += Math.abs(term);
    // Terms decrease geometrically once n > z - α (always here); stop when the next cannot matter.
    if (Math.abs(term) <= EPS * absSum && n > 0) break;
    const y = alpha + n + 1;
    s *= x / y;
    psi += 1 / y;
    if (s === 0) break;
  }
  return -sum;
}

/**
 * z ≥ α + 1. Q(α, z) = e^{-z} z^α / Γ(α) / g with g = b_0 + a_1/(b_1 + a_2/(b_2 + ...)), b_n = z + 2n + 1 - α,
 * a_n = n(α - n) (Legendre; Numerical Recipes eq. 6.2.7). Then Q/(z p) = 1/g and ∂Q/∂α = Q (log z - ψ(α) - g'/g),
 * so d log z/dα = ∂Q/∂α / (z p) = (log z - ψ(α) - g'/g) / g, with g' = dg/dα from the Wallis recurrences
 * A_n = b_n A_{n-1} + a_n A_{n-2} (same for B) differentiated in α (db_n/dα = -1, da_n/dα = n).
 */
function fractionBranch(alpha: number, x: number, logX: number): number {
  // (A, B) at n-2 and n-1 with their α-derivatives; start: A_{-1} = 1, B_{-1} = 0, A_0 = b_0, B_0 = 1.
  let a2 = 1, b2 = 0, da2 = 0, db2 = 0;
  let a1 = x + 1 - alpha, b1 = 1, da1 = -1, db1 = 0;
  let g = a1;
  let dg = -1;
  for (let n = 1; n < MAX_TERMS; n++) {
    const an = n * (alpha - n);
    const bn = x + 2 * n + 1 - alpha;
    const A = bn * a1 + an * a2;
    const B = bn * b1 + an * b2;
    const dA = -a1 + bn * da1 + n * a2 + an * da2;
    const dB = -b1 + bn * db1 + n * b2 + an * db2;
    // Rescale by B so the recurrences cannot overflow (they grow like n! otherwise); ratios are unchanged.
    const scale = 1 / B;
    [a2, b2, da2, db2] = [a1 * scale, b1 * scale, da1 * scale, db1 * scale];
    [a1, b1, da1, db1] = [A * scale, 1, dA * scale, dB * scale];
    const gNext = a1; // A/B with B = 1 after rescaling
    const dgNext = da1 - a1 * db1; // (dA B - A dB)/B² with B = 1
    const done = Math.abs(gNext - g) <= EPS * Math.abs(gNext) && Math.abs(dgNext - dg) <= EPS * Math.max(Math.abs(dgNext), 1e-300);
    g = gNext;
    dg = dgNext;
    if (done) break;
  }
  return (logX - digamma64(alpha) - dg / g) / g;
}
