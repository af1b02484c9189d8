// stdlib/fusion: every opcode of the SgmFused kernel (the JS evaluator, on the CPU and WASM backends) against
// float64 formulas written here and against tfjs' own op; the program compiler (constant folding, shared
// subexpressions, register reuse); broadcast modes; random programs against the tfjs-op fallback.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { initBackend } from '../../runtime/backend/index.js';
import { fusedKernelEvaluator, registerFusedKernel } from '../../runtime/backend/fused-kernel.js';
import { F, FExpr, FUSED_KERNEL, Mode, compileProgram, evaluateProgram, fuse, fusedKernelActive, inputMode, setCodegenAllowed, setFusionEnabled } from '../../stdlib/fusion/index.js';

// Values that exercise each op's edges: 0 and -0, tiny and huge magnitudes, the softplus/sigmoid switch points,
// ±50 and ±100 logits, infinities and NaN.
const EDGES = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 1, -1, 2.5, -3, 13.9, -13.9, 15.9, -15.9, 20, -20, 50, -50, 88, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN];

// Independent float64 references (written here, not imported from stdlib).
const UNARY_REF: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  // log(1 + e^x) evaluated without overflow: x + log1p(e^-x) for x > 0.
  softplus: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0),
  step: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : 0),
  square: (x) => x * x,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  abs: Math.abs,
  recip: (x) => 1 / x,
};
const BINARY_REF: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
};
const TF_UNARY: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  neg: tf.neg, exp: tf.exp, log: tf.log, log1p: tf.log1p, expm1: tf.expm1, softplus: tf.softplus, sigmoid: tf.sigmoid,
  relu: tf.relu, step: (x) => tf.step(x), square: tf.square, sqrt: tf.sqrt, tanh: tf.tanh, abs: tf.abs, recip: tf.reciprocal,
};
const TF_BINARY: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div, max: tf.maximum, min: tf.minimum,
  greater: (a, b) => tf.cast(tf.greater(a, b), 'float32'),
};

/** Same values, NaN equal to NaN, ±Inf equal, else |a - b| ≤ atol + rtol·|b|. */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 1e-37, what = ''): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const ok = (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) expect(`${what} index ${i}: ${a} vs ${b}`).toBe('close');
  }
}

const fround = (v: number): number => Math.fround(v);
const unaryBuilders = new Map(Object.keys(UNARY_REF).map((k) => [k, (x: FExpr) => (F as unknown as Record<string, (x: FExpr) => FExpr>)[k](x)]));
const binaryBuilders = new Map(Object.keys(BINARY_REF).map((k) => [k, (a: FExpr, b: FExpr) => (F as unknown as Record<string, (a: FExpr, b: FExpr) => FExpr>)[k](a, b)]));

