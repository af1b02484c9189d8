/**
 * sgm's WebAssembly SIMD kernels on the WASM backend's heap, for WASM without the native addon: Adam of a
 * variable in place (or into new storage) and Σ x². tfjs runs Adam as 13 kernels per variable there (each a pass
 * over memory plus engine overhead) and a JS loop over the heap was slower still (bench/NOTES.md, "What did not
 * work"); these are one pass of f32x4 arithmetic each. The module imports the backend's own WebAssembly.Memory,
 * so tensors are addressed by their heap offsets: nothing is copied, and a heap that grows (its buffer replaced,
 * the Memory object the same) needs nothing from the caller.
 *
 * Numerics: every operation is a correctly rounded IEEE float32 (or float64) operation, in the order of the
 * native addon's loop (native/src/kernels.c) and of tfjs' AdamOptimizer, so the results are the addon's bit for
 * bit; Σ x² sums the float32 squares in float64 exactly as sum-of-squares.ts' JS loop (four running sums, lane k
 * taking the values i ≡ k mod 4, then ((a0 + a1) + a2) + a3), so it equals that loop bit for bit.
 */
import { encodeModule, F32, F64, FunctionBody, I32, V128, type ScalarOp, type SimdOp, type ValType } from './encoder.js';

/** The kernels of one memory; pointers are byte offsets into it, counts are float32 elements. */
export interface SimdKernels {
  /** Adam of n values: m' = m β1 + g (1-β1); v' = v β2 + g² (1-β2); w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w. */
  adam(
    n: number, w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number,
    lr: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number, omb1: number, omb2: number,
  ): void;
  /** Σ x² of n float32 values, accumulated in float64. */
  sumOfSquares(x: number, n: number): number;
}

/** The operations of one Adam value, in vector (f32x4) or scalar (f32) form. */
interface Lanes {
  load: 'v128Load' | 'f32Load';
  store: 'v128Store' | 'f32Store';
  width: number;
  arith(f: FunctionBody, o: 'add' | 'mul' | 'div' | 'sqrt'): void;
  /** Sets local x to 0 where |x| < the value in local `min` (FLT_MIN): subnormal moments are stored as 0. */
  flush(f: FunctionBody, x: number, min: number): void;
}
const VECTOR: Lanes = {
  load: 'v128Load',
  store: 'v128Store',
  width: 16,
  arith: (f, o) => f.simd(({ add: 'f32x4Add', mul: 'f32x4Mul', div: 'f32x4Div', sqrt: 'f32x4Sqrt' } as const)[o] satisfies SimdOp),
  // x = |x| < FLT_MIN ? 0 : x per lane: bitselect(0, x, |x| < min) (NaN compares false and stays).
  flush: (f, x, min) => void f.v128(0).get(x).get(x).simd('f32x4Abs').get(min).simd('f32x4Lt').simd('v128Bitselect').set(x),
};
const SCALAR: Lanes = {
  load: 'f32Load',
  store: 'f32Store',
  width: 4,
  arith: (f, o) => f.op(({ add: 'f32Add', mul: 'f32Mul', div: 'f32Div', sqrt: 'f32Sqrt' } as const)[o] satisfies ScalarOp),
  // select(0, x, |x| < min) = |x| < min ? 0 : x.
  flush: (f, x, min) => void f.f32(0).get(x).get(x).op('f32Abs').get(min).op('f32Lt').op('select').set(x),
};

/** The smallest normal float32, 2^-126. */
const FLT_MIN = 2 ** -126;

