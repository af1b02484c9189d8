/**
 * Float64 references for the continuous families' tests, written independently of the stdlib: log Γ by the
 * recurrence up to x ≥ 20 and Stirling's series, ψ and ψ' by the recurrence and their asymptotic series, and small
 * dense linear algebra (Cholesky product, Gauss-Jordan inverse, determinant by elimination).
 */

/** log Γ(x), x > 0: Γ(x) = Γ(x + n)/Π(x + k) up to x + n ≥ 20, then Stirling (error < 1e-15 there). */
export function lgammaRef(x: number): number {
  let shift = 0;
  while (x < 20) {
    shift += Math.log(x);
    x += 1;
  }
  const x2 = 1 / (x * x);
  const series = (1 / x) * (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680))));
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** ψ(x) by ψ(x) = ψ(x + 1) - 1/x up to x ≥ 20, then the asymptotic series. */
export function digammaRef(x: number): number {
  let acc = 0;
  while (x < 20) {
    acc -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  return acc + Math.log(x) - 0.5 / x - x2 * (1 / 12 - x2 * (1 / 120 - x2 / 252));
}

/** ψ'(x) by ψ'(x) = ψ'(x + 1) + 1/x² up to x ≥ 20, then 1/x + 1/(2x²) + 1/(6x³) - 1/(30x⁵) + 1/(42x⁷). */
export function trigammaRef(x: number): number {
  let acc = 0;
  while (x < 20) {
    acc += 1 / (x * x);
    x += 1;
  }
  const x2 = 1 / (x * x);
  return acc + 1 / x + x2 / 2 + (x2 / x) * (1 / 6 - x2 * (1 / 30 - x2 / 42));
}

/** A B for dense row-major matrices. */
export function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

export function transpose(a: number[][]): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** The inverse and log |det| of a square matrix by Gauss-Jordan elimination with partial pivoting. */
export function inverseAndLogDet(m: number[][]): { inv: number[][]; logDet: number } {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const pivot = a[c][c];
    logDet += Math.log(Math.abs(pivot));
    for (let j = 0; j < 2 * n; j++) a[c][j] /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return { inv: a.map((row) => row.slice(n)), logDet };
}

/** log N(x | μ, Σ) in float64 from the covariance (not its Cholesky factor). */
export function mvnLogDensityRef(x: number[], mu: number[], cov: number[][]): number {
  const { inv, logDet } = inverseAndLogDet(cov);
  const d = x.map((v, i) => v - mu[i]);
  const maha = d.reduce((s, di, i) => s + di * d.reduce((t, dj, j) => t + inv[i][j] * dj, 0), 0);
  return -0.5 * maha - 0.5 * logDet - (x.length / 2) * Math.log(2 * Math.PI);
}
