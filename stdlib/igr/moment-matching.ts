/**
 * First-moment matching of an IGR prior to a discrete target p₀ (IGR paper eq. (14), v1 eq. (20); docs/math.md
 * section 4, **Decision: first moment**, as the authors' code):
 *   minimise L(μ, log σ) = Σ_k (mean_s z_k(ε_s) - p₀_k)²,   z(ε) = softmax++(pre(μ + σ ε), τ, δ),
 * with Adam (lr 1e-2), at most `maxSteps` steps, stopping when the mean loss over the last 10 steps is below
 * `tolerance`.
 *
 * **Decision: the S noise draws ε_s are drawn once and kept for every step** (sample average approximation).
 * With fresh draws each step the loss has a noise floor of about Σ_k Var(z_k)/S, which for S = 10⁴ is of the
 * order of the 1e-5 stopping threshold itself; with fixed draws the objective is a smooth deterministic function,
 * Adam converges on it, and the result is a deterministic function of the seed (so it can be cached).
 *
 * Plain float64 JS with a hand-written gradient rather than tfjs: one step is a loop over S·(K-1) numbers, and
 * on the CPU backend the ~20 tensor ops of a tfjs step (each allocating an S×K tensor) cost ~10x more.
 */

/** The IGR families a prior can be fitted for (IGR_Planar's prior is an IGR_I: see fit-prior.ts). */
export type MomentFamily = 'IGR_I' | 'IGR_SB';

/** Settings of one fit. */
export interface MomentFitSettings {
  readonly family: MomentFamily;
  /** Target probabilities p₀ (K entries). */
  readonly target: readonly number[];
  readonly tau: number;
  readonly delta: number;
  /** Standard normal draws, S × (K-1), row-major. */
  readonly noise: ArrayLike<number>;
  readonly maxSteps: number;
  readonly learningRate: number;
  readonly tolerance: number;
}

/** A fitted prior. */
export interface MomentFit {
  readonly mu: number[];
  readonly sigma: number[];
  /** Loss at the returned parameters. */
  readonly loss: number;
  /** Adam steps taken. */
  readonly steps: number;
}

// Adam constants (Kingma & Ba 2015 defaults).
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;
/** Window of the stopping rule (docs/math.md section 4). */
const STOP_WINDOW = 10;
// IGR-SB initial log σ (docs/math.md section 4; the authors' `inv_softplus_one`, used as log σ in their code).
const SB_INIT_LOG_SIGMA = 0.541324854612918;

/** Loss and gradient (w.r.t. μ and log σ) of the moment-matching objective at the given parameters. */
class Objective {
  private readonly d: number;
  private readonly k: number;
  private readonly samples: number;
  // The forward pass of every sample is kept for the backward pass: z (S×K) and, for IGR-SB, u and the stick
  // left before each break (S×(K-1) each). 24 MB at S = 10⁴, K = 100; recomputing instead doubles the exps.
  private readonly z: Float64Array;
  private readonly u: Float64Array;
  private readonly left: Float64Array;
  private readonly a: Float64Array;
  private readonly mean: Float64Array;
  // A private float64 copy: a monomorphic typed array keeps V8's inner loops fast (the caller may pass float32).
  private readonly noise: Float64Array;
  private readonly sb: boolean;

  constructor(private readonly s: MomentFitSettings) {
    this.noise = Float64Array.from(s.noise);
    this.k = s.target.length;
    this.d = this.k - 1;
    this.samples = s.noise.length / this.d;
    this.z = new Float64Array(this.samples * this.k);
    this.sb = s.family === 'IGR_SB';
    this.u = new Float64Array(this.sb ? this.samples * this.d : 0);
    this.left = new Float64Array(this.sb ? this.samples * this.d : 0);
    this.a = new Float64Array(this.d);
    this.mean = new Float64Array(this.k);
  }

  /** z of sample `row` into this.z (and u, left for IGR-SB). */
  private forward(row: number, mu: Float64Array, sigma: Float64Array): void {
    const { d, k, a, z, u, left, noise, sb } = this;
    const { tau, delta } = this.s;
    const zr = row * k;
    const ur = row * d;
    let rest = 1;
    let m = 0;
    for (let j = 0; j < d; j++) {
      const y = mu[j] + sigma[j] * noise[ur + j];
      let x = y;
      if (sb) {
        // u = sigmoid(y) and 1 - u = sigmoid(-y), each from the side where exp does not overflow.
        const e = Math.exp(-Math.abs(y));
        const uj = y >= 0 ? 1 / (1 + e) : e / (1 + e);
        u[ur + j] = uj;
        left[ur + j] = rest;
        x = uj * rest;
        rest *= y >= 0 ? e / (1 + e) : 1 / (1 + e);
      }
      a[j] = x / tau;
      if (a[j] > m) m = a[j];
    }
    // softmax++ in the shifted form of docs/math.md section 1 (m = max(max a, 0)).
    const last = delta * Math.exp(-m);
    let den = last;
    for (let j = 0; j < d; j++) {
      z[zr + j] = Math.exp(a[j] - m);
      den += z[zr + j];
    }
    for (let j = 0; j < d; j++) z[zr + j] /= den;
    z[zr + d] = last / den;
  }

