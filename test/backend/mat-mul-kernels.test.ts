// The explicit-transpose matMul kernels (the WASM speed fix) and sgm's BatchMatMul gradient against tfjs' stock
// kernels and stock gradient on the active backend: values and gradients for every transpose combination and
// batch layout, and gradients against finite differences. The kernel wrapper is backend-agnostic, so the default
// CPU run checks it too. tfjs' stock gradient cannot differentiate broadcast batch dimensions (it throws); there
// the reference is the same product with the operands broadcast explicitly (tf.broadcastTo's gradient sums).
import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { explicitTransposeBatchMatMul, explicitTransposeFusedMatMul } from '../../runtime/backend/explicit-transpose-mat-mul.js';
import { overrideKernel, restoreKernel, stockKernel } from '../../runtime/backend/kernel-overrides.js';
import {
  applySpeedFixes,
  currentBackend,
  registerBatchMatMulGradient,
  removeSpeedFixes,
  restoreStockBatchMatMulGradient,
} from '../../runtime/backend/index.js';
import { expectClose, randn } from './helpers.js';

const backend = (): string => tf.getBackend();

/** [a shape, b shape] before transposition (m=3, k=4, n=5), and the broadcast batch shape if they differ. */
const LAYOUTS: Array<[string, number[], number[], number[] | null]> = [
  ['rank 2', [3, 4], [4, 5], null],
  ['equal batch', [2, 3, 4], [2, 4, 5], null],
  ['rank 4', [2, 2, 3, 4], [2, 2, 4, 5], null],
  ['batch broadcast from b', [2, 3, 4], [1, 4, 5], [2]],
  ['batch broadcast from a', [1, 3, 4], [2, 4, 5], [2]],
  ['rank 3 with rank 2', [2, 3, 4], [4, 5], [2]],
  ['rank 4 broadcast from b', [2, 3, 3, 4], [1, 1, 4, 5], [2, 3]],
];
// Not listed: batches that broadcast both ways ([2, 1, ...] with [1, 3, ...]); tfjs' CPU and WASM BatchMatMul
// kernels support only equal batches or a batch of 1 on one side, even in the forward pass.
const COMBOS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Swaps the last two axes (to build operands that are stored transposed). */
const swapLast = (x: tf.Tensor): tf.Tensor => {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
};

/** Value and gradients of sum(matMul(a, b) * w) with the currently registered kernels. */
function evaluate(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean, w: tf.Tensor): tf.Tensor[] {
  const f = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w));
  const y = tf.matMul(a, b, ta, tb);
  const [ga, gb] = tf.grads(f)([a, b]);
  return [y, ga, gb];
}

function installWrapper(): void {
  const transpose = tf.getKernel('Transpose', backend());
  const reshape = tf.getKernel('Reshape', backend());
  overrideKernel('BatchMatMul', backend(), (s) => explicitTransposeBatchMatMul(s, transpose));
  overrideKernel('_FusedMatMul', backend(), (s) => explicitTransposeFusedMatMul(s, transpose, reshape));
}

afterEach(() => {
  // Back to what test/setup.ts installed for this backend.
  registerBatchMatMulGradient();
  removeSpeedFixes(backend());
  applySpeedFixes(backend(), currentBackend()?.native.state === 'installed');
});

/** x with its batch dimensions broadcast to `batch` (the last two axes kept). */
const broadcastBatch = (x: tf.Tensor, batch: number[]): tf.Tensor => tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]);

