/**
 * Σ_i Σ_j x_ij² over a list of tensors in one kernel: the trainer's gradient norm (and with it its finiteness
 * check) every step. tfjs computes it as square + sum per variable and addN, 2n + 1 kernels and two passes over
 * the gradients; for the reference VAE (16 variables, 1.2 M weights) that was 1.8 ms of a 53 ms WASM step and
 * 1.6 ms of a 17 ms native one (bench/NOTES.md, change 10). `SgmSumOfSquares` reads each gradient once, where it
 * is stored: with the native addon in one pass over all of them on its threads (native/src/sum_squares.c, in
 * double; an older addon: a dot product g·g per gradient in OpenBLAS, sgemm with m = n = 1), else on WASM sgm's
 * WebAssembly SIMD kernel over the heap (wasm-simd/kernels.ts; the JS loop's float64 sums, bit for bit), else a
 * JS loop over the CPU backend's arrays. Inputs x0, x1, ... (float32); output a float32 scalar.
 *
 * Numerics: the JS loop accumulates the float32 squares in float64 (four running sums) and rounds once, so it is
 * at least as accurate as tfjs' float32 reduction; OpenBLAS accumulates in float32 with vector partial sums. Either
 * way the value differs from tfjs' only in the last float32 bits. A NaN or ±Inf entry makes the sum NaN or +Inf
 * in every path (squares are ≥ 0, so no Inf - Inf), which is what the trainer's NaN/Inf guard relies on.
 */
import { tf } from '../../stdlib/tf.js';
import { storageFor } from './backend-storage.js';
import type { SgmNative } from './native-addon.js';
import { NATIVE_MAX_ARRAYS } from './native-limits.js';
import { heapOffset, wasmSimdKernels } from './wasm-simd/heap.js';

/** The kernel's name in the tfjs registry. */
export const SUM_OF_SQUARES_KERNEL = 'SgmSumOfSquares';

/** Σ x² of one float32 array in float64 (four accumulators: independent adds that the CPU can overlap). */
function sumOfSquaresJs(x: Float32Array): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const n4 = x.length - (x.length % 4);
  for (let i = 0; i < n4; i += 4) {
    const x0 = x[i];
    const x1 = x[i + 1];
    const x2 = x[i + 2];
    const x3 = x[i + 3];
    a0 += x0 * x0;
    a1 += x1 * x1;
    a2 += x2 * x2;
    a3 += x3 * x3;
  }
  for (let i = n4; i < x.length; i++) a0 += x[i] * x[i];
  return a0 + a1 + a2 + a3;
}

/**
 * Registers SgmSumOfSquares for `backendName` ('cpu' or 'wasm'), on the native addon when given; returns false
 * (registering nothing) for other backends.
 */
export function registerSumOfSquaresKernel(backendName: string, addon: SgmNative | null): boolean {
  const storageOf = storageFor(backendName);
  if (storageOf === null) return false;
  if (tf.getKernel(SUM_OF_SQUARES_KERNEL, backendName) !== undefined) tf.unregisterKernel(SUM_OF_SQUARES_KERNEL, backendName);
  const dot = new Float32Array(1);
  const simd = backendName === 'wasm' && addon === null && wasmSimdKernels(tf.findBackend('wasm')) !== null;
  tf.registerKernel({
    kernelName: SUM_OF_SQUARES_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const storage = storageOf(backend);
      const out = storage.alloc([]);
      const kernels = simd ? wasmSimdKernels(backend) : null;
      if (kernels !== null) {
        // The same float64 sums as the JS loop, bit for bit, in WebAssembly SIMD on the heap (wasm-simd/kernels.ts).
        let total = 0;
        for (const t of Object.values(inputs) as tf.TensorInfo[]) total += kernels.sumOfSquares(heapOffset(backend, t), tf.util.sizeFromShape(t.shape));
        storage.view(out)[0] = total;
        return out;
      }
      // Views after the allocation: a WASM heap that grew has moved.
      const list = Object.values(inputs) as tf.TensorInfo[];
      if (addon?.sumOfSquares !== undefined && list.length <= NATIVE_MAX_ARRAYS) {
        // One pass over every gradient on the addon's threads, summed in double (sum_squares.c).
        const total = addon.sumOfSquares(list.map((t) => storage.view(t)));
        if (total >= 0 || Number.isNaN(total)) {
          storage.view(out)[0] = total;
          return out;
        }
      }
      let sum = 0;
      for (const t of list) {
        const x = storage.view(t);
        if (x.length === 0) continue;
        if (addon !== null) {
          // [1 × n]·[1 × n]ᵀ on the same memory (the NT form: OpenBLAS does not pack it, ~2.5x faster than NN).
          addon.gemm(false, true, 1, 1, 1, x.length, x, x.length, x, x.length, dot, null, 0, 1);
          sum += dot[0];
        } else {
          sum += sumOfSquaresJs(x);
        }
      }
      storage.view(out)[0] = sum;
      return out;
    },
  });
  return true;
}

/**
 * Σ g² over `tensors` as a float32 scalar: the kernel where it is registered (CPU, WASM), tfjs ops elsewhere
 * (WebGL, TensorFlow), where square + sum stay on the device.
 */
export function sumOfSquares(tensors: readonly tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  if (tf.getKernel(SUM_OF_SQUARES_KERNEL, tf.getBackend()) !== undefined && tensors.every((t) => t.dtype === 'float32')) {
    const inputs = Object.fromEntries(tensors.map((t, i) => [`x${i}`, t]));
    return tf.engine().runKernel(SUM_OF_SQUARES_KERNEL, inputs) as tf.Scalar;
  }
  return tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}
