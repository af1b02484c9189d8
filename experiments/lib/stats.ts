/** Small statistics for the experiment tables. */

/** Arithmetic mean (NaN for none). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** Sample variance (n - 1). */
export function variance(xs: readonly number[]): number {
  return std(xs) ** 2;
}

/** "mean ± std" with `digits` decimals, or just the mean for a single value. */
export function meanStd(xs: readonly number[], digits = 2): string {
  if (xs.length === 0) return 'n/a';
  return xs.length === 1 ? xs[0].toFixed(digits) : `${mean(xs).toFixed(digits)} ± ${std(xs).toFixed(digits)}`;
}

/** Total-variation distance ½ Σ |p - q| of two pmfs on the same support (missing entries are 0). */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  const n = Math.max(p.length, q.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs((p[i] ?? 0) - (q[i] ?? 0));
  return s / 2;
}

/** Ranks of values (1 = best), higher better unless `lowerIsBetter`. */
export function ranks(values: readonly number[], lowerIsBetter = false): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => (lowerIsBetter ? a[0] - b[0] : b[0] - a[0]));
  const r = new Array<number>(values.length);
  order.forEach(([, i], k) => (r[i] = k + 1));
  return r;
}

/** Standard error of the mean, std / √n (0 for a single value). */
export function standardError(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : std(xs) / Math.sqrt(xs.length);
}

/** "mean ± standard error" with `digits` decimals, or just the mean for a single value. */
export function meanSe(xs: readonly number[], digits = 2): string {
  if (xs.length === 0) return 'n/a';
  return xs.length === 1 ? xs[0].toFixed(digits) : `${mean(xs).toFixed(digits)} ± ${standardError(xs).toFixed(digits)}`;
}
