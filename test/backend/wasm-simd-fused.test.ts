// Fused elementwise programs (FUSION-SPEC.md) compiled to WebAssembly SIMD (runtime/backend/wasm-simd/
// fused-program.ts), on a memory of their own: against a reference evaluator written here (float64 operations,
// each result rounded to float32; Math.exp/log for the transcendentals), for every broadcast mode with aligned
// and unaligned rows/columns and tails of 0-3 elements; the vector math against float64 (ulps) and against the
// native addon's (bit for bit, when built); opcodes left to the JS evaluator give null.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { initBackend, type BackendName } from '../../runtime/backend/index.js';
import { compileProgram, type FusedProgramCode } from '../../runtime/backend/wasm-simd/fused-program.js';
import { runFusedOnHeap } from '../../runtime/backend/wasm-simd/heap.js';
import { RandomStream } from '../../stdlib/random.js';
import { expectClose, nativeAddon, randn } from './helpers.js';

const f = Math.fround;
type Op = [op: number, dst: number, a: number, b: number];

/** Builds a program: `nIn` input registers, instructions, constants and output registers. */
function program(nRegs: number, instructions: Op[], consts: number[], outRegs: number[]): FusedProgramCode {
  return { code: Int32Array.from(instructions.flat()), consts: Float32Array.from(consts), nRegs, outRegs: Int32Array.from(outRegs) };
}

/** The reference: per element, each operation in float64 rounded to float32 (the spec's semantics). */
function reference(p: FusedProgramCode, inputs: Float32Array[], modes: number[], n: number): Float32Array[] {
  const outs = Array.from(p.outRegs, () => new Float32Array(n));
  const r = new Float64Array(p.nRegs);
  for (let i = 0; i < n; i++) {
    inputs.forEach((x, k) => {
      const [mode, q] = [modes[2 * k], modes[2 * k + 1]];
      r[k] = x[mode === 0 ? i : mode === 1 ? 0 : mode === 2 ? i % q : Math.floor(i / q)];
    });
    for (let t = 0; t < p.code.length; t += 4) {
      const [op, d, a, b] = [p.code[t], p.code[t + 1], p.code[t + 2], p.code[t + 3]];
      const [x, y] = [r[a], r[b]];
      const v = [
        p.consts[a], x + y, x - y, x * y, x / y, -x, Math.exp(x), Math.log(x), Math.log1p(x), Math.expm1(x),
        Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), 1 / (1 + Math.exp(-x)), Math.max(0, x),
        x > 0 ? 1 : x === x ? 0 : x, x * x, Math.sqrt(x), Math.max(x, y), Math.min(x, y), Math.tanh(x), Math.abs(x),
        x > y ? 1 : 0, 1 / x,
      ][op];
      r[d] = f(v);
    }
    p.outRegs.forEach((reg, j) => (outs[j][i] = r[reg]));
  }
  return outs;
}

/** Lays out inputs and outputs in a fresh memory at unaligned offsets, runs the compiled program, returns outputs. */
function runCompiled(p: FusedProgramCode, inputs: Float32Array[], modes: number[], n: number, shared = false): Float32Array[] {
  const bytes = 16 * (inputs.reduce((s, x) => s + x.length, 0) + p.outRegs.length * n + 64);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1, maximum: 1024, shared });
  let at = 4; // 4 mod 16: loads and stores need no alignment
  const place = (len: number): number => {
    const offset = at;
    at += 4 * len + 20;
    return offset;
  };
  const inPtrs = inputs.map((x) => {
    const ptr = place(x.length);
    new Float32Array(memory.buffer, ptr, x.length).set(x);
    return ptr;
  });
  const outPtrs = Array.from(p.outRegs, () => place(n));
  const run = compileProgram(p, Int32Array.from(modes), memory);
  expect(run).not.toBeNull();
  run!(inPtrs, outPtrs, n);
  return outPtrs.map((ptr) => new Float32Array(memory.buffer, ptr, n).slice());
}

function randoms(n: number, seed: number, scale = 3): Float32Array {
  const t = new RandomStream(seed).normal([n]);
  const x = Float32Array.from(t.dataSync(), (v) => v * scale);
  t.dispose();
  return x;
}

