/**
 * The `SgmFused` kernel (FUSION-SPEC.md; stdlib/fusion): one fused elementwise program in one pass over memory, on
 * the CPU and WASM backends, reading and writing the backends' own float32 storage in place (backend-storage.ts).
 * The evaluator is stdlib/fusion's JS one (the program compiled to one loop, jit.ts; or blocks of 512 elements with
 * one tight loop per instruction, evaluate.ts, where code generation is refused), or the native
 * addon's `fused` (native/src/fused.c, on the addon's thread pool) when native-kernels.ts passes it in.
 *
 * On WASM the programs are compiled to WebAssembly SIMD (wasm-simd/fused-program.ts; a JS loop loses to tfjs'
 * SIMD kernels there). applySpeedFixes registers the kernel on 'cpu', and on 'wasm' when SIMD is available, before
 * the native kernels are installed; installNativeKernels then calls
 * `registerFusedKernel(backendName, addon.fused)` on 'cpu' and 'wasm' when the addon has it (the native hook).
 * SGM_FUSION=0 leaves the kernel registered but unused (stdlib/fusion's fuse() runs tfjs ops instead).
 */
import { tf } from '../../stdlib/tf.js';
import { FUSED_KERNEL, compileJs, evaluateProgram, inputMode, type FusedAttrs } from '../../stdlib/fusion/index.js';
import { storageFor } from './backend-storage.js';
import type { SgmNative } from './native-addon.js';
import { runFusedOnHeap, wasmSimdKernels } from './wasm-simd/heap.js';

/** The addon's evaluator (FUSION-SPEC.md "Native entry"); inputs and outputs are views of backend storage. */
export type NativeFused = NonNullable<SgmNative['fused']>;

/** The evaluators: the addon's, sgm's WebAssembly SIMD compiler of programs (WASM backend), or JS. */
export type FusedEvaluator = 'native' | 'wasm-simd' | 'js';
const evaluators = new Map<string, FusedEvaluator>();

/** Which evaluator the SgmFused kernel of `backendName` runs, or undefined when none is registered. */
export function fusedKernelEvaluator(backendName: string): FusedEvaluator | undefined {
  return tf.getKernel(FUSED_KERNEL, backendName) === undefined ? undefined : evaluators.get(backendName);
}

/**
 * Registers SgmFused for `backendName` ('cpu' or 'wasm'; returns false, registering nothing, for others), with the
 * native evaluator when given, else the JS one. Replaces a kernel registered before (the JS one by the native one).
 */
export function registerFusedKernel(backendName: string, nativeFused: NativeFused | null = null): boolean {
  const storageOf = storageFor(backendName);
  if (storageOf === null) return false;
  if (tf.getKernel(FUSED_KERNEL, backendName) !== undefined) tf.unregisterKernel(FUSED_KERNEL, backendName);
  // On WASM without the addon's evaluator: each program compiled to WebAssembly SIMD on the backend's heap
  // (wasm-simd/fused-program.ts), when this engine has SIMD and the heap is found; the JS loop otherwise.
  const simd = nativeFused === null && backendName === 'wasm' && wasmSimdKernels(tf.findBackend('wasm')) !== null;
  evaluators.set(backendName, nativeFused !== null ? 'native' : simd ? 'wasm-simd' : 'js');
  tf.registerKernel({
    kernelName: FUSED_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      // fuse() passes the program object as an attribute (tfjs hands attributes through unchanged).
      const { program, shape } = attrs as unknown as FusedAttrs;
      const storage = storageOf(backend);
      const xs: tf.TensorInfo[] = [];
      // Inputs come as an array (keys '0', '1', ...; fuse.ts runProgram).
      for (let k = 0; k < program.nIn; k++) xs.push((inputs as Record<string, tf.TensorInfo>)[String(k)]);
      const modes = new Int32Array(2 * xs.length);
      xs.forEach((x, k) => {
        const m = inputMode(x.shape, shape);
        if (m === null || x.dtype !== 'float32') throw new Error(`SgmFused: input ${k} (${x.dtype} [${x.shape}]) does not fit [${shape}]`);
        modes.set(m, 2 * k);
      });
      const outs = Array.from(program.outRegs, () => storage.alloc([...shape]));
      const n = shape.reduce((p, d) => p * d, 1);
      if (simd && runFusedOnHeap(backend, program, xs, modes, outs, n)) return outs;
      // Views after the last allocation: a WASM heap that grew has moved.
      const inViews = xs.map((x) => storage.view(x));
      const outViews = outs.map((o) => storage.view(o));
      if (nativeFused !== null) nativeFused(program.code, program.consts, program.nRegs, inViews, modes, outViews, program.outRegs, n);
      else {
        // The program compiled to one JS loop (jit.ts), or the block evaluator where code generation is refused.
        const jit = compileJs(program, modes);
        if (jit !== null) jit(inViews, modes, outViews, n);
        else evaluateProgram(program, inViews, modes, outViews, n);
      }
      return outs;
    },
  });
  return true;
}
