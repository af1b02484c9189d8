/**
 * Adam in one kernel per variable. tfjs' AdamOptimizer spends 13 kernels per variable per step (mul, add, square,
 * div, sqrt, assign, ...), each a full pass over the weights plus ~15 µs of engine overhead: for the reference
 * VAE (16 variables, 1.2 M weights) that was the largest cost after the GEMMs (bench/NOTES.md, change 3).
 *
 * `FusedAdamOptimizer` is tfjs' AdamOptimizer (same constructor, state variables, getWeights/setWeights, so
 * checkpoints are interchangeable) whose `applyGradients` runs the `SgmFusedAdam` kernel: one pass computing
 * m', v' and w' with tfjs' formulas and operation order. The kernel is registered for the CPU and WASM backends
 * on their own storage (backend-storage.ts): the native addon's loop when built, else on WASM sgm's WebAssembly
 * SIMD kernel (wasm-simd/), else a JS loop. On WASM, variables whose storage nothing else references are updated
 * together and in place by `SgmFusedAdamInPlace` instead (the addon's loop, or the SIMD kernel). On any other
 * backend the optimizer is the stock one.
 */
import { tf } from '../../stdlib/tf.js';
import { storageFor, wasmStorage } from './backend-storage.js';
import type { SgmNative } from './native-addon.js';
import { NATIVE_MAX_ARRAYS } from './native-limits.js';
import { heapOffset, wasmSimdKernels } from './wasm-simd/heap.js';

/** The kernel's name in the tfjs registry. */
export const FUSED_ADAM_KERNEL = 'SgmFusedAdam';
/**
 * The update of every variable of a step in one kernel, in place (bench/NOTES.md change 7): no new storage, no
 * assign, one pass over memory that writes w, m and v where they are (7 instead of 10 memory streams per value:
 * writing new buffers first reads them into cache), and one job for the addon's thread pool. Registered on WASM
 * only (the addon's loop or the SIMD kernel): there tfjs never hands out the heap storage of a tensor (dataSync copies), so
 * overwriting a variable that nothing else references is invisible; the CPU backend's dataSync returns its own
 * array, which a caller could still hold. WASM's cached XNNPACK operators hold packed copies of weights, so the
 * kernel tells the backend which tensors it overwrote (backend-storage.ts). Inputs w0, g0, m0, v0, w1, ...; no
 * outputs.
 */
export const FUSED_ADAM_IN_PLACE_KERNEL = 'SgmFusedAdamInPlace';

type TensorInfo = tf.TensorInfo;
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Hyperparameters of one update, as kernel attributes. */
interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

/** The smallest normal float32, 2^-126. */
const FLT_MIN = 2 ** -126;

/** The update in JS, with the addon's signature: tfjs' formulas in float64, rounded to float32 once per store. */
const adamLoop: SgmNative['adam'] = (w, g, m, v, wOut, mOut, vOut, lr, beta1, beta2, epsilon, c1, c2) => {
  const omb1 = 1 - beta1;
  const omb2 = 1 - beta2;
  // Reciprocals instead of two divisions per weight: in float64 the difference is ~1e-16 relative, far below
  // the float32 rounding of the stored results, and the loop runs ~2x faster.
  const r1 = 1 / c1;
  const r2 = 1 / c2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    let mi = m[i] * beta1 + gi * omb1;
    let vi = v[i] * beta2 + gi * gi * omb2;
    // Moments that round to a float32 below the smallest normal one are stored as 0, as the native and WASM
    // loops do (native/src/kernels.c adam_range: subnormal arithmetic is ~20x slower there).
    if (Math.abs(Math.fround(mi)) < FLT_MIN) mi = 0;
    if (Math.fround(vi) < FLT_MIN) vi = 0;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i] - (lr * mi * r1) / (Math.sqrt(vi * r2) + epsilon);
  }
};

/** The hyperparameters of an update as the SIMD kernel's arguments (1 − β in float64, rounded at the call). */
function simdArgs(a: AdamAttrs): [number, number, number, number, number, number, number, number] {
  return [a.lr, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1, a.oneMinusAccBeta2, 1 - a.beta1, 1 - a.beta2];
}

/**
 * Registers SgmFusedAdam for `backendName` ('cpu' or 'wasm'): on the native addon when given, else on WASM sgm's
 * WebAssembly SIMD kernel (wasm-simd/kernels.ts) where the engine has SIMD, else a JS loop; returns false for
 * other backends.
 */
export function registerFusedAdamKernel(backendName: string, addon: SgmNative | null): boolean {
  const storageOf = storageFor(backendName);
  if (storageOf === null) return false;
  if (tf.getKernel(FUSED_ADAM_KERNEL, backendName) !== undefined) tf.unregisterKernel(FUSED_ADAM_KERNEL, backendName);
  const simd = backendName === 'wasm' && addon === null ? wasmSimdKernels(tf.findBackend('wasm')) !== null : false;
  tf.registerKernel({
    kernelName: FUSED_ADAM_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', TensorInfo>;
      const a = attrs as unknown as AdamAttrs;
      const storage = storageOf(backend);
      const outs = [storage.alloc(w.shape), storage.alloc(w.shape), storage.alloc(w.shape)];
      const kernels = simd ? wasmSimdKernels(backend) : null;
      if (kernels !== null) {
        // Heap offsets: the kernel reads the memory itself, wherever a grown heap's buffer now is.
        const [wp, gp, mp, vp, wo, mo, vo] = [w, g, m, v, ...outs].map((t) => heapOffset(backend, t));
        kernels.adam(tf.util.sizeFromShape(w.shape), wp, gp, mp, vp, wo, mo, vo, ...simdArgs(a));
        return outs;
      }
      // Views after the last allocation: a WASM heap that grew has moved.
      const [wv, gv, mv, vv] = [w, g, m, v].map((t) => storage.view(t));
      const [wo, mo, vo] = outs.map((t) => storage.view(t));
      const update = addon !== null ? addon.adam : adamLoop;
      update(wv, gv, mv, vv, wo, mo, vo, a.lr, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1, a.oneMinusAccBeta2);
      return outs;
    },
  });
  return true;
}

