// The WASM backend's speed fixes that the default (CPU) test backend does not exercise: the data-movement kernels
// (Identity sharing storage; Concat, Slice, SplitV by rows) against tfjs' own kernels, and, when the addon is
// built, the in-place Adam of every variable in one kernel against tfjs' Adam.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { fusedAdam, initBackend, type BackendName } from '../../runtime/backend/index.js';
import { FUSED_ADAM_IN_PLACE_KERNEL } from '../../runtime/backend/fused-adam.js';
import { restoreKernel } from '../../runtime/backend/kernel-overrides.js';
import { installWasmCopyKernels, WASM_COPY_KERNELS } from '../../runtime/backend/wasm-copy-kernels.js';
import { expectClose, itWithAddon, randn, skipWithAddon } from './helpers.js';

const testBackend = (process.env.SGM_TEST_BACKEND as BackendName | undefined) ?? 'cpu';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await initBackend(testBackend);
});

/** Runs `f` with tfjs' stock WASM kernels and with sgm's; returns both results (values and shapes). */
function stockAndFixed(f: () => tf.Tensor | tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
  for (const k of WASM_COPY_KERNELS) restoreKernel(k, 'wasm');
  const stock = [f()].flat();
  expect(installWasmCopyKernels()).toEqual([...WASM_COPY_KERNELS]);
  const fixed = [f()].flat();
  return [stock, fixed];
}

function expectSame(stock: tf.Tensor[], fixed: tf.Tensor[]): void {
  expect(fixed.length).toBe(stock.length);
  stock.forEach((s, i) => {
    expect(fixed[i].shape).toEqual(s.shape);
    expect(fixed[i].dtype).toBe(s.dtype);
    expect(Array.from(fixed[i].dataSync())).toEqual(Array.from(s.dataSync()));
  });
  tf.dispose([...stock, ...fixed]);
}

describe('WASM data-movement kernels', () => {
  it('runs on the WASM backend with the kernels installed', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Concat', 'wasm').kernelFunc).not.toBe(undefined);
  });

  it('Identity shares storage: a clone holds the same values and outlives the original', () => {
    const x = randn([5, 7], 1);
    const values = Array.from(x.dataSync());
    const backend = tf.backend() as unknown as { refCount(id: object): number };
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(values);
    expect(backend.refCount(y.dataId)).toBe(1);
    y.dispose();
  });

  it('Concat equals the stock kernel on every axis, for float32, int32 and bool, with empty parts', () => {
    for (const axis of [0, 1, 2, -1]) {
      const shapes = [[4, 3, 5], [4, 3, 5]].map((s) => s.map((d, i) => (i === (axis + 3) % 3 ? d + i : d)));
      expectSame(
        ...stockAndFixed(() => tf.concat([randn(shapes[0], 2), randn(shapes[1], 3), tf.zeros(shapes[1].map((d, i) => (i === (axis + 3) % 3 ? 0 : d)))], axis)),
      );
    }
    expectSame(...stockAndFixed(() => tf.concat([tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[3]], [1, 1], 'int32')], 1)));
    expectSame(...stockAndFixed(() => tf.concat([tf.tensor1d([true, false], 'bool'), tf.tensor1d([true], 'bool')])));
    // Rows long enough for the `set` path (>= 64 values).
    expectSame(...stockAndFixed(() => tf.concat([randn([3, 100], 4), randn([3, 70], 5)], 1)));
  });

  it('Slice and SplitV equal the stock kernels, contiguous or not, ranks 1 to 5', () => {
    expectSame(...stockAndFixed(() => tf.slice(randn([10], 6), [2], [5])));
    expectSame(...stockAndFixed(() => tf.slice(randn([6, 8], 7), [1, 2], [3, 4])));
    expectSame(...stockAndFixed(() => tf.slice(randn([6, 8], 7), [2, 0], [3, 8])));
    expectSame(...stockAndFixed(() => tf.slice(randn([4, 5, 6], 8), [1, 1, 2], [2, 3, -1])));
    expectSame(...stockAndFixed(() => tf.slice(randn([3, 4, 5, 6, 7], 9), [1, 0, 2, 1, 3], [2, 3, 2, 4, 4])));
    expectSame(...stockAndFixed(() => tf.slice(tf.range(0, 24, 1, 'int32').reshape([4, 6]), [1, 1], [2, 3])));
    expectSame(...stockAndFixed(() => tf.split(randn([100, 20, 10], 10), [9, 1], 2)));
    expectSame(...stockAndFixed(() => tf.split(randn([6, 9], 11), 3, 0)));
  });

  it('gives the same gradients through concat and split', () => {
    const f = (): tf.Tensor[] => {
      const a = randn([5, 4, 3], 12);
      const b = randn([5, 4, 1], 13);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => {
        const [u, v] = tf.split(tf.concat([p, q], 2), [2, 2], 2);
        return tf.sum(tf.mul(tf.exp(u), tf.square(v)));
      });
      return g([a, b]);
    };
    const [stock, fixed] = stockAndFixed(f);
    fixed.forEach((t, i) => expectClose(t, stock[i], 1e-6, 1e-6));
    tf.dispose([...stock, ...fixed]);
  });
});

