// The optional OpenBLAS kernels. When the addon is built: BatchMatMul and _FusedMatMul through it equal the stock
// JS/WASM kernels on the active backend (every transpose combination, batch layouts, bias, activations), and its
// Adam loop equals the JS loop. Whatever the build state: an unloadable addon gives the fallback, with the stock
// kernels left in place and a reason that says how to build it.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import {
  applySpeedFixes,
  currentBackend,
  installNativeKernels,
  loadAddonFrom,
  planGemm,
  removeSpeedFixes,
  stockKernel,
} from '../../runtime/backend/index.js';
import { expectClose, itWithAddon, randn, skipWithAddon } from './helpers.js';

const backend = (): 'cpu' | 'wasm' => tf.getBackend() as 'cpu' | 'wasm';

afterAll(() => {
  removeSpeedFixes(backend());
  applySpeedFixes(backend(), currentBackend()?.native.state === 'installed');
});

/** Runs `f` with the stock kernels, then with the native ones; returns both results' values. */
function stockAndNative(f: () => tf.Tensor): [Float32Array, Float32Array, number[]] {
  removeSpeedFixes(backend());
  const stock = tf.tidy(f);
  expect(installNativeKernels(backend(), true).state).toBe('installed');
  const native = tf.tidy(f);
  expect(native.shape).toEqual(stock.shape);
  const out: [Float32Array, Float32Array, number[]] = [stock.dataSync() as Float32Array, native.dataSync() as Float32Array, native.shape];
  tf.dispose([stock, native]);
  return out;
}

describe('native kernels: fallback', () => {
  it('reports an addon that cannot be loaded and keeps the stock kernels', () => {
    const missing = loadAddonFrom(['/nonexistent/sgm_native.node']);
    expect('reason' in missing && missing.reason).toBe('not built');
    removeSpeedFixes(backend());
    const status = installNativeKernels(backend(), true, missing);
    expect(status.state).toBe('absent');
    expect(tf.getKernel('BatchMatMul', backend()).kernelFunc).toBe(stockKernel('BatchMatMul', backend())?.kernelFunc);
    // The step still runs on the stock kernels.
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 4]));
    expect(Array.from(y.dataSync())).toEqual(new Array(8).fill(3));
  });

  it.skipIf(skipWithAddon('without the addon, registers no native kernel'))('without the addon, registers no native kernel', () => {
    removeSpeedFixes(backend());
    expect(installNativeKernels(backend(), true).state).toBe('absent');
    for (const k of ['BatchMatMul', '_FusedMatMul', 'Softplus', 'Exp', 'Log', 'Sigmoid']) {
      expect(tf.getKernel(k, backend())?.kernelFunc, k).toBe(stockKernel(k, backend())?.kernelFunc);
    }
  });

  it('is disabled by the option', () => {
    expect(installNativeKernels(backend(), false).state).toBe('disabled');
  });

  it('plans only batch layouts it can run and sends the rest to the stock kernel', () => {
    expect(planGemm([2, 3, 4], [4, 5], false, false)).toMatchObject({ batch: 2, m: 3, n: 5, k: 4, strideA: 12, strideB: 0 });
    expect(planGemm([1, 3, 4], [2, 5, 4], false, true)).toMatchObject({ batch: 2, strideA: 0, strideB: 20, outShape: [2, 3, 5] });
    expect(planGemm([2, 1, 3, 4], [1, 3, 4, 5], false, false)).toBeNull();
    expect(planGemm([3, 4], [5, 6], false, false)).toBeNull();
  });
});

