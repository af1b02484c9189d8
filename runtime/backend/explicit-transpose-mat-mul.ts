/**
 * Explicit transposes for matMul on backends whose GEMM is slow with transposed operands (design.md section 7).
 *
 * On tfjs-backend-wasm, `BatchMatMul` with transposeA/transposeB falls off XNNPACK's packed GEMM onto a naive
 * loop: 0.7-1.5 GFLOP/s against 16-25 GFLOP/s untransposed on this machine (bench/NOTES.md, change 1). Every
 * dense-layer gradient is such a matMul (dW = xᵀ·dy, dx = dy·Wᵀ), so the stock step spends ~95% of its time there.
 *
 * Fix chosen: wrap the backend's own `BatchMatMul` / `_FusedMatMul` kernels so a transposed operand is first
 * materialised by the backend's `Transpose` kernel, then the fast untransposed GEMM runs. Doing it at the kernel
 * rather than by re-registering the BatchMatMul gradient (the option design.md measured) keeps tfjs' stock
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
 * A _FusedMatMul kernel that transposes its operands explicitly (only the direct form is valid here: the bias
 * and activation apply to the untransposed output) and accepts rank-2 operands: the WASM kernel reads its
 * operands as rank 3 ([batch, rows, cols]), so rank-2 ones get a leading 1 (a Reshape shares the data) and the
 * output drops it again. runtime/nn's dense layer passes rank-2 operands.
 */
export function explicitTransposeFusedMatMul(original: KernelConfig, transpose: KernelConfig, reshape: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as Record<string, TensorInfo | undefined>;
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const rank2 = a.shape.length === 2 && b.shape.length === 2;
    if (!transposeA && !transposeB && !rank2) return original.kernelFunc(args);
    const backend = args.backend as Backend;
    const temps: TensorInfo[] = [];
    const prepare = (x: TensorInfo, transposed: boolean): TensorInfo => {
      let t = x;
      if (rank2) {
        t = reshape.kernelFunc({ inputs: { x: t }, backend, attrs: { shape: [1, ...t.shape] } }) as TensorInfo;
        temps.push(t);
      }
      if (transposed) {
        t = transposeLastTwo(transpose.kernelFunc, t, backend);
        temps.push(t);
      }
      return t;
    };
    const out = original.kernelFunc({
      inputs: { ...inputs, a: prepare(a, transposeA), b: prepare(b, transposeB) } as tf.NamedTensorInfoMap,
      backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as TensorInfo;
    for (const t of temps) backend.disposeData(t.dataId);
    // Same data, rank-2 shape: the kernels of tfjs-backend-wasm set `out.shape` the same way.
    if (rank2) out.shape = out.shape.slice(1);
    return out;
  };
  return { ...original, kernelFunc };
}