describe('kernels WASM lacks', () => {
  it('UnsortedSegmentSum adds rows into their segments (and so tf.gather has a gradient on WASM)', () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const ids = tf.tensor1d([2, 0, 2, 5], 'int32'); // 5 is out of range: dropped
    const s = tf.unsortedSegmentSum(x, ids, 3);
    expect(s.shape).toEqual([3, 2]);
    expect(Array.from(s.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 2, 2], 'int32'))))(tf.ones([4, 3]));
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0]);
    tf.dispose([x, ids, s, g]);
  });
});

describe('in-place FusedAdam on WASM', () => {
  /** A small least-squares problem trained by `opt`; returns the variables. */
  function train(opt: tf.Optimizer, steps: number, hold?: (vs: tf.Variable[]) => void): tf.Variable[] {
    const vs = [tf.variable(randn([6, 4], 21)), tf.variable(randn([4], 22))];
    hold?.(vs);
    const x = randn([5, 6], 23);
    for (let i = 0; i < steps; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, vs[0]), vs[1]), 0.5))), false, vs);
    x.dispose();
    return vs;
  }

  // Without the addon the in-place kernel is sgm's WASM SIMD loop (test/backend/wasm-simd.test.ts tests it).
  it.skipIf(skipWithAddon('without the addon, the in-place kernel is registered'))('without the addon, the in-place kernel is registered', () => {
    expect(tf.getKernel(FUSED_ADAM_IN_PLACE_KERNEL, 'wasm')).toBeDefined();
  });

  itWithAddon('follows tfjs Adam over 20 steps, updating in one kernel', async () => {
    expect(tf.getKernel(FUSED_ADAM_IN_PLACE_KERNEL, 'wasm')).toBeDefined();
    const [oa, ob] = [tf.train.adam(0.05), fusedAdam(0.05)];
    const a = train(oa, 20);
    const b = train(ob, 19);
    // One more step, profiled: one in-place kernel for both variables, no per-variable kernel.
    const x = randn([5, 6], 23);
    const step = await tf.profile(() => {
      ob.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, b[0]), b[1]), 0.5))), false, b);
    });
    expect(step.kernels.filter((k) => k.name === FUSED_ADAM_IN_PLACE_KERNEL).length).toBe(1);
    expect(step.kernels.filter((k) => k.name === 'SgmFusedAdam').length).toBe(0);
    for (let i = 0; i < a.length; i++) expectClose(b[i], a[i], 1e-5, 1e-6);
    const [wa, wb] = [await oa.getWeights(), await ob.getWeights()];
    for (let i = 0; i < wa.length; i++) expectClose(wb[i].tensor, wa[i].tensor, 1e-4, 1e-7);
    tf.dispose([...a, ...b, x]);
    oa.dispose();
    ob.dispose();
  });

  // The addon's in-place loop (wasm-simd.test.ts checks the same for the SIMD loop without the addon).
  itWithAddon('clears the WASM backend\'s cached XNNPACK weights of what it updates in place', () => {
    // _FusedMatMul with prelu is not the addon's: it stays the WASM backend's XNNPACK operator, cached by the
    // weight tensor's id. After an in-place update it must see the new weights.
    // Rank 3, as tfjs' ops call the kernel (the WASM kernel needs a batch dimension).
    const x = randn([1, 5, 6], 31);
    const w = tf.variable(randn([1, 6, 4], 32));
    const alpha = tf.fill([4], 0.2);
    const fused = (): tf.Tensor =>
      tf.engine().runKernel('_FusedMatMul', { a: x, b: w, preluActivationWeights: alpha }, { transposeA: false, transposeB: false, activation: 'prelu' }) as tf.Tensor;
    const reference = (): tf.Tensor => tf.tidy(() => tf.prelu(tf.matMul(x, w), alpha));
    const opt = fusedAdam(0.1);
    const step = (): void => void opt.minimize(() => tf.sum(tf.square(tf.matMul(x, w))), false, [w]);
    // The first step gives w storage of its own (tf.variable shares the initial tensor's), later ones are in place.
    step();
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

  it('does not overwrite storage that another tensor shares: a clone keeps its values', () => {
    const opt = fusedAdam(0.05);
    let clone: tf.Tensor | undefined;
    let before: number[] = [];
    const vs = train(opt, 5, (v) => {
      clone = tf.clone(v[0]);
      before = Array.from(clone.dataSync());
    });
    expect(Array.from(clone!.dataSync())).toEqual(before);
    expect(Array.from(vs[0].dataSync())).not.toEqual(before);
    tf.dispose([...vs, clone!]);
    opt.dispose();
  });
});