function adamBody(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32], []);
  const [n, w, g, m, v, wOut, mOut, vOut] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scalarParams = { lr: 8, b1: 9, b2: 10, eps: 11, c1: 12, c2: 13, omb1: 14, omb2: 15 };
  const i = f.local(I32);
  const end = f.local(I32);
  const nlrScalar = f.local(F32);
  f.get(scalarParams.lr).op('f32Neg').set(nlrScalar); // −lr: negation is exact
  const splat = (p: number): number => {
    const l = f.local(V128);
    f.get(p).simd('f32x4Splat').set(l);
    return l;
  };
  // The smallest normal float32 (2^-126): moments below it are stored as 0, as the native loop does (kernels.c:
  // subnormal arithmetic is ~20x slower on x86, and a weight with no gradient decays its m into them).
  const minScalar = f.local(F32);
  f.f32(FLT_MIN).set(minScalar);
  const minVector = f.local(V128);
  f.get(minScalar).simd('f32x4Splat').set(minVector);
  const vectorParams = {
    b1: splat(scalarParams.b1), b2: splat(scalarParams.b2), eps: splat(scalarParams.eps), c1: splat(scalarParams.c1),
    c2: splat(scalarParams.c2), omb1: splat(scalarParams.omb1), omb2: splat(scalarParams.omb2), nlr: splat(nlrScalar),
  };
  const loop = (lanes: Lanes, k: Record<keyof typeof vectorParams, number>, t: ValType, min: number): void => {
    const [gi, mi, vi, wi] = [f.local(t), f.local(t), f.local(t), f.local(t)];
    const at = (base: number): FunctionBody => f.get(base).get(i).op('i32Add');
    f.begin('block').begin('loop');
    f.get(i).get(end).op('i32GeU').br('brIf', 1);
    // Every input value is loaded before anything is stored: the outputs may be the inputs (in place).
    at(g).mem(lanes.load).set(gi);
    at(w).mem(lanes.load).set(wi);
    // m' = m·β1 + g·(1−β1)
    at(m).mem(lanes.load).get(k.b1);
    lanes.arith(f, 'mul');
    f.get(gi).get(k.omb1);
    lanes.arith(f, 'mul');
    lanes.arith(f, 'add');
    f.set(mi);
    // v' = v·β2 + (g·g)·(1−β2)
    at(v).mem(lanes.load).get(k.b2);
    lanes.arith(f, 'mul');
    f.get(gi).get(gi);
    lanes.arith(f, 'mul');
    f.get(k.omb2);
    lanes.arith(f, 'mul');
    lanes.arith(f, 'add');
    f.set(vi);
    lanes.flush(f, mi, min);
    lanes.flush(f, vi, min);
    at(mOut).get(mi).mem(lanes.store);
    at(vOut).get(vi).mem(lanes.store);
    // w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w
    at(wOut).get(mi).get(k.c1);
    lanes.arith(f, 'div');
    f.get(vi).get(k.c2);
    lanes.arith(f, 'div');
    lanes.arith(f, 'sqrt');
    f.get(k.eps);
    lanes.arith(f, 'add');
    lanes.arith(f, 'div');
    f.get(k.nlr);
    lanes.arith(f, 'mul');
    f.get(wi);
    lanes.arith(f, 'add');
    f.mem(lanes.store);
    f.get(i).i32(lanes.width).op('i32Add').set(i);
    f.br('br', 0).op('end').op('end');
  };
  // Four values at a time up to n rounded down to a multiple of 4, then one at a time.
  f.get(n).i32(-4).op('i32And').i32(2).op('i32Shl').set(end);
  loop(VECTOR, vectorParams, V128, minVector);
  f.get(n).i32(2).op('i32Shl').set(end);
  loop(SCALAR, { ...scalarParams, nlr: nlrScalar }, F32, minScalar);
  return f;
}

function sumOfSquaresBody(): FunctionBody {
  const f = new FunctionBody([I32, I32], [F64]);
  const [x, n] = [0, 1];
  const i = f.local(I32);
  const end = f.local(I32);
  const acc01 = f.local(V128); // lanes: a0, a1
  const acc23 = f.local(V128); // lanes: a2, a3
  const a0 = f.local(F64);
  f.get(n).i32(-4).op('i32And').i32(2).op('i32Shl').set(end);
  f.begin('block').begin('loop');
  f.get(i).get(end).op('i32GeU').br('brIf', 1);
  // Values 4k, 4k+1 → (a0, a1) and 4k+2, 4k+3 → (a2, a3): each float32 widened to float64, squared (exact: 48
  // significant bits) and added, as the JS loop's x0 * x0 on a float64 number.
  for (const [offset, acc] of [[0, acc01], [8, acc23]] as const) {
    const sq = f.local(V128);
    f.get(x).get(i).op('i32Add').mem('v128Load64Zero', offset).simd('f64x2PromoteLowF32x4').tee(sq).get(sq).simd('f64x2Mul');
    f.get(acc).simd('f64x2Add').set(acc);
  }
  f.get(i).i32(16).op('i32Add').set(i);
  f.br('br', 0).op('end').op('end');
  f.get(acc01).lane('f64x2ExtractLane', 0).set(a0);
  f.get(n).i32(2).op('i32Shl').set(end);
  f.begin('block').begin('loop');
  f.get(i).get(end).op('i32GeU').br('brIf', 1);
  const xi = f.local(F64);
  f.get(x).get(i).op('i32Add').mem('f32Load').op('f64PromoteF32').tee(xi).get(xi).op('f64Mul').get(a0).op('f64Add').set(a0);
  f.get(i).i32(4).op('i32Add').set(i);
  f.br('br', 0).op('end').op('end');
  f.get(a0).get(acc01).lane('f64x2ExtractLane', 1).op('f64Add');
  f.get(acc23).lane('f64x2ExtractLane', 0).op('f64Add');
  f.get(acc23).lane('f64x2ExtractLane', 1).op('f64Add');
  return f;
}

/** The module's bytes, for a shared or an unshared memory. */
export function simdKernelBytes(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule({ adam: adamBody(), sumOfSquares: sumOfSquaresBody() }, sharedMemory);
}

const compiled = new Map<boolean, WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The kernels on `memory`, or null where this engine has no WebAssembly SIMD or will not compile the module
 * (then tfjs' kernels stay in use).
 * Compiled once per kind of memory and instantiated once per memory; the module is ~1 KB, so synchronous
 * compilation is allowed on a browser's main thread too.
 */
export function simdKernelsFor(memory: WebAssembly.Memory): SimdKernels | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  const shared = isShared(memory);
  let kernels: SimdKernels | null = null;
  try {
    if (!compiled.has(shared)) {
      const bytes = simdKernelBytes(shared);
      compiled.set(shared, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null);
    }
    const module = compiled.get(shared)!;
    kernels = module === null ? null : (new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels);
  } catch {
    // An engine that refuses to compile or instantiate (a Content-Security-Policy without 'wasm-unsafe-eval'):
    // tfjs' kernels stay in use.
    compiled.set(shared, null);
  }
  instances.set(memory, kernels);
  return kernels;
}
