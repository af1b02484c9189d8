// Float64 reference tools for the transform tests: central-difference Jacobians and log|det| by LU.

/** J[i][j] = ∂f_i/∂x_j by central differences (float64). */
export function numericJacobian(f: (x: number[]) => number[], x: readonly number[], eps = 1e-6): number[][] {
  const cols = x.map((_, j) => {
    const plus = f(x.map((v, k) => (k === j ? v + eps : v)));
    const minus = f(x.map((v, k) => (k === j ? v - eps : v)));
    return plus.map((p, i) => (p - minus[i]) / (2 * eps));
  });
  return cols[0].map((_, i) => cols.map((c) => c[i]));
}

/** log|det M| by Gaussian elimination with partial pivoting. */
export function logAbsDet(m: readonly (readonly number[])[]): number {
  const a = m.map((r) => [...r]);
  const n = a.length;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    sum += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return sum;
}

/** Every entry of a tensor's data is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  return Array.from(values).every(Number.isFinite);
}
