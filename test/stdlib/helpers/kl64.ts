/**
 * Float64 references for the KL test matrix, written independently of the stdlib: own RNG (mulberry32 with
 * Box-Muller), own densities, everything in log space (log z or logit(z), never z, so nothing underflows at
 * τ = 0.01). A Monte Carlo reference returns the mean of the per-draw log-ratios and its standard error.
 */
import { mulberry32 } from '../../mulberry32.js';

/** A seeded uniform(0, 1) stream (mulberry32), never exactly 0 or 1. */
export class Rng64 {
  private readonly next: () => number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(): number {
    return Math.min(Math.max(this.next(), 1e-300), 1 - 2 ** -53);
  }
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
  gumbel(): number {
    return -Math.log(-Math.log(this.uniform()));
  }
  logistic(): number {
    const u = this.uniform();
    return Math.log(u) - Math.log1p(-u);
  }
}

export const logSumExp = (xs: readonly number[]): number => {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
export const logSigmoid = (x: number): number => -softplus(-x);
const LOG_2PI = Math.log(2 * Math.PI);
export const normalLog = (y: number, mu: number, sigma: number): number => -0.5 * ((y - mu) / sigma) ** 2 - Math.log(sigma) - 0.5 * LOG_2PI;
const logFactorial = (n: number): number => {
  let s = 0;
  for (let k = 2; k <= n; k++) s += Math.log(k);
  return s;
};

/** Mean and standard error of per-draw values. */
export function meanSe(values: readonly number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

/** A relaxed distribution in float64: draws its log-space representation and scores it. */
export interface Relaxed64 {
  draw(rng: Rng64): number[];
  logDensity(rep: readonly number[]): number;
}

/** Monte Carlo KL(q ‖ p) = E_q[log q - log p] over `n` draws of q's representation. */
export function mcKl64(q: Relaxed64, p: Relaxed64, n: number, seed: number): { mean: number; se: number } {
  const rng = new Rng64(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const rep = q.draw(rng);
    values.push(q.logDensity(rep) - p.logDensity(rep));
  }
  return meanSe(values);
}

/** log softmax++(x, τ, δ) with K = x.length + 1 entries: x_k/τ - log(Σ e^{x_j/τ} + δ), log δ - log(...). */
function logSoftmaxPP(x: readonly number[], tau: number, delta: number): number[] {
  const a = x.map((v) => v / tau);
  const den = logSumExp([...a, Math.log(delta)]);
  return [...a.map((v) => v - den), Math.log(delta) - den];
}

/**
 * IGR_I ('I'), IGR_SB ('SB') or IGR_Planar in float64 (IGR paper, arXiv:1912.09588, eq. (10)-(12), (16)-(18),
 * section 3.2): y ~ N(μ, σ²), x = y (I), the sticks of sigmoid(y) (SB) or the planar flow of y, representation log z = log softmax++(x, τ, δ). The density of z on
 * its first K-1 coordinates: log N(y) - log|det ∂x/∂y| - [Σ_{k≤K} log z_k - (K-1) log τ]; -inf outside the
 * image of the map (SB: sticks must be positive and sum below 1).
 */
/** One planar layer in float64: f(z) = z + û tanh(wᵀz + b), û = u + (m(wᵀu) - wᵀu) w/‖w‖², m(x) = -1 + softplus(x). */
export interface Planar64 {
  readonly w: readonly number[];
  readonly u: readonly number[];
  readonly b: number;
}

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
function uHat(l: Planar64): number[] {
  const wu = dot(l.w, l.u);
  const scale = (-1 + softplus(wu) - wu) / dot(l.w, l.w);
  return l.u.map((v, i) => v + scale * l.w[i]);
}

/** The planar flow and its log|det| (Rezende & Mohamed, arXiv:1505.05770, eq. (10)-(12)). */
function planarForward(z: readonly number[], layers: readonly Planar64[]): { x: number[]; logDet: number } {
  let x = [...z];
  let logDet = 0;
  for (const l of layers) {
    const uh = uHat(l);
    const t = Math.tanh(dot(l.w, x) + l.b);
    logDet += Math.log(Math.abs(1 + (1 - t * t) * dot(uh, l.w)));
    x = x.map((v, i) => v + uh[i] * t);
  }
  return { x, logDet };
}

/** Inverse of the planar flow: per layer, α = wᵀz solves α + (wᵀû) tanh(α + b) = wᵀx (increasing in α). */
function planarInverse(x: readonly number[], layers: readonly Planar64[]): number[] {
  let z = [...x];
  for (const l of [...layers].reverse()) {
    const uh = uHat(l);
    const c = dot(l.w, uh);
    const t = dot(l.w, z);
    // Newton steps safeguarded by the bracket [t - |c| - 1, t + |c| + 1] (the root lies inside since |tanh| < 1).
    let lo = t - Math.abs(c) - 1;
    let hi = t + Math.abs(c) + 1;
    let a = t;
    for (let i = 0; i < 40; i++) {
      const th = Math.tanh(a + l.b);
      const g = a + c * th - t;
      if (g < 0) lo = a;
      else hi = a;
      if (Math.abs(g) < 1e-14) break;
      const next = a - g / (1 + c * (1 - th * th));
      a = next > lo && next < hi ? next : (lo + hi) / 2;
    }
    const th = Math.tanh(a + l.b);
    z = z.map((v, i) => v - uh[i] * th);
  }
  return z;
}

export function igr64(kind: 'I' | 'SB' | 'Planar', mu: readonly number[], sigma: readonly number[], tau: number, delta = 1, flow: readonly Planar64[] = []): Relaxed64 {
  const n = mu.length;
  const pre = (y: readonly number[]): number[] => {
    if (kind === 'I') return [...y];
    if (kind === 'Planar') return planarForward(y, flow).x;
    let rest = 1;
    return y.map((v) => {
      const w = rest / (1 + Math.exp(-v));
      rest -= w;
      return w;
    });
  };
  return {
    draw(rng) {
      const y = mu.map((m, i) => m + sigma[i] * rng.normal());
      return logSoftmaxPP(pre(y), tau, delta);
    },
    logDensity(logZ) {
      const last = logZ[n];
      const x = logZ.slice(0, n).map((l) => tau * (l - last + Math.log(delta)));
      let y: number[];
      let logDetPre = 0;
      if (kind === 'I') {
        y = x;
      } else if (kind === 'Planar') {
        y = planarInverse(x, flow);
        logDetPre = planarForward(y, flow).logDet;
      } else {
        if (x.some((w) => w <= 0) || x.reduce((s, w) => s + w, 0) >= 1) return -Infinity;
        y = [];
        let rest = 1;
        for (const w of x) {
          const u = w / rest;
          // dx_k/du_k = rest (triangular Jacobian of stick-breaking), du/dy = u(1 - u).
          logDetPre += Math.log(rest) + Math.log(u) + Math.log1p(-u);
          y.push(Math.log(u) - Math.log1p(-u));
          rest -= w;
        }
      }
      const gauss = y.reduce((s, v, i) => s + normalLog(v, mu[i], sigma[i]), 0);
      const logDetSoftmax = logZ.reduce((s, l) => s + l, 0) - n * Math.log(tau);
      return gauss - logDetPre - logDetSoftmax;
    },
  };
}

/**
 * Gumbel-Softmax / Concrete in float64 (Maddison, Mnih, Teh, arXiv:1611.00712, appendix C): representation
 * y = log z = log softmax((ℓ + g)/τ); density of z: log((K-1)!) + (K-1) log τ + Σ(ℓ - τy) - K lse(ℓ - τy) - Σ y.
 */
export function concrete64(logits: readonly number[], tau: number): Relaxed64 {
  const K = logits.length;
  const l = logits.map((v) => v - logSumExp(logits));
  return {
    draw(rng) {
      const a = l.map((v) => (v + rng.gumbel()) / tau);
      const s = logSumExp(a);
      return a.map((v) => v - s);
    },
    logDensity(y) {
      const a = l.map((v, k) => v - tau * y[k]);
      return logFactorial(K - 1) + (K - 1) * Math.log(tau) + a.reduce((s, v) => s + v, 0) - K * logSumExp(a) - y.reduce((s, v) => s + v, 0);
    },
  };
}

/**
 * RelaxedBernoulli in float64 (Maddison et al. section 3.4): representation y = logit(z) = (ℓ + L)/τ; the
 * density of y is logistic, log τ + a - 2 softplus(a) with a = ℓ - τy, and |dy/dz| adds softplus(y) + softplus(-y).
 */
export function relaxedBernoulli64(logit: number, tau: number): Relaxed64 {
  return {
    draw: (rng) => [(logit + rng.logistic()) / tau],
    logDensity([y]) {
      const a = logit - tau * y;
      return Math.log(tau) + a - 2 * softplus(a) + softplus(y) + softplus(-y);
    },
  };
}

/** Σ_k q_k (log q_k - log p_k) from log-probabilities (terms with q_k = 0 are 0). */
export function discreteKl64(logQ: readonly number[], logP: readonly number[]): number {
  return logQ.reduce((s, lq, k) => (lq === -Infinity ? s : s + Math.exp(lq) * (lq - logP[k])), 0);
}

/** log-softmax of logits. */
export const logSoftmax64 = (logits: readonly number[]): number[] => {
  const s = logSumExp(logits);
  return logits.map((v) => v - s);
};

/** log Poisson(k | λ). */
export const poissonLog64 = (k: number, rate: number): number => k * Math.log(rate) - rate - logFactorial(k);

/** Truncated Poisson over 0..n-1 with P(X ≥ n-1) in the last cell (GenGS Definition 1), as log-probabilities. */
export function truncatedPoissonLog64(rate: number, n: number): number[] {
  const head = Array.from({ length: n - 1 }, (_, k) => poissonLog64(k, rate));
  // Tail P(X ≥ n-1) summed directly (no 1 - Σ cancellation): terms until they vanish in float64.
  const tail: number[] = [];
  for (let k = n - 1; k < n + 400; k++) tail.push(poissonLog64(k, rate));
  return [...head, logSumExp(tail)];
}

/** Gaussian KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) summed over coordinates, float64. */
export function gaussianKl64(mu: readonly number[], sigma: readonly number[], mu0: readonly number[], sigma0: readonly number[]): number {
  return mu.reduce((s, m, i) => {
    const r = sigma[i] / sigma0[i];
    return s + 0.5 * (r * r - 1 + ((m - mu0[i]) / sigma0[i]) ** 2 - 2 * Math.log(r));
  }, 0);
}