  /** The loss at (μ, log σ); with gradient arrays given, also fills dL/dμ and dL/dlog σ. */
  evaluate(mu: Float64Array, logSigma: Float64Array, gradMu?: Float64Array, gradLogSigma?: Float64Array): number {
    const { d, k, samples, z, u, left, mean, noise } = this;
    const { target, tau } = this.s;
    const sigma = logSigma.map(Math.exp);
    mean.fill(0);
    for (let r = 0; r < samples; r++) {
      this.forward(r, mu, sigma);
      for (let i = 0; i < k; i++) mean[i] += z[r * k + i];
    }
    let loss = 0;
    const c = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      mean[i] /= samples;
      loss += (mean[i] - target[i]) ** 2;
      c[i] = (2 * (mean[i] - target[i])) / samples;
    }
    if (!gradMu || !gradLogSigma) return loss;
    gradMu.fill(0);
    gradLogSigma.fill(0);
    const gx = new Float64Array(d);
    for (let r = 0; r < samples; r++) {
      const zr = r * k;
      const ur = r * d;
      // dL/dz_k = c_k for every sample; through softmax++: dL/dx_j = z_j (c_j - Σ_k c_k z_k)/τ.
      let cz = 0;
      for (let i = 0; i < k; i++) cz += c[i] * z[zr + i];
      for (let j = 0; j < d; j++) gx[j] = (z[zr + j] * (c[j] - cz)) / tau;
      if (this.sb) {
        // x_j = u_j left_j, left_j = Π_{i<j}(1 - u_i): dL/dy_i = g_i left_i u_i (1 - u_i) - u_i Σ_{j>i} g_j x_j
        // (the 1/(1 - u_i) of ∂left_j/∂u_i cancels against du/dy = u(1 - u), so nothing is divided).
        let after = 0;
        for (let i = d - 1; i >= 0; i--) {
          const ui = u[ur + i];
          const x = ui * left[ur + i];
          const gy = gx[i] * x * (1 - ui) - ui * after;
          after += gx[i] * x;
          gx[i] = gy;
        }
      }
      for (let j = 0; j < d; j++) {
        gradMu[j] += gx[j];
        gradLogSigma[j] += gx[j] * noise[ur + j] * sigma[j];
      }
    }
    return loss;
  }
}

/** The loss and its gradient w.r.t. μ and log σ at the given parameters (float64; exposed for tests and tools). */
export function momentMatchingLoss(
  settings: MomentFitSettings,
  mu: readonly number[],
  logSigma: readonly number[],
): { loss: number; gradMu: number[]; gradLogSigma: number[] } {
  const d = mu.length;
  const gradMu = new Float64Array(d);
  const gradLogSigma = new Float64Array(d);
  const loss = new Objective(settings).evaluate(Float64Array.from(mu), Float64Array.from(logSigma), gradMu, gradLogSigma);
  return { loss, gradMu: Array.from(gradMu), gradLogSigma: Array.from(gradLogSigma) };
}

/** Initial (μ, log σ) of docs/math.md section 4: IGR-I μ = 0, log σ = 0; IGR-SB μ = logit(1/(K-1)), log σ = 0.5413. */
function initialParams(family: MomentFamily, d: number): { mu: Float64Array; logSigma: Float64Array } {
  if (family === 'IGR_I') return { mu: new Float64Array(d), logSigma: new Float64Array(d) };
  const a = 1 / d;
  // K = 2 (one stick): logit(1) is infinite; start at 0 as the authors do for a = 1.
  const mu0 = a < 1 ? Math.log(a / (1 - a)) : 0;
  return { mu: new Float64Array(d).fill(mu0), logSigma: new Float64Array(d).fill(SB_INIT_LOG_SIGMA) };
}

/** Runs Adam on the moment-matching loss from the docs/math.md section 4 initialisation. */
export function fitMoments(settings: MomentFitSettings): MomentFit {
  const d = settings.target.length - 1;
  if (d < 1) throw new RangeError('moment matching needs a target with at least 2 categories');
  if (settings.noise.length % d !== 0 || settings.noise.length === 0) {
    throw new RangeError(`noise must hold S × (K-1) = S × ${d} numbers`);
  }
  const objective = new Objective(settings);
  const { mu, logSigma } = initialParams(settings.family, d);
  const params = [mu, logSigma];
  const grads = [new Float64Array(d), new Float64Array(d)];
  const m1 = [new Float64Array(d), new Float64Array(d)];
  const m2 = [new Float64Array(d), new Float64Array(d)];
  const recent: number[] = [];
  let steps = 0;
  while (steps < settings.maxSteps) {
    const loss = objective.evaluate(mu, logSigma, grads[0], grads[1]);
    recent.push(loss);
    if (recent.length > STOP_WINDOW) recent.shift();
    if (recent.length === STOP_WINDOW && recent.reduce((s, v) => s + v, 0) / STOP_WINDOW < settings.tolerance) break;
    steps++;
    const correction1 = 1 - BETA1 ** steps;
    const correction2 = 1 - BETA2 ** steps;
    for (let p = 0; p < 2; p++) {
      for (let j = 0; j < d; j++) {
        const g = grads[p][j];
        m1[p][j] = BETA1 * m1[p][j] + (1 - BETA1) * g;
        m2[p][j] = BETA2 * m2[p][j] + (1 - BETA2) * g * g;
        params[p][j] -= (settings.learningRate * (m1[p][j] / correction1)) / (Math.sqrt(m2[p][j] / correction2) + ADAM_EPS);
      }
    }
  }
  return {
    mu: Array.from(mu),
    sigma: Array.from(logSigma, Math.exp),
    loss: objective.evaluate(mu, logSigma),
    steps,
  };
}
