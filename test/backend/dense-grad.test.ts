// The dense layer's backward pass in one native kernel (SgmDenseGrad, runtime/backend/dense-grad.ts): the
// gradients of `_FusedMatMul` through it equal the tfjs-op path (4 transpose cases x 3 activations x bias or not x
// batch 1 or 37) and float64 sums written here; only the needed gradients are computed; results do not depend on
// the thread count; no tensor is left behind; and a second-order gradient (tape on: the tfjs-op path) still works.
import { afterAll, describe, expect } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { DENSE_GRAD_KERNEL, registerDenseGradKernel } from '../../runtime/backend/dense-grad.js';
import { fusedMatMulGradConfig } from '../../runtime/backend/fused-mat-mul-gradient.js';
import { nativeThreadCount } from '../../runtime/backend/index.js';
import { dense } from '../../runtime/nn/index.js';
import type { SgmNative } from '../../runtime/backend/native-addon.js';
import { expectClose, itWithAddon, nativeAddon, randn } from './helpers.js';

const backend = (): string => tf.getBackend();
const addon = 'addon' in nativeAddon ? nativeAddon.addon : null;

afterAll(() => {
  if (addon !== null) registerDenseGradKernel(backend(), addon);
});

/** Runs f with the SgmDenseGrad kernel registered (native) or not (the tfjs-op gradient). */
function withKernel<T>(on: boolean, f: () => T): T {
  registerDenseGradKernel(backend(), on ? addon : null);
  try {
    return f();
  } finally {
    registerDenseGradKernel(backend(), addon);
  }
}

type Act = 'linear' | 'relu' | 'sigmoid';

/** y = act(op(a)·op(b) + bias) as the `_FusedMatMul` kernel (what runtime/nn's dense layer runs). */
function fused(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor | null, ta: boolean, tb: boolean, activation: Act): tf.Tensor {
  const inputs: Record<string, tf.Tensor> = { a, b };
  if (bias !== null) inputs.bias = bias;
  return tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: ta, transposeB: tb, activation }) as tf.Tensor;
}

/** Float64 gradients of sum(w ∘ y) from the float32 operands and the kernel's own y (act' is a function of y). */
function float64Grads(a: Float32Array, b: Float32Array, y: Float32Array, w: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean, act: Act) {
  const A = (i: number, p: number): number => (ta ? a[p * m + i] : a[i * k + p]); // op(A)[i, p]
  const B = (p: number, j: number): number => (tb ? b[j * k + p] : b[p * n + j]); // op(B)[p, j]
  const g = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) {
    const d = act === 'relu' ? (y[i] > 0 ? 1 : 0) : act === 'sigmoid' ? y[i] * (1 - y[i]) : 1;
    g[i] = w[i] * d;
  }
  const da = new Float64Array(m * k);
  const db = new Float64Array(k * n);
  const dbias = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const gij = g[i * n + j];
      dbias[j] += gij;
      for (let p = 0; p < k; p++) {
        da[ta ? p * m + i : i * k + p] += gij * B(p, j);
        db[tb ? j * k + p : p * n + j] += A(i, p) * gij;
      }
    }
  }
  return { da, db, dbias };
}

