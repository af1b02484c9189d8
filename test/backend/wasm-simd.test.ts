// sgm's WebAssembly SIMD kernels (runtime/backend/wasm-simd/): the encoded module on memories of its own (Adam
// against float32 arithmetic emulated here op by op and against float64, Σx² against float64 sums, shared and
// unshared memories, unaligned offsets), then on the WASM backend without the addon: FusedAdamOptimizer against
// tf.train.adam over 20 steps, in place only when nothing else holds the storage, across heap growth, and with
// the backend's cached XNNPACK weights cleared after an in-place update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { fusedAdam, initBackend, type BackendName } from '../../runtime/backend/index.js';
import { FUSED_ADAM_IN_PLACE_KERNEL, FUSED_ADAM_KERNEL } from '../../runtime/backend/fused-adam.js';
import { SUM_OF_SQUARES_KERNEL, sumOfSquares } from '../../runtime/backend/sum-of-squares.js';
import { simdKernelBytes, simdKernelsFor, type SimdKernels } from '../../runtime/backend/wasm-simd/kernels.js';
import { wasmHeapMemory } from '../../runtime/backend/wasm-simd/heap.js';
import { RandomStream } from '../../stdlib/random.js';
import { expectClose, nativeAddon, randn } from './helpers.js';

const f = Math.fround;
const [LR, B1, B2, EPS] = [0.01, 0.9, 0.999, 1e-7];

/** Seeded float32 normal values. */
function normals(n: number, seed: number, scale = 1): Float32Array {
  const t = new RandomStream(seed).normal([n]);
  const values = (t.dataSync() as Float32Array).map((x) => x * scale);
  t.dispose();
  return values;
}

/** The smallest normal float32; Adam stores moments below it as 0 (native/src/kernels.c adam_range). */
const FLT_MIN = 2 ** -126;
const flush = (x: number): number => (Math.abs(x) < FLT_MIN ? 0 : x);

/** One Adam step in float32 arithmetic, each operation rounded (Math.fround) in the addon's and tfjs' order. */
function adamFloat32(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c1: number, c2: number): void {
  const [b1, b2, omb1, omb2, eps, nlr, fc1, fc2] = [f(B1), f(B2), f(1 - B1), f(1 - B2), f(EPS), -f(LR), f(c1), f(c2)];
  for (let i = 0; i < w.length; i++) {
    m[i] = flush(f(f(m[i] * b1) + f(g[i] * omb1)));
    v[i] = flush(f(f(v[i] * b2) + f(f(g[i] * g[i]) * omb2)));
    w[i] = f(f(f(f(m[i] / fc1) / f(f(Math.sqrt(f(v[i] / fc2))) + eps)) * nlr) + w[i]);
  }
}

/** One Adam step in float64 (the textbook formula, tfjs' constants unrounded). */
function adamFloat64(w: Float64Array, g: Float32Array, m: Float64Array, v: Float64Array, c1: number, c2: number): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = B1 * m[i] + (1 - B1) * g[i];
    v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
    w[i] -= (LR * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
  }
}