describe('explicit-transpose BatchMatMul and sgm\'s BatchMatMul gradient', () => {
  for (const [label, aShape, bShape, batch] of LAYOUTS) {
    for (const [ta, tb] of COMBOS) {
      it(`match the stock kernel and gradient: ${label}, transposeA=${ta}, transposeB=${tb}`, () => {
        tf.tidy(() => {
          const a = ta ? swapLast(randn(aShape, 1)) : randn(aShape, 1);
          const b = tb ? swapLast(randn(bShape, 2)) : randn(bShape, 2);
          removeSpeedFixes(backend());
          restoreStockBatchMatMulGradient();
          const w = randn(tf.matMul(a, b, ta, tb).shape, 3);
          let stock: tf.Tensor[];
          if (batch === null) {
            stock = evaluate(a, b, ta, tb, w);
          } else {
            expect(() => evaluate(a, b, ta, tb, w)).toThrow(/does not match the shape of the input/);
            const f = (x: tf.Tensor, y: tf.Tensor): tf.Scalar =>
              tf.sum(tf.mul(tf.matMul(broadcastBatch(x, batch), broadcastBatch(y, batch), ta, tb), w));
            stock = [tf.matMul(a, b, ta, tb), ...tf.grads(f)([a, b])];
          }
          registerBatchMatMulGradient();
          installWrapper();
          const fixed = evaluate(a, b, ta, tb, w);
          for (let i = 0; i < 3; i++) {
            expect(fixed[i].shape).toEqual(stock[i].shape);
            expectClose(fixed[i], stock[i], 1e-5, 1e-5);
          }
        });
      });
    }
  }

  it('gives gradients equal to central finite differences (all transpose combinations)', () => {
    installWrapper();
    for (const [ta, tb] of COMBOS) {
      tf.tidy(() => {
        // b broadcasts over a's batch, so the reduction over broadcast axes is checked too.
        const a = ta ? swapLast(randn([2, 3, 4], 4)) : randn([2, 3, 4], 4);
        const b = tb ? swapLast(randn([1, 4, 5], 5)) : randn([1, 4, 5], 5);
        const w = randn([2, 3, 5], 6);
        const f = (x: tf.Tensor, y: tf.Tensor): number => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)).dataSync()[0];
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)))([a, b]);
        const eps = 1e-2;
        [a, b].forEach((x, which) => {
          const base = x.dataSync();
          const at = (values: Float32Array): number =>
            which === 0 ? f(tf.tensor(values, a.shape), b) : f(a, tf.tensor(values, b.shape));
          const numeric = Array.from(base, (_, i) => {
            const plus = Float32Array.from(base);
            const minus = Float32Array.from(base);
            plus[i] += eps;
            minus[i] -= eps;
            return (at(plus) - at(minus)) / (2 * eps);
          });
          // The function is bilinear, so central differences are exact up to float32 rounding of the sums.
          expectClose(grads[which], numeric, 1e-3, 2e-3);
        });
      });
    }
  });

  it('restores the stock kernel', () => {
    installWrapper();
    expect(tf.getKernel('BatchMatMul', backend()).kernelFunc).not.toBe(stockKernel('BatchMatMul', backend())?.kernelFunc);
    restoreKernel('BatchMatMul', backend());
    restoreKernel('_FusedMatMul', backend());
    expect(tf.getKernel('BatchMatMul', backend()).kernelFunc).toBe(stockKernel('BatchMatMul', backend())?.kernelFunc);
  });
});

describe('explicit-transpose _FusedMatMul', () => {
  // b is a single matrix in every case: tfjs-backend-wasm 4.22's own _FusedMatMul adds the bias wrongly for a
  // batched b (its output differs from matMul + bias by ~0.5 here), and the wrapper leaves that case to it.
  const SHAPES: Array<[number[], number[]]> = [
    [[3, 4], [4, 5]],
    [[2, 3, 4], [4, 5]],
    [[2, 3, 4], [1, 4, 5]],
    [[3, 4], [1, 4, 5]],
  ];
  for (const [ta, tb] of COMBOS) {
    for (const activation of ['linear', 'relu', 'sigmoid']) {
      it(`matches matMul + bias + ${activation} (transposeA=${ta}, transposeB=${tb}, b unbatched)`, () => {
        installWrapper();
        tf.tidy(() => {
          for (const [aShape, bShape] of SHAPES) {
            const a = ta ? swapLast(randn(aShape, 7)) : randn(aShape, 7);
            const b = tb ? swapLast(randn(bShape, 8)) : randn(bShape, 8);
            const bias = randn([5], 9);
            const y = tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: ta, transposeB: tb, activation }) as tf.Tensor;
            const pre = tf.add(tf.matMul(a, b, ta, tb), bias);
            const expected = activation === 'relu' ? tf.relu(pre) : activation === 'sigmoid' ? tf.sigmoid(pre) : pre;
            expect(y.shape).toEqual(expected.shape);
            expectClose(y, expected, 1e-5, 1e-5);
          }
        });
      });
    }
  }
});