describe('SgmDenseGrad: the dense gradient in one native kernel', () => {
  const CASES: Array<[boolean, boolean]> = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ];
  for (const [ta, tb] of CASES) {
    for (const act of ['linear', 'relu', 'sigmoid'] as const) {
      itWithAddon(`equals the tfjs-op gradient and float64: transposeA=${ta}, transposeB=${tb}, ${act}`, () => {
        for (const m of [1, 37]) {
          for (const withBias of [true, false]) {
            const [k, n] = [19, 23];
            tf.tidy(() => {
              const a = randn(ta ? [k, m] : [m, k], 1);
              const b = randn(tb ? [n, k] : [k, n], 2);
              const bias = withBias ? randn([n], 3) : null;
              const w = randn([m, n], 4);
              const args = bias === null ? [a, b] : [a, b, bias];
              const loss = (...t: tf.Tensor[]): tf.Tensor => tf.sum(tf.mul(fused(t[0], t[1], t[2] ?? null, ta, tb, act), w));
              const got = withKernel(true, () => {
                const before = tf.engine().state.numTensors;
                const gs = tf.grads(loss)(args);
                // The gradients, and nothing else, outlive the backward pass.
                expect(tf.engine().state.numTensors - before).toBe(args.length);
                return gs;
              });
              const want = withKernel(false, () => tf.grads(loss)(args));
              // dy·act' is the same float32 product on both paths and each GEMM is the same chunked OpenBLAS call
              // as the native BatchMatMul's: the data and weight gradients agree bit for bit.
              for (let i = 0; i < 2; i++) expectClose(got[i], want[i], 0, 0);
              // The bias sum's order differs (a column's rows in order, against tfjs' Sum): float32 rounding of m terms.
              if (bias !== null) expectClose(got[2], want[2], 1e-5, 1e-5 * m);
              const y = fused(a, b, bias, ta, tb, act);
              const ref = float64Grads(a.dataSync() as Float32Array, b.dataSync() as Float32Array, y.dataSync() as Float32Array, w.dataSync() as Float32Array, m, n, k, ta, tb, act);
              expectClose(got[0], ref.da, 1e-5, 1e-5);
              expectClose(got[1], ref.db, 1e-5, 1e-5);
              if (bias !== null) expectClose(got[2], ref.dbias, 1e-5, 1e-5);
            });
          }
        }
      });
    }
  }

  itWithAddon('runs one kernel per layer and skips the data gradient when nothing needs it', async () => {
    const x = randn([8, 6], 5);
    const W = tf.variable(randn([6, 3], 6));
    const b = tf.variable(tf.zeros([3]));
    const profileOf = async (f: () => tf.Tensor[]) => {
      const p = await tf.profile(() => tf.dispose(f()));
      return p.kernels.filter((k) => !['Identity', 'Reshape', 'Fill', 'OnesLike'].includes(k.name));
    };
    // Only W and b are wanted: one kernel with two outputs (dW, db).
    const wb = await profileOf(() => Object.values(tf.variableGrads(() => tf.sum(dense(x, W, b, 'relu')) as tf.Scalar, [W, b]).grads));
    const grad = wb.filter((k) => k.name === DENSE_GRAD_KERNEL);
    expect(grad.map((k) => k.outputShapes)).toEqual([[[6, 3], [3]]]);
    // The loss's Sum and its gradient's Multiply, then the layer: forward and backward, one kernel each.
    expect(wb.map((k) => k.name)).toEqual(['_FusedMatMul', 'Sum', 'Multiply', DENSE_GRAD_KERNEL]);
    // x is wanted too: dx comes from the same kernel.
    const all = await profileOf(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(dense(xx, ww, bb, 'relu')))([x, W, b]));
    expect(all.filter((k) => k.name === DENSE_GRAD_KERNEL).map((k) => k.outputShapes)).toEqual([[[8, 6], [6, 3], [3]]]);
    // Only x is wanted (W's and b's gradients are computed speculatively and disposed with the backward pass).
    const before = tf.engine().state.numTensors;
    const [dx] = tf.grads((xx: tf.Tensor) => tf.sum(dense(xx, W, b, 'sigmoid')))([x]);
    expect(tf.engine().state.numTensors - before).toBe(1);
    const dxOld = withKernel(false, () => tf.grads((xx: tf.Tensor) => tf.sum(dense(xx, W, b, 'sigmoid')))([x])[0]);
    expectClose(dx, dxOld, 1e-6, 1e-6);
    tf.dispose([x, W, b, dx, dxOld]);
  });

  itWithAddon('computes a gradient asked for out of tfjs order by a second call', () => {
    tf.tidy(() => {
      const a = randn([4, 3], 21);
      const b = randn([3, 5], 22);
      const dy = randn([4, 5], 23);
      const y = fused(a, b, null, false, false, 'relu');
      const attrs = { transposeA: false, transposeB: false, activation: 'relu' };
      const thunksOf = () => fusedMatMulGradConfig.gradFunc(dy, [a, b, y], attrs);
      const native = withKernel(true, () => {
        const t = thunksOf();
        const db = t.b(); // computes b's and bias's gradients, not a's
        return [t.a(), db, t.bias()];
      });
      const old = withKernel(false, () => {
        const t = thunksOf();
        return [t.a(), t.b(), t.bias()];
      });
      for (let i = 0; i < 3; i++) expectClose(native[i], old[i], 1e-6, 1e-6);
    });
  });

  itWithAddon('is left out with SGM_FUSED_DENSE_GRAD=0 and without an addon that has it', (native: SgmNative) => {
    const saved = process.env.SGM_FUSED_DENSE_GRAD;
    try {
      process.env.SGM_FUSED_DENSE_GRAD = '0';
      expect(registerDenseGradKernel(backend(), native)).toBe(false);
      expect(tf.getKernel(DENSE_GRAD_KERNEL, backend())).toBeUndefined();
      delete process.env.SGM_FUSED_DENSE_GRAD;
      expect(registerDenseGradKernel(backend(), { ...native, denseGrad: undefined })).toBe(false);
      expect(registerDenseGradKernel(backend(), native)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SGM_FUSED_DENSE_GRAD;
      else process.env.SGM_FUSED_DENSE_GRAD = saved;
      registerDenseGradKernel(backend(), native);
    }
  });

  itWithAddon('gives the same bits on 1, 2 and 3 threads', (native: SgmNative) => {
    // Large enough that the elementwise pass and both GEMMs are cut into several chunks.
    const [m, k, n] = [100, 300, 520];
    const rand = (size: number, seed: number): Float32Array => randn([size], seed).dataSync() as Float32Array;
    const a = rand(m * k, 7);
    const b = rand(k * n, 8);
    const dy = rand(m * n, 9);
    const y = rand(m * n, 10);
    const run = (threads: number, act: number): Float32Array[] => {
      native.threads(threads);
      const outs = [new Float32Array(m * k), new Float32Array(k * n), new Float32Array(n)];
      native.denseGrad!(false, false, m, n, k, a, b, dy, y, act, outs[0], outs[1], outs[2]);
      return outs;
    };
    try {
      for (const act of [0, 1, 3]) {
        const one = run(1, act);
        for (const threads of [2, 3]) {
          const many = run(threads, act);
          for (let i = 0; i < 3; i++) expect(Buffer.from(many[i].buffer).equals(Buffer.from(one[i].buffer)), `output ${i}, ${threads} threads, act ${act}`).toBe(true);
        }
      }
    } finally {
      native.threads(nativeThreadCount());
    }
    // Sizes that do not match the arrays are refused before any memory is touched.
    expect(() => native.denseGrad!(false, false, m, n, k, a, b, dy, y, 1, new Float32Array(3), null, null)).toThrow(RangeError);
    expect(() => native.denseGrad!(false, false, m, n, k, a, b, dy, y, 2, null, null, null)).toThrow(RangeError);
  });

  itWithAddon('keeps second-order gradients working (the tape records the tfjs-op path)', () => {
    tf.tidy(() => {
      const x = randn([5, 4], 11);
      const W = randn([4, 3], 12);
      const bias = randn([3], 13);
      const v = randn([5, 4], 14);
      for (const act of ['identity', 'relu', 'sigmoid'] as const) {
        // h(W) = <v, d/dx sum(act(xW + b))>: a gradient differentiated again, as REBAR/RELAX do.
        const h = (ww: tf.Tensor): tf.Tensor => {
          const dx = tf.grad((xx: tf.Tensor) => tf.sum(dense(xx, ww, bias, act)))(x);
          return tf.sum(tf.mul(dx, v));
        };
        const got = withKernel(true, () => tf.grad(h)(W));
        const want = withKernel(false, () => tf.grad(h)(W));
        expectClose(got, want, 1e-6, 1e-6);
        // tfjs loses the second-order term through a SAVED OUTPUT (sigmoid's y(1 - y)): the clone of y it saves is
        // taped before the node that makes y, so the tape filter drops it (plain tf.sigmoid has the same flaw;
        // measured against finite differences). For linear and relu that term is 0 and, in float64,
        // dx = act'(z) Wᵀ, so dh/dW_jc = Σ_i v_ij act'(z_ic).
        if (act === 'sigmoid') continue;
        const [xs, Ws, bs, vs] = [x, W, bias, v].map((t) => Array.from(t.dataSync()));
        const ref = new Float64Array(12);
        for (let i = 0; i < 5; i++) {
          for (let c = 0; c < 3; c++) {
            let z = bs[c];
            for (let j = 0; j < 4; j++) z += xs[i * 4 + j] * Ws[j * 3 + c];
            const d = act === 'relu' ? (z > 0 ? 1 : 0) : 1;
            for (let j = 0; j < 4; j++) ref[j * 3 + c] += vs[i * 4 + j] * d;
          }
        }
        expectClose(got, ref, 1e-5, 1e-5);
      }
    });
  });
});
