/**
 * The per-backend speed fixes sgm installs after a backend is initialised (bench/NOTES.md has each one's
 * predicted and measured effect). Every fix is a kernel override (kernel-overrides.ts), so it is global to the
 * backend, applies to generated and hand-written code alike, and can be undone by `removeSpeedFixes`.
 */
import { tf } from '../../stdlib/tf.js';
import { explicitTransposeBatchMatMul, explicitTransposeFusedMatMul } from './explicit-transpose-mat-mul.js';
import { overrideKernel, restoreAllKernels } from './kernel-overrides.js';
import { installNativeKernels, type NativeStatus } from './native-kernels.js';
import { installWasmCopyKernels } from './wasm-copy-kernels.js';
import { registerSumOfSquaresKernel } from './sum-of-squares.js';
import { registerFusedKernel } from './fused-kernel.js';
import { FUSED_KERNEL } from '../../stdlib/fusion/index.js';
import { registerDenseGradKernel } from './dense-grad.js';
import { loadNativeAddon } from './native-addon.js';
import { wasmSimdKernels } from './wasm-simd/heap.js';
import { FUSED_ADAM_IN_PLACE_KERNEL, FUSED_ADAM_KERNEL, registerFusedAdamInPlaceKernel, registerFusedAdamKernel } from './fused-adam.js';

/** What `applySpeedFixes` did. */
export interface SpeedFixes {
  /** One line per installed fix, for `describeBackend`. */
  readonly applied: readonly string[];
  /** The native BLAS kernels' state (absent, disabled, or installed with the kernels they replace). */
  readonly native: NativeStatus;
}

/**
 * Installs the fixes that help `backendName` ('wasm' or 'cpu'; TensorFlow's own backends need none): native
 * OpenBLAS GEMM kernels when the addon is built and `native` is true (they take transposes for free), otherwise
 * on WASM explicit transposes before the backend's GEMM.
 */
export function applySpeedFixes(backendName: string, native: boolean): SpeedFixes {
  removeSpeedFixes(backendName);
  if (backendName !== 'wasm' && backendName !== 'cpu') {
    return { applied: [], native: { state: 'unused', reason: `not needed on ${backendName}` } };
  }
  // SgmFused (stdlib/fusion's fused elementwise programs): the JS evaluator on the CPU backend, where tfjs' own
  // kernels are JS loops too and one fused loop is 2-13x faster than the ops it replaces; on WASM the programs
  // compiled to WebAssembly SIMD (a JS loop loses to tfjs' SIMD kernels there: a relu backward 0.06 ms as two
  // WASM kernels against 0.19 ms fused in JS; bench/NOTES.md change 11), and without SIMD, tfjs ops.
  // installNativeKernels replaces either with the addon's evaluator when the addon has one.
  if (backendName === 'cpu' || (backendName === 'wasm' && wasmSimdKernels(tf.findBackend('wasm')) !== null)) registerFusedKernel(backendName);
  const status = installNativeKernels(backendName, native);
  const copies = backendName === 'wasm' ? installWasmCopyKernels() : [];
  const copyFix = copies.length > 0 ? [`shared-storage Identity and row-copy ${copies.filter((k) => k !== 'Identity').join('/')} (WASM)`] : [];
  // FusedAdamOptimizer's kernels: the native loop where the addon is installed; on WASM without it sgm's WebAssembly
  // SIMD kernel on the heap (tfjs' 13 SIMD kernels per variable took ~15 ms of the reference step, and a JS loop
  // over the heap was slower still; bench/NOTES.md, changes 3 and 14); on the CPU backend the JS loop (30x faster
  // than tfjs' 13 JS kernels per variable there). Without a kernel, FusedAdamOptimizer is tfjs' Adam.
  const loaded = loadNativeAddon();
  const addon = status.state === 'installed' && 'addon' in loaded ? loaded.addon : null;
  const simd = backendName === 'wasm' && addon === null && wasmSimdKernels(tf.findBackend('wasm')) !== null;
  // On WASM, variables nobody else references are updated in one in-place kernel (fused-adam.ts).
  const perVariable = addon !== null || backendName === 'cpu' || simd;
  const inPlace = backendName === 'wasm' && perVariable && registerFusedAdamInPlaceKernel(addon);
  if (perVariable) registerFusedAdamKernel(backendName, addon);
  else unregister(FUSED_ADAM_KERNEL, backendName);
  if (!inPlace) unregister(FUSED_ADAM_IN_PLACE_KERNEL, backendName);
  // The trainer's gradient norm in one kernel and one pass (sum-of-squares.ts; bench/NOTES.md change 10).
  registerSumOfSquaresKernel(backendName, addon);
  const kind = addon !== null ? 'native' : simd ? 'WASM SIMD' : 'JS';
  // A dense layer's backward pass (relu', bias sum, both GEMMs) in one native kernel (dense-grad.ts; change 12).
  const denseGrad = registerDenseGradKernel(backendName, addon) ? ['SgmDenseGrad kernel for the dense layer gradient (native)'] : [];
  const adamFix = inPlace
    ? [`SgmFusedAdamInPlace kernel for FusedAdamOptimizer (${kind}, all variables in one kernel, in place)`]
    : perVariable
      ? [`SgmFusedAdam kernel for FusedAdamOptimizer (${kind} loop)`]
      : [];
  if (status.state === 'installed') {
    return { applied: [`OpenBLAS kernels for ${status.kernels.join(', ')}`, ...adamFix, ...denseGrad, ...copyFix], native: status };
  }
  if (backendName === 'cpu') {
    // The CPU backend's JS GEMM runs at the same ~2.6 GFLOP/s with or without transposed operands (bench/NOTES.md,
    // change 1), so an explicit Transpose would only add work there.
    return { applied: adamFix, native: status };
  }
  // The WASM backend's GEMM drops from 16-25 to 0.7-1.5 GFLOP/s with a transposed operand; an explicit Transpose
  // followed by the untransposed GEMM is ~10x faster (bench/NOTES.md, change 1).
  const transpose = tf.getKernel('Transpose', backendName);
  overrideKernel('BatchMatMul', backendName, (stock) => explicitTransposeBatchMatMul(stock, transpose));
  const reshape = tf.getKernel('Reshape', backendName);
  overrideKernel('_FusedMatMul', backendName, (stock) => explicitTransposeFusedMatMul(stock, transpose, reshape));
  const applied = ['explicit transposes before BatchMatMul/_FusedMatMul (and rank-2 _FusedMatMul)', ...adamFix, ...copyFix];
  return { applied, native: status };
}

function unregister(kernelName: string, backendName: string): void {
  if (tf.getKernel(kernelName, backendName) !== undefined) tf.unregisterKernel(kernelName, backendName);
}

/** Restores the stock kernels of `backendName` that the speed fixes replaced. */
export function removeSpeedFixes(backendName: string): void {
  restoreAllKernels(backendName);
  registerDenseGradKernel(backendName, null); // the dense layer gradient goes back to tfjs ops
  unregister(FUSED_KERNEL, backendName); // fused programs go back to tfjs ops
}
