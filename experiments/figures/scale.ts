/** Axis scales for the experiment figures: linear or log10, with "nice" tick values (1, 2, 5 × 10^k). */

/** A map from data values to pixels along one axis, with its ticks. */
export interface Scale {
  /** Pixel position of a data value. */
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly format: (value: number) => string;
}

/** Tick step of about `span / count` rounded to 1, 2 or 5 × 10^k. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

/** A compact number: 1200 → "1200", 0.05 → "0.05", 2e-7 → "2e-7". */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Linear scale over [lo, hi] (widened to nice ticks) onto pixels [p0, p1]. */
export function linearScale(lo: number, hi: number, p0: number, p1: number, tickCount = 5): Scale {
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  const step = niceStep(hi - lo, tickCount);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { at: (v) => p0 + ((v - a) / (b - a)) * (p1 - p0), ticks, format: formatNumber };
}

/** log10 scale over [lo, hi] (> 0, widened to powers of ten) onto pixels [p0, p1]. */
export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  const a = Math.floor(Math.log10(Math.max(lo, 1e-300)));
  let b = Math.ceil(Math.log10(Math.max(hi, 1e-300)));
  if (b <= a) b = a + 1;
  const every = Math.max(1, Math.ceil((b - a) / 6));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(10 ** e);
  return {
    at: (v) => p0 + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * (p1 - p0),
    ticks,
    format: (v) => `1e${Math.round(Math.log10(v))}`,
  };
}