describe.each(['cpu', 'wasm'] as const)('SgmFused opcodes on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend, { native: false });
    registerFusedKernel(backend);
    setFusionEnabled(true);
  });
  afterAll(async () => {
    setFusionEnabled(true);
    await initBackend('cpu');
  });

  it('uses the kernel (registered, fusion on)', () => {
    expect(fusedKernelActive()).toBe(true);
  });

  it.each(Object.keys(UNARY_REF))('%s equals float64 rounded to float32 (within 1 ulp for transcendental ops) and tfjs', (name) => {
    const x = tf.tensor1d(EDGES);
    const xs = x.dataSync();
    const got = fuse([x], unaryBuilders.get(name)!).dataSync();
    const ref = Array.from(xs, (v) => fround(UNARY_REF[name](v)));
    // +,-,×,÷,sqrt are correctly rounded: exact. exp/log/... from float64 Math: within one float32 rounding.
    expectSame(got, ref, ['neg', 'square', 'sqrt', 'recip', 'abs', 'relu', 'step'].includes(name) ? 0 : 1.2e-7, 1e-37, name);
    // tfjs' own op (float32 kernels on WASM: a few ulps, and log1p/expm1 as log(1 + x)/exp(x) - 1 there, exact
    // only to float32 epsilon absolutely; the CPU softplus switches to e^x below x = -13.9).
    const tfRef = tf.tidy(() => TF_UNARY[name](x).dataSync());
    const atol = backend === 'wasm' && (name === 'log1p' || name === 'expm1') ? 1.2e-7 : 1e-37;
    expectSame(got, tfRef, 1e-6, atol, `${name} vs tfjs`);
    x.dispose();
  });

  it.each(Object.keys(BINARY_REF))('%s equals float64 rounded to float32 and tfjs, on every pair of edge values', (name) => {
    const a = tf.tensor2d(EDGES.flatMap((u) => EDGES.map(() => u)), [EDGES.length, EDGES.length]);
    const b = tf.tensor2d(EDGES.flatMap(() => EDGES), [EDGES.length, EDGES.length]);
    const got = fuse([a, b], binaryBuilders.get(name)!).dataSync();
    const av = a.dataSync();
    const bv = b.dataSync();
    const ref = Array.from(av, (u, i) => fround(BINARY_REF[name](u, bv[i])));
    expectSame(got, ref, 0, 0, name);
    const tfRef = tf.tidy(() => TF_BINARY[name](a, b).dataSync());
    // tfjs' WASM maximum/minimum are std::max/min, which drop a NaN operand; the kernel keeps it, as the CPU does
    // (FUSION-SPEC.md): those pairs are compared with the float64 reference above only.
    const keep = (i: number): boolean => !(backend === 'wasm' && (name === 'max' || name === 'min') && (Number.isNaN(av[i]) || Number.isNaN(bv[i])));
    expectSame(got.filter((_, i) => keep(i)), tfRef.filter((_, i) => keep(i)), 0, 0, `${name} vs tfjs`);
    tf.dispose([a, b]);
  });

  it('reads ROW, COL and SCALAR inputs in place and broadcasts other shapes first (values as tfjs)', () => {
    const full = tf.tensor3d(Array.from({ length: 2 * 3 * 700 }, (_, i) => Math.sin(i)), [2, 3, 700]);
    const row = tf.tensor1d(Array.from({ length: 700 }, (_, i) => i / 7));
    const col = tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]);
    const scalar = tf.scalar(0.25);
    const mid = tf.tensor3d([1, -1, 2], [1, 3, 1]); // neither a suffix nor a prefix: broadcast first
    const build = (f: FExpr, r: FExpr, c: FExpr, s: FExpr, m: FExpr): FExpr => F.add(F.mul(F.sub(f, r), c), F.mul(s, m));
    const got = fuse([full, row, col, scalar, mid], build);
    const ref = tf.add(tf.mul(tf.sub(full, row), col), tf.mul(scalar, mid));
    expect(got.shape).toEqual([2, 3, 700]);
    expectSame(got.dataSync(), ref.dataSync(), 0, 0);
    // The output can also be larger than every input (row against col).
    const outer = fuse([tf.tensor2d([[1], [2]]), tf.tensor1d([10, 20, 30])], (c, r) => F.add(c, r));
    expect(outer.shape).toEqual([2, 3]);
    expect(Array.from(outer.dataSync())).toEqual([11, 21, 31, 12, 22, 32]);
    tf.dispose([full, row, col, scalar, mid, got, ref, outer]);
  });
});

/** A random program over 4 inputs (depth ≤ 6) as a build function, and whether it uses softplus. */
function randomProgram(): fc.Arbitrary<{ build: (...xs: FExpr[]) => FExpr; usesSoftplus: boolean; text: string }> {
  type Node = { text: string; make: (xs: FExpr[]) => FExpr; sp: boolean };
  const leaf: fc.Arbitrary<Node> = fc.oneof(
    fc.integer({ min: 0, max: 3 }).map((k) => ({ text: `x${k}`, make: (xs: FExpr[]) => xs[k], sp: false })),
    fc.constantFrom(0.5, -2, 3).map((c) => ({ text: String(c), make: () => F.const(c), sp: false })),
  );
  const tree = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom(...Object.keys(UNARY_REF)), tie('node')).map(([op, a]) => ({
        text: `${op}(${a.text})`,
        make: (xs: FExpr[]) => unaryBuilders.get(op)!(a.make(xs)),
        sp: a.sp || op === 'softplus',
      })),
      fc.tuple(fc.constantFrom(...Object.keys(BINARY_REF)), tie('node'), tie('node')).map(([op, a, b]) => ({
        text: `${op}(${a.text}, ${b.text})`,
        make: (xs: FExpr[]) => binaryBuilders.get(op)!(a.make(xs), b.make(xs)),
        sp: a.sp || b.sp || op === 'softplus',
      })),
    ),
  })).node;
  return tree.map((t) => ({ build: (...xs: FExpr[]) => F.add(t.make(xs), xs[0]), usesSoftplus: t.sp, text: t.text }));
}

