/**
 * exp, log, softplus and sigmoid over f32x4 for the WASM SIMD kernels, emitted inline (a call per group of four
 * values measured 40 % slower): the native addon's vector math
 * (native/src/vmath.c: Cephes-style range reduction and polynomials, bit manipulation for the powers of two)
 * written as the same float32 operations in the same order, so the results are the addon's bit for bit (tested),
 * with its accuracy: exp and log ≤ 1 ulp, softplus ≤ 2, sigmoid ≤ 3 against float64 (bench/NOTES.md, change 8).
 */
import { FunctionBody, V128 } from './encoder.js';

/** Pushes one v128 value: that of group g (programs run several independent groups of four values at once). */
export type Emit = (g: number) => void;

/**
 * A tiny expression layer over a function body: each helper returns an emitter of one v128 value per group. `let`
 * evaluates its expression for every active group in turn, so the groups' independent dependency chains are
 * interleaved step by step: one group's exp-and-log chain is ~100 operations deep, longer than the processor's
 * out-of-order window can overlap from one loop iteration to the next.
 */
export type VectorOps = ReturnType<typeof vectorOps>;
export function vectorOps(f: FunctionBody) {
  let groups = 1;
  const op2 = (o: Parameters<FunctionBody['simd']>[0]) => (a: Emit, b: Emit): Emit => (g) => {
    a(g);
    b(g);
    f.simd(o);
  };
  const op1 = (o: Parameters<FunctionBody['simd']>[0]) => (a: Emit): Emit => (g) => {
    a(g);
    f.simd(o);
  };
  const shift = (o: 'i32x4Shl' | 'i32x4ShrS' | 'i32x4ShrU') => (a: Emit, n: number): Emit => (g) => {
    a(g);
    f.i32(n).simd(o);
  };
  return {
    /** Sets how many groups `let` evaluates (1 or more). */
    setGroups: (count: number): void => void (groups = count),
    /** Reads locals[g] for group g (a register: one local per group). */
    get: (locals: readonly number[]): Emit => (g) => void f.get(locals[g]),
    k: (x: number): Emit => () => void f.v128Hoisted(x),
    bits: (x: number): Emit => () => void f.v128Hoisted(x, true),
    /** Evaluates e into new locals (one per active group) and returns an emitter that reads them. */
    let: (e: Emit): Emit => {
      const locals: number[] = [];
      for (let g = 0; g < groups; g++) {
        locals.push(f.local(V128));
        e(g);
        f.set(locals[g]);
      }
      return (g) => void f.get(locals[g]);
    },
    add: op2('f32x4Add'), sub: op2('f32x4Sub'), mul: op2('f32x4Mul'), div: op2('f32x4Div'),
    min: op2('f32x4Min'), max: op2('f32x4Max'), pmin: op2('f32x4Pmin'), pmax: op2('f32x4Pmax'),
    eq: op2('f32x4Eq'), ne: op2('f32x4Ne'), lt: op2('f32x4Lt'), gt: op2('f32x4Gt'), and: op2('v128And'), or: op2('v128Or'),
    iadd: op2('i32x4Add'), isub: op2('i32x4Sub'),
    neg: op1('f32x4Neg'), abs: op1('f32x4Abs'), sqrt: op1('f32x4Sqrt'),
    toFloat: op1('f32x4ConvertI32x4S'),
    shl: shift('i32x4Shl'), shrS: shift('i32x4ShrS'), shrU: shift('i32x4ShrU'),
    /** mask ? a : b, lane by lane (masks are all-ones or all-zeros lanes from a comparison). */
    select: (mask: Emit, a: Emit, b: Emit): Emit => (g) => {
      a(g);
      b(g);
      mask(g);
      f.simd('v128Bitselect');
    },
  };
}

const INF = 0x7f800000;
const NEG_INF = 0xff800000 | 0;
const NAN = 0x7fc00000;

/** exp(x) of f32x4 (vmath.c exp1): x = n ln2 + r, a degree-6 polynomial in r, 2^n as two factors. */
export function expInline(o: VectorOps, x: Emit): Emit {
  const [hi, lo] = [o.k(88.7228394), o.k(-103.972084)];
  // xc = x > hi ? hi : x, then xc < lo ? lo : xc (pmin/pmax are exactly these selects).
  const xc = o.let(o.pmax(o.pmin(x, hi), lo));
  const magic = o.k(12582912); // 1.5·2^23: (t + magic) − magic rounds t to the nearest integer
  const shifted = o.let(o.add(o.mul(xc, o.k(1.44269504088896341)), magic));
  const n = o.let(o.sub(shifted, magic));
  let r = o.let(o.sub(xc, o.mul(n, o.k(0.693359375))));
  r = o.let(o.sub(r, o.mul(n, o.k(-2.1219444e-4))));
  let p = o.k(1.98756915e-4);
  for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) p = o.let(o.add(o.mul(p, r), o.k(c)));
  p = o.let(o.add(o.add(o.mul(o.mul(p, r), r), r), o.k(1)));
  // n as an int32: the low mantissa bits of n + 1.5·2^23 (|n| ≤ 150), cheaper than a float→int conversion.
  const ni = o.let(o.isub(shifted, o.bits(0x4b400000)));
  const a = o.let(o.shrS(ni, 1));
  const b = o.isub(ni, a);
  const pow2 = (e: Emit): Emit => o.shl(o.iadd(e, o.bits(127)), 23);
  let y = o.mul(o.mul(p, pow2(a)), pow2(b));
  y = o.select(o.gt(x, hi), o.bits(INF), y);
  y = o.select(o.lt(x, lo), o.k(0), y);
  return o.select(o.ne(x, x), x, y);
}

