// The native addon's fused-program evaluator (native/src/fused.c), one opcode at a time: each opcode run as a
// one-instruction program over 200,000 values spread over many magnitudes plus the edge cases (0, -0, ±inf, NaN,
// exp's overflow and underflow, denormals, the largest float), against float64 JS written here and rounded to
// float32. Bounds are in float32 ulps: 0 for the operations IEEE rounds exactly (+ - * / sqrt, and the selections),
// 1-3 for the vectorised transcendental functions of native/src/vmath.c.
import { describe, expect } from 'vitest';
import { itWithAddon } from './helpers.js';

/** Distance between two float32 values in units in the last place (NaN = NaN is 0; NaN against a number is ∞). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === Math.fround(b)) return 0;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(key(bits[0]) - key(bits[1]));
}

const SPECIAL = [
  0, -0, 1, -1, 1e-30, -1e-30, 1e-40, -1e-40, 1.4e-45, -1.4e-45, 1.1754942e-38, 88.7, 88.73, 89, -87, -88, -100,
  -103.9, -104, -200, 200, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 0.5, -0.5, 2, 30, -30, 17, -17, 20, -20,
  20.000002, -20.000002, 0.625, -0.625, 0.62500006, 0.34657359, -0.34657359, 9, -9, 44, -44, -0.99999994, -0.5,
  -1.0000001, 1e-8, -1e-8, 5e-4, -5e-4, 0.1, -0.1,
];

/** 200,000 values: signed, log-uniform magnitudes over e^±7 and e^±40 (a quarter each way), then SPECIAL. */
function values(seed: number): Float32Array {
  const xs = new Float32Array(200_000);
  let s = seed;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < xs.length; i++) {
    const spread = i % 4 === 0 ? 80 : 14;
    xs[i] = (next() - 0.5) * 2 * Math.exp((next() - 0.5) * spread);
  }
  xs.set(SPECIAL);
  return xs;
}

const f = Math.fround;
type Ref1 = (a: number) => number;
type Ref2 = (a: number, b: number) => number;

/** Opcode, name, float64 reference, ulp bound. */
const UNARY: Array<[number, string, Ref1, number]> = [
  [5, 'neg', (a) => -a, 0],
  [6, 'exp', Math.exp, 1],
  [7, 'log', Math.log, 1],
  [8, 'log1p', Math.log1p, 1],
  [9, 'expm1', Math.expm1, 1],
  [10, 'softplus', (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))), 2],
  [11, 'sigmoid', (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))), 3],
  [12, 'relu', (a) => Math.max(0, a), 0],
  [13, 'step', (a) => (Number.isNaN(a) ? NaN : a > 0 ? 1 : 0), 0],
  [14, 'square', (a) => a * a, 0],
  [15, 'sqrt', Math.sqrt, 0],
  [18, 'tanh', Math.tanh, 1],
  [19, 'abs', Math.abs, 0],
  [21, 'recip', (a) => 1 / a, 0],
];
const BINARY: Array<[number, string, Ref2, number]> = [
  [1, 'add', (a, b) => a + b, 0],
  [2, 'sub', (a, b) => a - b, 0],
  [3, 'mul', (a, b) => a * b, 0],
  [4, 'div', (a, b) => a / b, 0],
  [16, 'max', Math.max, 0],
  [17, 'min', Math.min, 0],
  [20, 'greater', (a, b) => (a > b ? 1 : 0), 0],
];

/** Runs one instruction `op` over xs (and ys) as FULL inputs. */
function runOp(fused: NonNullable<import('../../runtime/backend/native-addon.js').SgmNative['fused']>, op: number, xs: Float32Array, ys?: Float32Array): Float32Array {
  const out = new Float32Array(xs.length);
  const inputs = ys ? [xs, ys] : [xs];
  const dst = inputs.length;
  fused(Int32Array.from([op, dst, 0, ys ? 1 : -1]), new Float32Array(0), dst + 1, inputs, new Int32Array(2 * inputs.length), [out], Int32Array.from([dst]), xs.length);
  return out;
}

/** The worst ulp distance of out from ref over the values, where, and signed zeros that differ. */
function worst(out: Float32Array, ref: (i: number) => number): { ulps: number; at: number; zeroSign: number } {
  let w = 0;
  let at = -1;
  let zeroSign = 0;
  for (let i = 0; i < out.length; i++) {
    const r = ref(i);
    const d = ulps(out[i], r);
    if (d > w) [w, at] = [d, i];
    if (out[i] === 0 && f(r) === 0 && Object.is(out[i], -0) !== Object.is(f(r), -0)) zeroSign++;
  }
  return { ulps: w, at, zeroSign };
}

describe('native fused programs: every opcode against float64', () => {
  for (const [op, name, ref, bound] of UNARY) {
    itWithAddon(`${name} (opcode ${op}) is within ${bound} ulp over 200,000 values and the edge cases`, (addon) => {
      const xs = values(12345 + op);
      const out = runOp(addon.fused!, op, xs);
      const r = worst(out, (i) => ref(xs[i]));
      expect(r.ulps, `worst at x = ${xs[r.at]}: ${out[r.at]} vs ${ref(xs[r.at])}`).toBeLessThanOrEqual(bound);
      // Signed zeros as tfjs gives them (relu(-0) = +0, neg(0) = -0, expm1/log1p/tanh(-0) = -0).
      expect(r.zeroSign, 'results of 0 with the wrong sign').toBe(0);
    });
  }

  for (const [op, name, ref, bound] of BINARY) {
    itWithAddon(`${name} (opcode ${op}) is exact over 200,000 pairs and every pair of edge cases`, (addon) => {
      const xs = values(999 + op);
      const ys = values(4242 + op);
      // Every ordered pair of the edge cases, in the first SPECIAL² places.
      SPECIAL.forEach((a, i) => SPECIAL.forEach((b, j) => ((xs[i * SPECIAL.length + j] = a), (ys[i * SPECIAL.length + j] = b))));
      const out = runOp(addon.fused!, op, xs, ys);
      const r = worst(out, (i) => ref(xs[i], ys[i]));
      expect(r.ulps, `worst at (${xs[r.at]}, ${ys[r.at]}): ${out[r.at]}`).toBeLessThanOrEqual(bound);
      expect(r.zeroSign, 'results of 0 with the wrong sign (max(-0, 0) = 0, min(-0, 0) = -0)').toBe(0);
    });
  }

  itWithAddon('CONST writes its constant, including -0, ±inf and NaN', (addon) => {
    const consts = Float32Array.from([1.5, -0, Infinity, -Infinity, NaN, 1e-45]);
    const n = 1000;
    const outs = Array.from(consts, () => new Float32Array(n));
    const code = Int32Array.from(Array.from(consts, (_, k) => [0, k, k, -1]).flat());
    addon.fused!(code, consts, consts.length, [], new Int32Array(0), outs, Int32Array.from(consts, (_, k) => k), n);
    outs.forEach((o, k) => o.forEach((v) => expect(Object.is(v, consts[k]), `const ${k}: ${v}`).toBe(true)));
  });
});