describe('the WASM SIMD module on a memory of its own', () => {
  it('is valid WebAssembly for shared and unshared memories', () => {
    expect(WebAssembly.validate(simdKernelBytes(false))).toBe(true);
    expect(WebAssembly.validate(simdKernelBytes(true))).toBe(true);
  });

  /** 20 Adam steps of n values at unaligned byte offsets of `memory`; returns w, m, v after each step. */
  function run(memory: WebAssembly.Memory, n: number, steps: number): Float32Array[][] {
    const k = simdKernelsFor(memory) as SimdKernels;
    // Byte offsets 4 mod 16: v128 loads and stores need no alignment, only the hint differs.
    const [w, g, m, v] = [4, 4 + 4 * (n + 1), 4 + 8 * (n + 1), 4 + 12 * (n + 1)];
    const view = (p: number): Float32Array => new Float32Array(memory.buffer, p, n);
    view(w).set(normals(n, 1));
    view(m).fill(0);
    view(v).fill(0);
    const out: Float32Array[][] = [];
    for (let s = 1; s <= steps; s++) {
      view(g).set(normals(n, 100 + s, 0.1 * s));
      const [c1, c2] = [1 - f(B1 ** s), 1 - f(B2 ** s)];
      k.adam(n, w, g, m, v, w, m, v, LR, B1, B2, EPS, c1, c2, 1 - B1, 1 - B2);
      out.push([view(w).slice(), view(m).slice(), view(v).slice()]);
    }
    return out;
  }

  it('equals float32 arithmetic op by op over 20 steps, and float64 Adam to float32 rounding', () => {
    for (const n of [1, 3, 4, 7, 1003]) {
      const got = run(new WebAssembly.Memory({ initial: 1 }), n, 20);
      const [w, m, v] = [normals(n, 1), new Float32Array(n), new Float32Array(n)];
      const [w64, m64, v64] = [Float64Array.from(w), new Float64Array(n), new Float64Array(n)];
      for (let s = 1; s <= 20; s++) {
        const g = normals(n, 100 + s, 0.1 * s);
        adamFloat32(w, g, m, v, 1 - f(B1 ** s), 1 - f(B2 ** s));
        adamFloat64(w64, g, m64, v64, 1 - B1 ** s, 1 - B2 ** s);
        expect(Array.from(got[s - 1][0])).toEqual(Array.from(w));
        expect(Array.from(got[s - 1][1])).toEqual(Array.from(m));
        expect(Array.from(got[s - 1][2])).toEqual(Array.from(v));
      }
      // Float64 against float32 after 20 steps: each step rounds w (|w| up to ~3: 1.2e-7) and the bias-corrected
      // ratio is off by a few float32 ulps of lr·ratio; m and v accumulate one rounding of their terms per step.
      // Measured worst cases (n = 1003): w 7.9e-7, m 2.1e-7 (|g| up to ~8, so m's terms are ~1), v 1.5e-8.
      expectClose(got[19][0], w64, 1e-6, 1e-6);
      expectClose(got[19][1], m64, 0, 1e-6);
      expectClose(got[19][2], v64, 1e-6, 1e-7);
    }
  });

  it('gives the same bits on a shared memory (the threaded WASM build\'s heap)', () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const [a, b] = [run(shared, 1003, 3), run(new WebAssembly.Memory({ initial: 1 }), 1003, 3)];
    for (let s = 0; s < 3; s++) for (let j = 0; j < 3; j++) expect(Array.from(a[s][j])).toEqual(Array.from(b[s][j]));
  });

  it('equals the native addon\'s Adam bit for bit (when built)', () => {
    if (!('addon' in nativeAddon)) return void console.warn(`addon comparison skipped: ${nativeAddon.reason}`);
    const n = 1003;
    const got = run(new WebAssembly.Memory({ initial: 1 }), n, 5);
    const [w, m, v] = [normals(n, 1), new Float32Array(n), new Float32Array(n)];
    for (let s = 1; s <= 5; s++) {
      const g = normals(n, 100 + s, 0.1 * s);
      nativeAddon.addon.adam(w, g, m, v, w, m, v, LR, B1, B2, EPS, 1 - f(B1 ** s), 1 - f(B2 ** s));
    }
    expect(Array.from(got[4][0])).toEqual(Array.from(w));
    expect(Array.from(got[4][2])).toEqual(Array.from(v));
  });

  it('stores moments below the smallest normal float32 as 0 (NaN stays), vector and scalar lanes, as the addon does', () => {
    // m·β1 and v·β2 of these fall below 2^-126 (zero gradient: a weight no data reaches); the others stay normal.
    const m0 = [1.3e-38, -1.3e-38, 2e-38, 1e-3, Number.NaN, 0, 1.25e-38];
    const v0 = [1.176e-38, 1.18e-38, 1e-6, 1e-6, 1e-6, 0, 1.1756e-38];
    const n = m0.length;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const k = simdKernelsFor(memory) as SimdKernels;
    const [w, g, m, v] = [0, 16 * n, 32 * n, 48 * n];
    const view = (p: number): Float32Array => new Float32Array(memory.buffer, p, n);
    view(w).fill(0.5);
    view(g).fill(0);
    view(m).set(m0);
    view(v).set(v0);
    k.adam(n, w, g, m, v, w, m, v, LR, B1, B2, EPS, 0.5, 0.5, 1 - B1, 1 - B2);
    const [we, me, ve] = [new Float32Array(n).fill(0.5), Float32Array.from(m0), Float32Array.from(v0)];
    adamFloat32(we, new Float32Array(n), me, ve, 0.5, 0.5);
    expect(Array.from(view(m))).toEqual(Array.from(me));
    expect(Array.from(view(v))).toEqual(Array.from(ve));
    expect(Array.from(view(w))).toEqual(Array.from(we));
    expect([me[0], me[1], me[6], ve[0], ve[6]]).toEqual([0, 0, 0, 0, 0]);
    expect(me[2]).toBeGreaterThan(0);
    expect(Number.isNaN(me[4])).toBe(true);
    if ('addon' in nativeAddon) {
      const [wn, mn, vn] = [new Float32Array(n).fill(0.5), Float32Array.from(m0), Float32Array.from(v0)];
      nativeAddon.addon.adam(wn, new Float32Array(n), mn, vn, wn, mn, vn, LR, B1, B2, EPS, 0.5, 0.5);
      expect(Array.from(mn)).toEqual(Array.from(me));
      expect(Array.from(vn)).toEqual(Array.from(ve));
      expect(Array.from(wn)).toEqual(Array.from(we));
    }
  });

  it('sums squares as four float64 running sums, and within 1e-15 of a plain float64 sum', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const k = simdKernelsFor(memory)!;
    for (const n of [0, 1, 2, 3, 4, 5, 9, 1001]) {
      const x = normals(n, n + 7, 1e3);
      new Float32Array(memory.buffer, 8, n).set(x);
      const lanes = [0, 0, 0, 0];
      x.forEach((xi, i) => (lanes[i < n - (n % 4) ? i % 4 : 0] += xi * xi));
      let plain = 0;
      for (const xi of x) plain += xi * xi;
      const got = k.sumOfSquares(8, n);
      expect(got).toBe(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
      expect(Math.abs(got - plain)).toBeLessThanOrEqual(1e-15 * plain);
    }
  });
});