/** log(x) of f32x4 (vmath.c log1_): x = 2^e·m, m in [√½, √2), Cephes logf's polynomial in m − 1. */
export function logInline(o: VectorOps, x: Emit): Emit {
  const denormal = o.let(o.lt(x, o.k(1.17549435e-38)));
  const bits = o.let(o.select(denormal, o.mul(x, o.k(8388608)), x));
  let e = o.let(o.isub(o.and(o.shrU(bits, 23), o.bits(0xff)), o.bits(126)));
  let m = o.let(o.or(o.and(bits, o.bits(0x007fffff)), o.bits(0x3f000000)));
  const small = o.let(o.lt(m, o.k(0.707106781186547524)));
  e = o.let(o.iadd(e, small)); // small lanes are −1 as int32: e − 1
  m = o.let(o.select(small, o.add(m, m), m));
  const fm = o.let(o.sub(m, o.k(1)));
  const z = o.let(o.mul(fm, fm));
  let p = o.k(7.0376836292e-2);
  for (const c of [-1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]) {
    // p·f − c in vmath.c is p·f + (−c): the same float32 result.
    p = o.let(o.add(o.mul(p, fm), o.k(c)));
  }
  const fe = o.let(o.toFloat(o.isub(e, o.and(denormal, o.bits(23)))));
  let y = o.let(o.mul(o.mul(p, fm), z));
  y = o.let(o.add(y, o.mul(fe, o.k(-2.1219444e-4))));
  y = o.let(o.sub(y, o.mul(o.k(0.5), z)));
  y = o.let(o.add(fm, y));
  y = o.let(o.add(y, o.mul(fe, o.k(0.693359375))));
  y = o.select(o.eq(x, o.k(0)), o.bits(NEG_INF), y);
  y = o.select(o.lt(x, o.k(0)), o.bits(NAN), y);
  y = o.select(o.eq(x, o.bits(INF)), x, y);
  return o.select(o.ne(x, x), x, y);
}

/** softplus(x) = max(x, 0) + log1p(e^−|x|), log1p(t) as log(u) + (t − (u − 1))/u with u = 1 + t (vmath.c). */
export function softplus(o: VectorOps, x: Emit): Emit {
  const t = o.let(expInline(o, o.let(o.select(o.lt(x, o.k(0)), x, o.neg(x))))); // −|x| as vmath.c writes it
  const u = o.let(o.add(o.k(1), t));
  const l = o.add(logInline(o, u), o.div(o.sub(t, o.sub(u, o.k(1))), u));
  const y = o.add(o.and(o.gt(x, o.k(0)), x), l);
  return o.select(o.ne(x, x), x, y);
}

/** sigmoid(x) = 1/(1 + e) with e = exp(−|x|), times e for x < 0 (vmath.c: never the exp of a large number). */
export function sigmoid(o: VectorOps, x: Emit): Emit {
  const negative = o.let(o.lt(x, o.k(0)));
  const e = o.let(expInline(o, o.let(o.select(negative, x, o.neg(x)))));
  const s = o.let(o.div(o.k(1), o.add(o.k(1), e)));
  return o.select(negative, o.mul(e, s), s);
}

/**
 * expm1(x) by Kahan's formula: u = exp(x) rounded, then (u − 1)·(x / log u), which cancels the rounding error of u
 * (the same u enters both factors), so small x keep their relative accuracy; x where u = 1 give x itself (also
 * −0), u − 1 = −1 gives −1, u = ∞ gives ∞. x / log u before the product: (u − 1)·x alone overflows near x = 88.
 */
export function expm1Inline(o: VectorOps, x: Emit): Emit {
  const u = o.let(expInline(o, x));
  const um1 = o.let(o.sub(u, o.k(1)));
  let y = o.mul(um1, o.div(x, logInline(o, u)));
  y = o.select(o.eq(u, o.k(1)), x, y);
  y = o.select(o.eq(um1, o.k(-1)), o.k(-1), y);
  y = o.select(o.eq(u, o.bits(INF)), u, y);
  return o.select(o.ne(x, x), x, y);
}

/** tanh(x) = t / (t + 2) with t = expm1(2|x|), |x| capped at 9 (tanh(9) rounds to 1 in float32), x's sign. */
export function tanhInline(o: VectorOps, x: Emit): Emit {
  const twice = o.let(o.mul(o.min(o.abs(x), o.k(9)), o.k(2))); // NaN stays NaN (min propagates it)
  const t = o.let(expm1Inline(o, twice));
  return o.or(o.div(t, o.add(t, o.k(2))), o.and(x, o.bits(0x80000000 | 0)));
}