describe('random programs (fast-check)', () => {
  // Programs drawn once with a fixed seed; each is run by the kernel on CPU and WASM and by tfjs ops on CPU, whose
  // kernels compute every op in float64 and round to float32 as the evaluator does. (tfjs' WASM ops are not the
  // reference: their relu/maximum drop NaN and their log1p loses small arguments.)
  const programs = fc.sample(randomProgram(), { seed: 19, numRuns: 80 });
  // x0 [r, c] (FULL), x1 [c] (ROW), x2 [r, 1] (COL), x3 a scalar; sizes around the 512-element block.
  const dims = [[1, 1], [1, 7], [3, 170], [4, 128], [9, 57], [2, 650]];
  const values = (n: number, i: number, k: number): number[] => Array.from({ length: n }, (_, j) => 3 * Math.sin(i + 7 * k + j * 1.3));
  const inputsOf = (i: number): tf.Tensor[] => {
    const [r, c] = dims[i % dims.length];
    return [tf.tensor2d(values(r * c, i, 0), [r, c]), tf.tensor1d(values(c, i, 1)), tf.tensor2d(values(r, i, 2), [r, 1]), tf.scalar(0.75)];
  };
  const run = (fused: boolean): Float32Array[] =>
    programs.map((p, i) => {
      setFusionEnabled(fused);
      const xs = inputsOf(i);
      const out = fuse(xs, p.build);
      const values = out.dataSync() as Float32Array;
      tf.dispose([...xs, out]);
      setFusionEnabled(true);
      return values;
    });
  let cpuKernel: Float32Array[] = [];
  let cpuOps: Float32Array[] = [];
  let wasmKernel: Float32Array[] = [];
  let cpuBlocks: Float32Array[] = [];
  beforeAll(async () => {
    await initBackend('cpu', { native: false });
    cpuKernel = run(true);
    setCodegenAllowed(false);
    cpuBlocks = run(true);
    setCodegenAllowed(true);
    cpuOps = run(false);
    await initBackend('wasm', { native: false });
    registerFusedKernel('wasm');
    wasmKernel = run(true);
    await initBackend('cpu');
  });
  const same = (a: number, b: number, tol: number): boolean =>
    (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b));

  it('the CPU kernel equals tfjs ops bit for bit (within float32 rounding where softplus is used)', () => {
    const bad = programs.findIndex((p, i) => !Array.from(cpuKernel[i]).every((v, j) => same(v, cpuOps[i][j], p.usesSoftplus ? 1e-5 : 0)));
    expect(bad === -1 ? 'all agree' : `${programs[bad].text}: ${cpuKernel[bad]} vs ${cpuOps[bad]}`).toBe('all agree');
  });

  it('the compiled loop (jit.ts) equals the block evaluator (evaluate.ts) bit for bit', () => {
    const bad = programs.findIndex((_, i) => !Array.from(cpuBlocks[i]).every((v, j) => same(v, cpuKernel[i][j], 0)));
    expect(bad === -1 ? 'all agree' : programs[bad].text).toBe('all agree');
  });

  it('the WASM kernel (SIMD on the heap) equals the CPU kernel: bit for bit without transcendental functions', () => {
    // exp/log/softplus/sigmoid/... are float32 vector math there (1-3 ulps from Math.* in float64), which a chain
    // can amplify (a difference of near-equal values); arithmetic is IEEE float32, the same bits.
    const transcendental = (text: string): boolean => /exp|log|soft|sigmoid|tanh/.test(text);
    const bad = programs.findIndex((p, i) => !Array.from(wasmKernel[i]).every((v, j) => same(v, cpuKernel[i][j], transcendental(p.text) ? 1e-3 : 0)));
    expect(bad === -1 ? 'all agree' : programs[bad].text).toBe('all agree');
  });
});

