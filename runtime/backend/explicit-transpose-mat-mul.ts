/**
 * Explicit transposes for matMul on backends whose GEMM is slow with transposed operands (docs/performance.md).
 *
 * On tfjs-backend-wasm, `BatchMatMul` with transposeA/transposeB falls off XNNPACK's packed GEMM onto a naive
 * loop: 0.7-1.5 GFLOP/s against 16-25 GFLOP/s untransposed on this machine (bench/NOTES.md, change 1). Every
 * dense-layer gradient is such a matMul (dW = xᵀ·dy, dx = dy·Wᵀ), so the stock step spends ~95% of its time there.
 *
 * Fix chosen: wrap the backend's own `BatchMatMul` / `_FusedMatMul` kernels so a transposed operand is first
 * materialised by the backend's `Transpose` kernel, then the fast untransposed GEMM runs. Doing it at the kernel
 * rather than by re-registering the BatchMatMul gradient (the option measured first, docs/performance.md) keeps tfjs' stock
 * gradients bit-for-bit in their formulas, fixes user code that calls `matMul(a, b, false, true)` in a forward
 * pass too, and covers `_FusedMatMul`. For a plain matMul it also picks the cheaper of two equivalent forms:
 * op(A)·op(B) directly, or (op(B)ᵀ·op(A)ᵀ)ᵀ, counting the elements each must transpose (dx = dy·Wᵀ transposes the
 * [100×512] dy and the [100×784] result instead of the [784×512] W).
 */
import { tf } from '../../stdlib/tf.js';

type TensorInfo = tf.TensorInfo;
type KernelConfig = tf.KernelConfig;
type KernelFunc = tf.KernelFunc;
// Kernel functions receive their backend typed as `{}`; every backend implements KernelBackend.
type Backend = tf.KernelBackend;

const size = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);

/** Swaps the last two axes of `x` with the backend's Transpose kernel; the caller disposes the result. */
function transposeLastTwo(transpose: KernelFunc, x: TensorInfo, backend: Backend): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

/** Shape of op(A)·op(B) without its batch dimensions, for the cost comparison. */
function outputSize(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = Math.max(size(a) / (a.shape[ra - 1] * a.shape[ra - 2]), size(b) / (b.shape[rb - 1] * b.shape[rb - 2]));
  return batch * m * n;
}

/**
 * A BatchMatMul kernel that never hands a transposed operand to `original`. `transpose` is the same backend's
 * Transpose kernel.
 */
export function explicitTransposeBatchMatMul(original: KernelConfig, transpose: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const backend = args.backend as Backend;
    const plain = (x: TensorInfo, y: TensorInfo): TensorInfo =>
      original.kernelFunc({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    const tr = (x: TensorInfo): TensorInfo => transposeLastTwo(transpose.kernelFunc, x, backend);
    const free = (...ts: TensorInfo[]): void => ts.forEach((t) => backend.disposeData(t.dataId));

    // Elements transposed by the direct form (each transposed operand) and by the swapped form
    // (op(A)·op(B) = (op(B)ᵀ·op(A)ᵀ)ᵀ: each untransposed operand, plus the output).
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0);
    const swapped = (transposeA ? 0 : size(a)) + (transposeB ? 0 : size(b)) + outputSize(a, b, transposeA, transposeB);
    if (direct <= swapped) {
      const a2 = transposeA ? tr(a) : a;
      const b2 = transposeB ? tr(b) : b;
      const out = plain(a2, b2);
      if (transposeA) free(a2);
      if (transposeB) free(b2);
      return out;
    }
    const a2 = transposeA ? a : tr(a);
    const b2 = transposeB ? b : tr(b);
    const outT = plain(b2, a2);
    if (!transposeA) free(a2);
    if (!transposeB) free(b2);
    const out = tr(outT);
    free(outT);
    return out;
  };
  return { ...original, kernelFunc };
}

/**
 * A _FusedMatMul kernel for WASM that transposes its operands explicitly (only the direct form is valid here:
 * the bias and activation apply to the untransposed output) and reads every operand as the WASM kernel needs it.
 * That kernel reads its operands as rank 3 ([batch, rows, cols]) and, in tfjs-backend-wasm 4.22, adds the bias
 * wrongly when the batch is larger than 1 (test/backend/mat-mul-kernels.test.ts shows it). So whenever b is a
 * single matrix (always for a dense layer), a's batch is folded into its rows: a [..., m, k] becomes
 * [1, (...)·m, k] and b [1, k, n], both Reshapes that share the data, and the output gets its shape back.
 * A batched b goes to the stock kernel unchanged (apart from the transposes).
 */
export function explicitTransposeFusedMatMul(original: KernelConfig, transpose: KernelConfig, reshape: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as Record<string, TensorInfo | undefined>;
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const k = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
    const fold = size(b) === k * n;
    if (!transposeA && !transposeB && !fold) return original.kernelFunc(args);
    const backend = args.backend as Backend;
    const temps: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => (temps.push(t), t);
    const reshaped = (x: TensorInfo, shape: number[]): TensorInfo =>
      keep(reshape.kernelFunc({ inputs: { x }, backend, attrs: { shape } }) as TensorInfo);
    let a2 = transposeA ? keep(transposeLastTwo(transpose.kernelFunc, a, backend)) : a;
    let b2 = transposeB ? keep(transposeLastTwo(transpose.kernelFunc, b, backend)) : b;
    const outShape = [
      ...tf.broadcast_util.assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2)),
      a2.shape[a2.shape.length - 2],
      n,
    ];
    if (fold) {
      a2 = reshaped(a2, [1, size(a2) / k, k]);
      b2 = reshaped(b2, [1, k, n]);
    }
    const out = original.kernelFunc({
      inputs: { ...inputs, a: a2, b: b2 } as tf.NamedTensorInfoMap,
      backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as TensorInfo;
    for (const t of temps) backend.disposeData(t.dataId);
    // Same data, the caller's shape: the kernels of tfjs-backend-wasm set `out.shape` the same way.
    out.shape = outShape;
    return out;
  };
  return { ...original, kernelFunc };
}
