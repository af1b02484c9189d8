/**
 * sgm's backend layer: selection with reasons (select-backend.ts), the speed fixes installed on the chosen
 * backend (speed-fixes.ts: explicit transposes on WASM, optional native OpenBLAS kernels), and the gradient
 * that runtime/nn's fused dense layer relies on (fused-mat-mul-gradient.ts).
 */
export {
  BACKEND_ORDER,
  currentBackend,
  describeBackend,
  initBackend,
  type BackendInfo,
  type BackendName,
  type BackendOptions,
} from './select-backend.js';
export { applySpeedFixes, removeSpeedFixes, type SpeedFixes } from './speed-fixes.js';
export { installNativeKernels, nativeThreadCount, planGemm, type NativeStatus } from './native-kernels.js';
export { loadAddonFrom, loadNativeAddon, type SgmNative } from './native-addon.js';
export { overriddenKernels, stockKernel } from './kernel-overrides.js';
export { FusedAdamOptimizer, fusedAdam, FUSED_ADAM_KERNEL } from './fused-adam.js';
export { registerSumOfSquaresKernel, sumOfSquares, SUM_OF_SQUARES_KERNEL } from './sum-of-squares.js';
export { registerFusedKernel, type NativeFused } from './fused-kernel.js';
export { registerFusedMatMulGradient, supportsFusedGradient } from './fused-mat-mul-gradient.js';
export { registerBatchMatMulGradient, restoreStockBatchMatMulGradient, reduceToShape } from './batch-mat-mul-gradient.js';