describe('the program compiler', () => {
  it('folds constants and neutral operations at build time', () => {
    const p = compileProgram([F.add(F.mul(F.exp(F.const(0)), 2), 3)], 0);
    expect(Array.from(p.code)).toEqual([0, 0, 0, -1]); // one CONST
    expect(p.consts[0]).toBe(5);
    const x = compileProgram([F.mul(F.add(F.sub(new FExpr(-1, null, null, 0), 0), 0), 1)], 1);
    expect(x.code.length).toBe(0); // x itself
    expect(Array.from(x.outRegs)).toEqual([0]);
  });

  it('shares common subexpressions (also across commuted operands) and reuses dead temporaries', () => {
    const build = (a: FExpr, b: FExpr): FExpr => F.add(F.exp(F.mul(a, b)), F.exp(F.mul(b, a)));
    const p = compileProgram([build(new FExpr(-1, null, null, 0), new FExpr(-1, null, null, 1))], 2);
    expect(p.code.length / 4).toBe(3); // mul, exp, add
    // A chain of 200 operations needs two temporaries at most, not 200.
    let e: FExpr = new FExpr(-1, null, null, 0);
    for (let i = 0; i < 200; i++) e = F.add(F.exp(F.neg(e)), new FExpr(-1, null, null, 1));
    const long = compileProgram([e], 2);
    expect(long.code.length / 4).toBe(600);
    expect(long.nRegs).toBeLessThanOrEqual(4);
  });

  it('gives each input the mode of its shape', () => {
    expect(inputMode([4, 5], [4, 5])).toEqual([Mode.FULL, 0]);
    expect(inputMode([1, 1], [4, 5])).toEqual([Mode.SCALAR, 0]);
    expect(inputMode([5], [4, 5])).toEqual([Mode.ROW, 5]);
    expect(inputMode([1, 3, 5], [2, 3, 5])).toEqual([Mode.ROW, 15]);
    expect(inputMode([4, 1], [4, 5])).toEqual([Mode.COL, 5]);
    expect(inputMode([2, 1, 1], [2, 3, 5])).toEqual([Mode.COL, 15]);
    expect(inputMode([1, 3, 1], [2, 3, 5])).toBeNull();
    expect(inputMode([2, 1, 5], [2, 3, 5])).toBeNull();
  });
});

describe('where the SgmFused kernel is registered', () => {
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('the JS evaluator on CPU; WebAssembly SIMD on WASM without the addon; tfjs ops where none is registered', async () => {
    await initBackend('cpu', { native: false });
    expect(tf.getKernel(FUSED_KERNEL, 'cpu')).toBeDefined();
    expect(fusedKernelEvaluator('cpu')).toBe('js');
    await initBackend('wasm', { native: false });
    expect(fusedKernelEvaluator('wasm')).toBe('wasm-simd'); // Node ≥ 16 has WebAssembly SIMD
    expect(fusedKernelActive()).toBe(true);
    const y = fuse([tf.tensor1d([1, -2]), 3], (a, b) => F.mul(F.relu(a), b));
    expect(Array.from(y.dataSync())).toEqual([3, 0]);
    // Without a kernel (unregistered here), fuse() runs the same program as tfjs ops.
    tf.unregisterKernel(FUSED_KERNEL, 'wasm');
    expect(fusedKernelActive()).toBe(false);
    const z = fuse([tf.tensor1d([1, -2]), 3], (a, b) => F.mul(F.relu(a), b));
    expect(Array.from(z.dataSync())).toEqual([3, 0]);
    tf.dispose([y, z]);
  });

  it('the native hook: registerFusedKernel(backend, fused) passes the FUSION-SPEC.md arguments to the addon', async () => {
    await initBackend('cpu', { native: false });
    const calls: number[] = [];
    // A stand-in for the addon's `fused`: checks the argument types and runs the block evaluator.
    registerFusedKernel('cpu', (code, consts, nRegs, inputs, modes, outputs, outRegs, n) => {
      expect(code).toBeInstanceOf(Int32Array);
      expect(consts).toBeInstanceOf(Float32Array);
      expect(modes).toBeInstanceOf(Int32Array);
      expect(outRegs).toBeInstanceOf(Int32Array);
      expect(inputs.every((x) => x instanceof Float32Array) && outputs.every((x) => x instanceof Float32Array)).toBe(true);
      calls.push(n);
      evaluateProgram({ code, consts, nRegs, outRegs }, inputs, modes, outputs, n);
    });
    expect(fusedKernelEvaluator('cpu')).toBe('native');
    const [a, b] = fuse([tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor1d([1, 0, -1])], (x, r) => [F.mul(x, r), F.add(x, 1)]);
    expect(calls).toEqual([6]);
    expect(Array.from(a.dataSync())).toEqual([1, 0, -3, 4, 0, -6]);
    expect(Array.from(b.dataSync())).toEqual([2, 3, 4, 5, 6, 7]);
    tf.dispose([a, b]);
    registerFusedKernel('cpu');
    expect(fusedKernelEvaluator('cpu')).toBe('js');
  });
});