describe('native kernels: numerics', () => {
  const COMBOS: Array<[boolean, boolean]> = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  const LAYOUTS: Array<[number[], number[]]> = [
    [[7, 9], [9, 5]],
    [[3, 7, 9], [3, 9, 5]],
    [[3, 7, 9], [9, 5]],
    [[1, 7, 9], [3, 9, 5]],
  ];
  const swap = (s: number[]): number[] => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];

  itWithAddon('BatchMatMul equals the stock kernel for every transpose combination and batch layout', (addon) => {
    for (const [ta, tb] of COMBOS) {
      for (const [aS, bS] of LAYOUTS) {
        const [stock, native] = stockAndNative(() =>
          tf.matMul(randn(ta ? swap(aS) : aS, 1), randn(tb ? swap(bS) : bS, 2), ta, tb),
        );
        expectClose(native, stock, 1e-5, 1e-5);
      }
    }
  });

  itWithAddon('_FusedMatMul equals matMul + bias + activation for each activation, and falls back for prelu', (addon) => {
    // The reference is composed from the stock kernels (tfjs-backend-wasm's own fused kernel is itself off for
    // some activations, so it is not the yardstick here).
    const act = (x: tf.Tensor, activation: string): tf.Tensor =>
      ({
        linear: () => x,
        relu: () => tf.relu(x),
        relu6: () => tf.relu6(x),
        sigmoid: () => tf.sigmoid(x),
        elu: () => tf.elu(x),
        leakyrelu: () => tf.leakyRelu(x, 0.1),
      })[activation]!();
    for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu']) {
      for (const [ta, tb] of COMBOS) {
        const operands = (): [tf.Tensor, tf.Tensor, tf.Tensor] => [
          tf.mul(randn(ta ? [1, 9, 7] : [1, 7, 9], 3), 3),
          randn(tb ? [1, 5, 9] : [1, 9, 5], 4),
          randn([5], 5),
        ];
        const [reference] = stockAndNative(() => {
          const [a, b, bias] = operands();
          return act(tf.add(tf.matMul(a, b, ta, tb), bias), activation);
        });
        const native = tf.tidy(() => {
          const [a, b, bias] = operands();
          const attrs = { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.1 };
          return tf.engine().runKernel('_FusedMatMul', { a, b, bias }, attrs) as tf.Tensor;
        });
        expectClose(native, reference, 1e-5, 1e-5);
        native.dispose();
      }
    }
    const [stock, native] = stockAndNative(() =>
      tf.engine().runKernel(
        '_FusedMatMul',
        { a: randn([1, 4, 3], 6), b: randn([1, 3, 2], 7), preluActivationWeights: tf.fill([2], 0.3) },
        { transposeA: false, transposeB: false, activation: 'prelu' },
      ) as tf.Tensor,
    );
    expectClose(native, stock, 1e-6, 1e-6);
  });

  itWithAddon('rejects sizes that do not match the arrays instead of reading out of bounds', (addon) => {
    const a = new Float32Array(6);
    expect(() => addon.gemm(false, false, 1, 3, 4, 2, a, 0, new Float32Array(8), 0, new Float32Array(11), null, 0, 0)).toThrow(RangeError);
    expect(() => addon.gemm(false, false, 2, 3, 4, 2, a, 6, new Float32Array(8), 0, new Float32Array(24), null, 0, 0)).toThrow(RangeError);
  });

  itWithAddon('adam equals the JS update', (addon) => {
    const n = 1000;
    const rnd = (seed: number): Float32Array => randn([n], seed).dataSync() as Float32Array;
    const [w, g, m] = [rnd(1), rnd(2), rnd(3)];
    const v = rnd(4).map((x) => x * x);
    const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    addon.adam(w, g, m, v, out[0], out[1], out[2], 1e-3, 0.9, 0.999, 1e-7, 0.19, 0.002);
    const mRef = m.map((mi, i) => mi * 0.9 + g[i] * 0.1);
    const vRef = v.map((vi, i) => vi * 0.999 + g[i] * g[i] * 0.001);
    const wRef = w.map((wi, i) => (mRef[i] / 0.19 / (Math.sqrt(vRef[i] / 0.002) + 1e-7)) * -1e-3 + wi);
    expectClose(out[0], wRef, 1e-6, 1e-7);
    expectClose(out[1], mRef, 1e-6, 1e-7);
    expectClose(out[2], vRef, 1e-6, 1e-7);
  });
});