describe('FusedAdamOptimizer on WASM without the addon', () => {
  const testBackend = (process.env.SGM_TEST_BACKEND as BackendName | undefined) ?? 'cpu';
  beforeAll(async () => {
    await initBackend('wasm', { native: false });
  });
  afterAll(async () => {
    await initBackend(testBackend);
  });

  /** Both optimizers on copies of the same variables, fed the same seeded gradients; `between` runs between steps. */
  function trainBoth(steps: number, between?: (step: number, b: tf.Variable[]) => void): [tf.Variable[], tf.Variable[], tf.Optimizer[]] {
    const shapes = [[37, 11], [11], [5, 4, 3]];
    const make = (): tf.Variable[] => shapes.map((s, i) => tf.variable(randn(s, i + 1)));
    const [a, b] = [make(), make()];
    const opts = [tf.train.adam(0.05), fusedAdam(0.05)];
    for (let s = 0; s < steps; s++) {
      const grads = shapes.map((sh, i) => randn(sh, 100 * s + i));
      opts[0].applyGradients(a.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      opts[1].applyGradients(b.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      tf.dispose(grads);
      between?.(s, b);
    }
    return [a, b, opts];
  }

  it('runs the SIMD kernels: Adam in place in one kernel, Σx² in one', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const k of [FUSED_ADAM_KERNEL, FUSED_ADAM_IN_PLACE_KERNEL, SUM_OF_SQUARES_KERNEL]) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    expect(wasmHeapMemory(tf.backend())).toBeInstanceOf(WebAssembly.Memory);
  });

  it('equals tf.train.adam bit for bit over 20 steps, in place', async () => {
    const [a, b, opts] = trainBoth(1);
    const ids = b.map((v) => v.dataId);
    const profile = await tf.profile(() => {
      const g = b.map((v, i) => randn(v.shape, 7 + i));
      opts[1].applyGradients(b.map((v, i) => ({ name: v.name, tensor: g[i] })));
      opts[0].applyGradients(a.map((v, i) => ({ name: v.name, tensor: g[i] })));
      tf.dispose(g);
    });
    expect(profile.kernels.filter((k) => k.name === FUSED_ADAM_IN_PLACE_KERNEL).length).toBe(1);
    for (let s = 0; s < 18; s++) {
      const g = b.map((v, i) => randn(v.shape, 1000 + 10 * s + i));
      opts[0].applyGradients(a.map((v, i) => ({ name: v.name, tensor: g[i] })));
      opts[1].applyGradients(b.map((v, i) => ({ name: v.name, tensor: g[i] })));
      tf.dispose(g);
    }
    b.forEach((v, i) => expect(v.dataId).toBe(ids[i]));
    a.forEach((v, i) => expect(Array.from(b[i].dataSync())).toEqual(Array.from(v.dataSync())));
    const [wa, wb] = [await opts[0].getWeights(), await opts[1].getWeights()];
    wa.forEach((w, i) => expect(Array.from(wb[i].tensor.dataSync())).toEqual(Array.from(w.tensor.dataSync())));
    tf.dispose([...a, ...b]);
    opts.forEach((o) => o.dispose());
  });

  it('does not overwrite storage another tensor shares: a clone keeps its values, the update is still right', () => {
    let clone: tf.Tensor | undefined;
    let before: number[] = [];
    const [a, b, opts] = trainBoth(5, (s, vs) => {
      if (s !== 1) return;
      clone = tf.clone(vs[0]);
      before = Array.from(clone.dataSync());
    });
    expect(Array.from(clone!.dataSync())).toEqual(before);
    expect(Array.from(b[0].dataSync())).not.toEqual(before);
    a.forEach((v, i) => expect(Array.from(b[i].dataSync())).toEqual(Array.from(v.dataSync())));
    tf.dispose([...a, ...b, clone!]);
    opts.forEach((o) => o.dispose());
  });

  it('keeps working when the heap grows between steps (the Memory stays, its buffer is replaced)', () => {
    const memory = wasmHeapMemory(tf.backend())!;
    const buffers: ArrayBuffer[] = [];
    const held: tf.Tensor[] = [];
    const [a, b, opts] = trainBoth(4, () => {
      buffers.push(memory.buffer);
      held.push(tf.zeros([8 << 20])); // 32 MB more than the heap has free: it grows
      held[held.length - 1].dataSync();
    });
    expect(new Set(buffers).size).toBeGreaterThan(1);
    expect(memory.buffer).not.toBe(buffers[0]);
    a.forEach((v, i) => expect(Array.from(b[i].dataSync())).toEqual(Array.from(v.dataSync())));
    const x = tf.concat(b.map((v) => v.reshape([-1])));
    expect(sumOfSquares(b).dataSync()[0]).toBeCloseTo(tf.sum(tf.square(x)).dataSync()[0], 2);
    tf.dispose([...a, ...b, ...held, x]);
    opts.forEach((o) => o.dispose());
  });

  it('clears the backend\'s cached XNNPACK weights of what it updated in place', () => {
    // A prelu _FusedMatMul is the backend's XNNPACK operator, cached by the weight tensor's id.
    const x = randn([1, 5, 6], 31);
    const w = tf.variable(randn([1, 6, 4], 32));
    const alpha = tf.fill([4], 0.2);
    const fused = (): tf.Tensor =>
      tf.engine().runKernel('_FusedMatMul', { a: x, b: w, preluActivationWeights: alpha }, { transposeA: false, transposeB: false, activation: 'prelu' }) as tf.Tensor;
    const reference = (): tf.Tensor => tf.tidy(() => tf.prelu(tf.matMul(x, w), alpha));
    const opt = fusedAdam(0.1);
    const step = (): void => void opt.minimize(() => tf.sum(tf.square(tf.matMul(x, w))), false, [w]);
    step(); // gives w storage of its own (tf.variable shares the initial tensor's); later steps are in place
    const before = fused();
    expectClose(before, reference(), 1e-5, 1e-6);
    const id = w.dataId;
    for (let i = 0; i < 3; i++) step();
    expect(w.dataId).toBe(id);
    const after = fused();
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(before.dataSync()));
    expectClose(after, reference(), 1e-5, 1e-6);
    tf.dispose([x, w, alpha, before, after]);
    opt.dispose();
  });
});
