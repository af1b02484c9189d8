/**
 * Gauss quadrature rules in float64, computed (not tabulated) by Newton's method on the three-term
 * recurrences of the orthogonal polynomials (Press et al., Numerical Recipes, 2nd ed., section 4.5:
 * `gauleg`, `gauher`), and cached by n. Nodes are ascending. Plus the 7/15-point Gauss-Kronrod pair
 * (tabulated, from QUADPACK's qk15) for adaptive integration with an embedded error estimate.
 */

/** Nodes and weights of an n-point rule. */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

// Newton stops when a node moves by less than this (a few ulps of a node of size ~1).
const NEWTON_EPS = 3e-15;
const MAX_NEWTON = 100;

const legendreCache = new Map<number, QuadratureRule>();
const hermiteCache = new Map<number, QuadratureRule>();

function checkOrder(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a quadrature rule needs a positive integer n, got ${n}`);
}

/** Gauss-Legendre rule on [-1, 1]: ∫ f(x) dx ≈ Σ wᵢ f(xᵢ), exact for polynomials of degree ≤ 2n - 1. */
export function gaussLegendre(n: number): QuadratureRule {
  checkOrder(n);
  const hit = legendreCache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 1; i <= m; i++) {
    // Tricomi's approximation of the i-th largest root as the starting point.
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let pp = 0;
    for (let it = 0; it < MAX_NEWTON; it++) {
      // P_n(z) by the recurrence j P_j = (2j-1) z P_{j-1} - (j-1) P_{j-2}; pp = P_n'(z).
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= NEWTON_EPS) break;
    }
    nodes[i - 1] = -z;
    nodes[n - i] = z;
    weights[i - 1] = 2 / ((1 - z * z) * pp * pp);
    weights[n - i] = weights[i - 1];
  }
  const rule = { nodes, weights };
  legendreCache.set(n, rule);
  return rule;
}

/**
 * Gauss-Hermite rule for the weight e^{-x²} on the real line: ∫ e^{-x²} f(x) dx ≈ Σ wᵢ f(xᵢ), exact for
 * polynomials of degree ≤ 2n - 1. (For E f(Y), Y ~ N(μ, σ²): Σ wᵢ f(μ + √2 σ xᵢ) / √π.)
 */
export function gaussHermite(n: number): QuadratureRule {
  checkOrder(n);
  const hit = hermiteCache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  // Orthonormal Hermite functions (p_0 = π^{-1/4}) keep the recurrence free of overflow for large n.
  const PIM4 = Math.pow(Math.PI, -0.25);
  const found: number[] = [];
  const m = Math.floor((n + 1) / 2);
  for (let i = 1; i <= m; i++) {
    // Starting points for the largest roots (Numerical Recipes `gauher`), then extrapolation from the
    // previously found roots.
    let z: number;
    if (i === 1) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 2) z = found[0] - (1.14 * Math.pow(n, 0.426)) / found[0];
    else if (i === 3) z = 1.86 * found[1] - 0.86 * found[0];
    else if (i === 4) z = 1.91 * found[2] - 0.91 * found[1];
    else z = 2 * found[i - 2] - found[i - 3];
    let pp = 0;
    for (let it = 0; it < MAX_NEWTON; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= NEWTON_EPS * Math.max(1, Math.abs(z))) break;
    }
    found.push(z);
    nodes[n - i] = z;
    nodes[i - 1] = -z;
    weights[n - i] = 2 / (pp * pp);
    weights[i - 1] = weights[n - i];
  }
  const rule = { nodes, weights };
  hermiteCache.set(n, rule);
  return rule;
}

/** ∫_a^b f(x) dx by the n-point Gauss-Legendre rule mapped to [a, b]. */
export function integrateGaussLegendre(f: (x: number) => number, a: number, b: number, n: number): number {
  const { nodes, weights } = gaussLegendre(n);
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] * f(mid + half * nodes[i]);
  return sum * half;
}

// QUADPACK qk15 (Piessens et al. 1983): Kronrod nodes on [0, 1] (symmetric), their weights, and the weights of
// the embedded 7-point Gauss rule at the odd-indexed nodes 1, 3, 5, 7 (the latter is the centre).
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

/** ∫_a^b f by the 15-point Kronrod rule, with |K15 - G7| (a pessimistic bound on the K15 error). */
export function gaussKronrod15(f: (x: number) => number, a: number, b: number): { value: number; error: number } {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  const fc = f(mid);
  let kronrod = WGK[7] * fc;
  let gauss = WG[3] * fc;
  for (let i = 0; i < 7; i++) {
    const pair = f(mid - half * XGK[i]) + f(mid + half * XGK[i]);
    kronrod += WGK[i] * pair;
    if (i % 2 === 1) gauss += WG[(i - 1) / 2] * pair;
  }
  return { value: kronrod * half, error: Math.abs((kronrod - gauss) * half) };
}