/**
 * Registers SgmFusedAdamInPlace on WASM (see FUSED_ADAM_IN_PLACE_KERNEL): the native addon's threaded loop when
 * given, else sgm's WebAssembly SIMD kernel on the heap, one call per variable. Returns false (registering
 * nothing) when neither is available.
 */
export function registerFusedAdamInPlaceKernel(addon: SgmNative | null): boolean {
  if (tf.getKernel(FUSED_ADAM_IN_PLACE_KERNEL, 'wasm') !== undefined) tf.unregisterKernel(FUSED_ADAM_IN_PLACE_KERNEL, 'wasm');
  if (addon === null && wasmSimdKernels(tf.findBackend('wasm')) === null) return false;
  tf.registerKernel({
    kernelName: FUSED_ADAM_IN_PLACE_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as AdamAttrs & { count: number };
      const storage = wasmStorage(backend);
      const named = inputs as Record<string, TensorInfo>;
      if (addon === null) {
        const kernels = wasmSimdKernels(backend)!;
        const args = simdArgs(a);
        for (let i = 0; i < a.count; i++) {
          const [w, g, m, v] = ['w', 'g', 'm', 'v'].map((part) => heapOffset(backend, named[`${part}${i}`]));
          kernels.adam(tf.util.sizeFromShape(named[`w${i}`].shape), w, g, m, v, w, m, v, ...args);
        }
      }
      // No allocation in this kernel, so the views stay valid; at most NATIVE_MAX_ARRAYS variables per addon call.
      for (let first = 0; addon !== null && first < a.count; first += NATIVE_MAX_ARRAYS) {
        const arrays: Float32Array[] = [];
        for (let i = first; i < Math.min(a.count, first + NATIVE_MAX_ARRAYS); i++) {
          for (const part of ['w', 'g', 'm', 'v']) arrays.push(storage.view(named[`${part}${i}`]));
        }
        addon.adamInPlace(arrays, a.lr, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1, a.oneMinusAccBeta2);
      }
      for (let i = 0; i < a.count; i++) {
        for (const part of ['w', 'm', 'v']) storage.overwritten(named[`${part}${i}`]);
      }
      return [];
    },
  });
  return true;
}

/**
 * True when nothing but `t` references its storage on the active backend: then an in-place update cannot be seen
 * through another tensor (a clone or a reshape shares storage and raises the count).
 */
function soleOwner(t: tf.Tensor): boolean {
  const backend = tf.backend() as unknown as { refCount?(dataId: object): number };
  return typeof backend.refCount === 'function' && backend.refCount(t.dataId) === 1;
}

/** AdamOptimizer's private state, read by the fused update (names from tfjs-core's adam_optimizer.ts). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** tfjs' Adam with a one-kernel-per-variable update on CPU and WASM (the stock update elsewhere). */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Same name as tfjs' Adam: serialised configurations and checkpoints are interchangeable. */
  static override get className(): string {
    return 'Adam';
  }

  override applyGradients(variableGradients: Gradients): void {
    if (tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    // The moments and accumulated betas are private in tfjs' typings; this class keeps their layout exactly.
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    // Two scalar reads per step: the bias corrections are float32 products exactly as the stock optimizer's.
    const oneMinusAccBeta1 = 1 - state.accBeta1.dataSync()[0];
    const oneMinusAccBeta2 = 1 - state.accBeta2.dataSync()[0];
    const attrs = {
      lr: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      oneMinusAccBeta1,
      oneMinusAccBeta2,
    };
    const inPlace = tf.getKernel(FUSED_ADAM_IN_PLACE_KERNEL, tf.getBackend()) !== undefined;
    const inPlaceInputs: tf.NamedTensorMap = {}; // w0, g0, m0, v0, w1, ... of the variables updated in place
    let inPlaceCount = 0;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        if (inPlace && gradient.dtype === 'float32' && soleOwner(value) && soleOwner(m) && soleOwner(v)) {
          Object.assign(inPlaceInputs, { [`w${inPlaceCount}`]: value, [`g${inPlaceCount}`]: gradient, [`m${inPlaceCount}`]: m, [`v${inPlaceCount}`]: v });
          inPlaceCount++;
          return;
        }
        const [w2, m2, v2] = tf.engine().runKernel(FUSED_ADAM_KERNEL, { w: value, g: gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(w2);
      });
      if (inPlaceCount > 0) {
        tf.engine().runKernel(FUSED_ADAM_IN_PLACE_KERNEL, inPlaceInputs, { ...attrs, count: inPlaceCount } as unknown as tf.NamedAttrMap);
      }
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** A FusedAdamOptimizer with tfjs' defaults (β1 0.9, β2 0.999, ε the backend's epsilon). */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