/** Distance between two float32 values in units in the last place (NaN = NaN is 0; NaN against a number is ∞). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === Math.fround(b)) return 0;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(key(bits[0]) - key(bits[1]));
}

describe('native kernels: vector math and threads', () => {
  const OPS: Array<[string, number, (x: number) => number, number]> = [
    ['softplus', 0, (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), 2],
    ['exp', 1, Math.exp, 1],
    ['log', 2, Math.log, 1],
    ['sigmoid', 3, (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), 3],
  ];
  // Values over many magnitudes, both signs, plus the edges: 0, ±∞, NaN, overflow and underflow of exp,
  // denormals, the largest float.
  const SPECIAL = [0, -0, 1, -1, 1e-30, -1e-30, 1e-40, 1.4e-45, 88.7, 88.73, 89, -87, -88, -100, -103.9, -104, -200, 200, Infinity, -Infinity, NaN, 3.4e38, 0.5, 2, 30, -30, 17, -17];
  const values = (): Float32Array => {
    const xs = new Float32Array(200_000);
    let s = 12345;
    const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < xs.length; i++) xs[i] = (next() - 0.5) * 2 * Math.exp((next() - 0.5) * 14);
    xs.set(SPECIAL);
    return xs;
  };

  for (const [name, op, reference, maxUlps] of OPS) {
    itWithAddon(`${name} is within ${maxUlps} ulp of float64 over 200,000 values and the edge cases`, (addon) => {
      const xs = values();
      const out = new Float32Array(xs.length);
      addon.unary(op, xs, out);
      let worst = 0;
      let at = 0;
      let notNaN = 0;
      for (let i = 0; i < xs.length; i++) {
        if (name === 'log' && xs[i] < 0) {
          if (!Number.isNaN(out[i])) notNaN++;
          continue;
        }
        const d = ulps(out[i], reference(xs[i]));
        if (d > worst) [worst, at] = [d, xs[i]];
      }
      expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(maxUlps);
      expect(notNaN, 'log of a negative number is NaN').toBe(0);
    });
  }

  itWithAddon('the registered Softplus, Exp, Log and Sigmoid kernels equal the stock ones', (addon) => {
    const x = (): tf.Tensor => tf.mul(randn([50, 40], 8), 6);
    for (const f of [tf.softplus, tf.exp, tf.sigmoid, (t: tf.Tensor) => tf.log(tf.abs(t))]) {
      const [stock, native] = stockAndNative(() => f(x()));
      expectClose(native, stock, 2e-6, 1e-30);
    }
  });

  itWithAddon('gives bit-identical GEMM, Adam and vector math on one thread and on several', (addon) => {
    const threads = addon.threads();
    const rnd = (n: number, seed: number): Float32Array => randn([n], seed).dataSync() as Float32Array;
    // Large enough to be split (> 4 MFLOP; > 32,768 values), with sizes that do not divide evenly.
    const [m, n, k] = [103, 517, 129];
    const [a, b, bias] = [rnd(m * k, 1), rnd(k * n, 2), rnd(n, 3)];
    const [w, g, mo] = [rnd(70_001, 4), rnd(70_001, 5), rnd(70_001, 6)];
    const v = rnd(70_001, 7).map((x) => x * x);
    const run = (count: number): Float32Array[] => {
      addon.threads(count);
      const results: Float32Array[] = [];
      for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
        const c = new Float32Array(m * n);
        addon.gemm(ta, tb, 1, m, n, k, a, 0, b, 0, c, bias, 1, 0);
        results.push(c);
      }
      const out = [w.slice(), g, mo.slice(), v.slice()];
      addon.adamInPlace(out, 1e-3, 0.9, 0.999, 1e-7, 0.19, 0.002);
      results.push(out[0], out[2], out[3]);
      const s = new Float32Array(w.length);
      addon.unary(0, w, s);
      results.push(s);
      return results;
    };
    try {
      const one = run(1);
      const two = run(2);
      const three = run(3);
      for (let i = 0; i < one.length; i++) {
        expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer)), `result ${i}, 2 threads`).toBe(true);
        expect(Buffer.from(three[i].buffer).equals(Buffer.from(one[i].buffer)), `result ${i}, 3 threads`).toBe(true);
      }
    } finally {
      addon.threads(threads);
    }
  });

  itWithAddon('adamInPlace equals adam, variable by variable', (addon) => {
    const sizes = [5, 40_000, 1, 33_000];
    const vars = sizes.map((n, j) => {
      const rnd = (seed: number): Float32Array => randn([n], 10 * j + seed).dataSync() as Float32Array;
      return [rnd(1), rnd(2), rnd(3), rnd(4).map((x) => x * x)];
    });
    const expected = vars.map(([w, g, m, v]) => {
      const out = [new Float32Array(w.length), new Float32Array(w.length), new Float32Array(w.length)];
      addon.adam(w, g, m, v, out[0], out[1], out[2], 1e-3, 0.9, 0.999, 1e-7, 0.19, 0.002);
      return out;
    });
    addon.adamInPlace(vars.flat(), 1e-3, 0.9, 0.999, 1e-7, 0.19, 0.002);
    vars.forEach(([w, , m, v], j) => {
      expect(Array.from(w)).toEqual(Array.from(expected[j][0]));
      expect(Array.from(m)).toEqual(Array.from(expected[j][1]));
      expect(Array.from(v)).toEqual(Array.from(expected[j][2]));
    });
    expect(() => addon.adamInPlace([new Float32Array(3), new Float32Array(2), new Float32Array(3), new Float32Array(3)], 1, 0.9, 0.999, 1e-7, 1, 1)).toThrow(TypeError);
  });
});
