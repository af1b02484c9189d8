// SgmSumOfSquares (the trainer's gradient norm in one kernel) against Σx² computed here in float64 from the
// tensors' values, on the CPU and WASM backends, with the JS loop and (when built) the native addon; and its
// NaN/Inf behaviour, which the trainer's NaN/Inf guard relies on.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { applySpeedFixes, currentBackend, initBackend } from '../../runtime/backend/index.js';
import { loadNativeAddon } from '../../runtime/backend/native-addon.js';
import { SUM_OF_SQUARES_KERNEL, registerSumOfSquaresKernel, sumOfSquares } from '../../runtime/backend/sum-of-squares.js';
import { randn } from './helpers.js';

/** Σx² in float64, written out (the independent reference). */
function float64SumOfSquares(tensors: tf.Tensor[]): number {
  let s = 0;
  for (const t of tensors) for (const v of t.dataSync()) s += v * v;
  return s;
}

const loaded = loadNativeAddon();
const addon = 'addon' in loaded ? loaded.addon : null;
const initial = tf.getBackend();

// Shapes of a small model's gradients, with lengths that are and are not multiples of 4 (the JS loop's unrolling)
// and a scalar.
const SHAPES = [[13, 7], [7], [5, 3, 4], [], [1000]];

describe.each([
  ['cpu', 'JS loop', false],
  ['wasm', 'WASM SIMD', false],
  ['cpu', 'native', true],
  ['wasm', 'native', true],
] as const)('SgmSumOfSquares on %s (%s)', (backend, _how, native) => {
  afterAll(async () => {
    await initBackend(initial as 'cpu' | 'wasm');
    applySpeedFixes(tf.getBackend(), currentBackend()?.native.state === 'installed');
  });

  it.runIf(!native || addon !== null)('equals Σx² in float64 to float32 rounding, and the tfjs ops within their rounding', async () => {
    await initBackend(backend);
    registerSumOfSquaresKernel(backend, native ? addon : null);
    expect(tf.getKernel(SUM_OF_SQUARES_KERNEL, backend)).toBeDefined();
    const xs = SHAPES.map((s, i) => tf.mul(randn(s, i + 1), i + 1));
    const expected = float64SumOfSquares(xs);
    const got = sumOfSquares(xs);
    expect(got.shape).toEqual([]);
    expect(got.dtype).toBe('float32');
    // The JS loop and the addon round a float64 sum once (an addon without sumOfSquares: OpenBLAS sums in float32).
    expect(Math.abs(got.dataSync()[0] - expected) / expected).toBeLessThan(native && addon?.sumOfSquares === undefined ? 1e-5 : 1e-7);
    const ops = tf.addN(xs.map((x) => tf.sum(tf.square(x))));
    expect(Math.abs(ops.dataSync()[0] - expected) / expected).toBeLessThan(1e-5);
    tf.dispose([...xs, got, ops]);
  });

  it.runIf(!native || addon !== null)('is NaN with a NaN entry and +Inf with an infinite one, and 0 for no tensors', async () => {
    await initBackend(backend);
    registerSumOfSquaresKernel(backend, native ? addon : null);
    const finite = randn([9], 3);
    const withNaN = tf.tensor1d([1, Number.NaN, 2]);
    const withInf = tf.tensor1d([1, Number.NEGATIVE_INFINITY, 2, 3, 4]);
    const nan = sumOfSquares([finite, withNaN]);
    const inf = sumOfSquares([withInf, finite]);
    const none = sumOfSquares([]);
    expect(Number.isNaN(nan.dataSync()[0])).toBe(true);
    expect(inf.dataSync()[0]).toBe(Number.POSITIVE_INFINITY);
    expect(none.dataSync()[0]).toBe(0);
    tf.dispose([finite, withNaN, withInf, nan, inf, none]);
  });

  it.runIf(!native || addon !== null)('leaves no tensor behind but its result', async () => {
    await initBackend(backend);
    registerSumOfSquaresKernel(backend, native ? addon : null);
    const xs = [randn([4, 4], 1), randn([3], 2)];
    const before = tf.memory().numTensors;
    const s = sumOfSquares(xs);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([...xs, s]);
  });
});

describe('the addon\'s sumOfSquares', () => {
  it.runIf(addon?.sumOfSquares !== undefined)('sums in float64 over many chunks, the same value on 1, 2 and 3 threads', () => {
    const arrays = [100_003, 7, 65_536, 1].map((n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * (k + 1)));
    let expected = 0;
    for (const a of arrays) for (const v of a) expected += v * v;
    const before = addon!.threads();
    try {
      const sums = [1, 2, 3].map((t) => {
        addon!.threads(t);
        return addon!.sumOfSquares!(arrays);
      });
      expect(sums[1]).toBe(sums[0]);
      expect(sums[2]).toBe(sums[0]);
      expect(Math.abs(sums[0] - expected) / expected).toBeLessThan(1e-12);
      expect(addon!.sumOfSquares!([])).toBe(0);
    } finally {
      addon!.threads(before);
    }
  });
});