/** Distance in float32 ulps (same-sign ordering of the bit patterns); NaN against NaN is 0. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  const key = (x: number): number => {
    const i = new Int32Array(new Float32Array([x]).buffer)[0];
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(key(a) - key(b));
}

const SPECIAL = [0, -0, 1, -1, 1e-45, 1e-40, -1e-40, 1.17549435e-38, 88.7, 88.73, 89, -87, -103.9, -104, -200, 200, 1e30, -1e30, Infinity, -Infinity, NaN, 0.5, 2, 1e-8, -1e-8, 30, -30, 16, -17];

describe('fused programs in WASM SIMD', () => {
  // (x − y)·c0 / |x| + max(x, y), relu, step, square, sqrt, recip, greater, min, neg: arithmetic only.
  const arith = program(
    14,
    [[2, 2, 0, 1], [0, 3, 0, -1], [3, 2, 2, 3], [19, 4, 0, -1], [4, 2, 2, 4], [16, 5, 0, 1], [1, 2, 2, 5], [12, 6, 1, -1],
      [13, 7, 0, -1], [14, 8, 1, -1], [15, 9, 8, -1], [21, 10, 0, -1], [20, 11, 0, 1], [17, 12, 0, 1], [5, 13, 12, -1], [1, 9, 9, 10]],
    [0.3],
    [2, 6, 7, 9, 11, 13],
  );

  it('equals the float32 reference bit for bit for arithmetic programs, in every broadcast mode', () => {
    // [modes of x, modes of y, shape]: FULL/FULL, SCALAR, ROW (row of 8 and of 5), COL (runs of 8 and of 3).
    const cases: [number[], number, number, number][] = [
      [[0, 0, 0, 0], 37, 37, 37],
      [[0, 0, 1, 0], 30, 1, 30],
      [[0, 0, 2, 8], 40, 8, 40],
      [[0, 0, 2, 5], 35, 5, 35],
      [[3, 8, 0, 0], 5, 40, 40],
      [[3, 3, 2, 3], 7, 3, 21],
    ];
    for (const [modes, lenX, lenY, total] of cases) {
      for (const n of [total, total - 1, total - 2, total - 3, 0]) {
        if (n < 0) continue;
        const x = randoms(lenX, n + 1);
        x.set(SPECIAL.slice(0, Math.min(lenX, SPECIAL.length)));
        const y = randoms(lenY, n + 2);
        const got = runCompiled(arith, [x, y], modes, n);
        const want = reference(arith, [x, y], modes, n);
        // NaN payloads may differ: compare with NaN mapped to a marker.
        const norm = (a: Float32Array): (number | string)[] => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : v));
        got.forEach((g, j) => expect(norm(g), `modes ${modes} n ${n} output ${j}`).toEqual(norm(want[j])));
      }
    }
  });

  it('compiles long programs too (one group of four per iteration instead of four): 70 instructions', () => {
    // r2 = x; then 35 times r2 = r2·0.75 + y (with y ROW of 3: the gathering path).
    const steps: Op[] = [[0, 3, 0, -1], [3, 2, 0, 3]];
    for (let t = 0; t < 34; t++) steps.push([3, 2, 2, 3], [1, 2, 2, 1]);
    const p = program(4, steps, [0.75], [2]);
    const [x, y] = [randoms(23, 3), randoms(3, 4)];
    expect(Array.from(runCompiled(p, [x, y], [0, 0, 2, 3], 23)[0])).toEqual(Array.from(reference(p, [x, y], [0, 0, 2, 3], 23)[0]));
  });

  it('runs on a shared memory (the threaded WASM build\'s heap) with the same results', () => {
    const [x, y] = [randoms(37, 5), randoms(37, 6)];
    const [a, b] = [runCompiled(arith, [x, y], [0, 0, 0, 0], 37, true), runCompiled(arith, [x, y], [0, 0, 0, 0], 37)];
    a.forEach((v, j) => expect(Array.from(v)).toEqual(Array.from(b[j])));
  });

  it('computes exp, log, log1p, softplus, sigmoid, expm1 and tanh within a few ulps of float64, special values included', () => {
    const x = Float32Array.from([...SPECIAL, ...randoms(2000, 9, 30), ...randoms(1000, 10, 1).map(Math.abs)]);
    const n = x.length;
    // One output per function: exp, log, log1p, softplus, sigmoid, log of |x| (positive arguments), expm1, tanh.
    const p = program(10, [[6, 1, 0, -1], [7, 2, 0, -1], [8, 3, 0, -1], [10, 4, 0, -1], [11, 5, 0, -1], [19, 6, 0, -1], [7, 7, 6, -1], [9, 8, 0, -1], [18, 9, 0, -1]], [], [1, 2, 3, 4, 5, 7, 8, 9]);
    const got = runCompiled(p, [x], [0, 0], n);
    const want = reference(p, [x], [0, 0], n);
    // vmath.c's bounds against float64: exp and log ≤ 1 ulp, softplus ≤ 2, sigmoid ≤ 3; log1p by the correction ≤ 2;
    // expm1 (Kahan's formula) and tanh measured ≤ 2 here, allowed 3.
    const limits = [1, 1, 2, 2, 3, 1, 3, 3];
    got.forEach((g, j) => {
      let worst = 0;
      let at = 0;
      g.forEach((v, i) => {
        const u = ulps(v, want[j][i]);
        if (u > worst) [worst, at] = [u, i];
      });
      expect(worst, `output ${j} at x = ${x[at]}: ${g[at]} vs ${want[j][at]}`).toBeLessThanOrEqual(limits[j]);
    });
  });

  it('gives the native addon\'s exp, log, softplus and sigmoid bit for bit (when built)', () => {
    if (!('addon' in nativeAddon)) return void console.warn(`addon comparison skipped: ${nativeAddon.reason}`);
    const x = Float32Array.from([...SPECIAL, ...randoms(4001, 11, 40)]);
    // Addon unary ops: 0 softplus, 1 exp, 2 log, 3 sigmoid.
    const p = program(5, [[10, 1, 0, -1], [6, 2, 0, -1], [7, 3, 0, -1], [11, 4, 0, -1]], [], [1, 2, 3, 4]);
    const got = runCompiled(p, [x], [0, 0], x.length);
    for (let op = 0; op < 4; op++) {
      const out = new Float32Array(x.length);
      nativeAddon.addon.unary(op, x, out);
      const norm = (a: Float32Array): (number | string)[] => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : v));
      expect(norm(got[op]), `addon op ${op}`).toEqual(norm(out));
    }
  });

  it('leaves programs with an opcode it does not know to the JS evaluator (null), and caches compiled ones', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(compileProgram(program(2, [[99, 1, 0, -1]], [], [1]), Int32Array.from([0, 0]), memory)).toBeNull();
    const p = program(2, [[6, 1, 0, -1]], [], [1]);
    const modes = Int32Array.from([0, 0]);
    expect(compileProgram(p, modes, memory)).toBe(compileProgram(p, Int32Array.from([0, 0]), memory)); // cached
  });
});

describe('fused programs on the WASM backend\'s heap', () => {
  afterAll(async () => {
    await initBackend((process.env.SGM_TEST_BACKEND as BackendName | undefined) ?? 'cpu');
  });

  it('reads tensors and writes outputs where the backend keeps them: softplus(x·w + b) against tfjs ops', async () => {
    await initBackend('wasm', { native: false });
    const backend = tf.backend() as unknown as { makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo };
    const [x, b] = [randn([30, 7], 1), randn([7], 2)];
    // r2 = CONST 0.5; r2 = x·r2; r2 = r2 + b (ROW of 7); r3 = softplus(r2); outputs r2 and r3.
    const p = program(4, [[0, 2, 0, -1], [3, 2, 0, 2], [1, 2, 2, 1], [10, 3, 2, -1]], [0.5], [2, 3]);
    const outs = [backend.makeOutput([30, 7], 'float32'), backend.makeOutput([30, 7], 'float32')];
    expect(runFusedOnHeap(tf.backend(), p, [x, b], Int32Array.from([0, 0, 2, 7]), outs, 210)).toBe(true);
    const [pre, sp] = outs.map((o) => tf.engine().makeTensorFromTensorInfo(o));
    const wantPre = tf.add(tf.mul(x, 0.5), b);
    expect(Array.from(pre.dataSync())).toEqual(Array.from(wantPre.dataSync()));
    expectClose(sp, tf.softplus(wantPre), 1e-6, 1e-7);
    tf.dispose([x, b, pre, sp, wantPre]);
  });
});
