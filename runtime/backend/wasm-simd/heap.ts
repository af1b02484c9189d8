/**
 * The WASM backend's heap as sgm's SIMD kernels see it: the emscripten module's WebAssembly.Memory and each
 * tensor's byte offset in it.
 */
import type { tf } from '../../../stdlib/tf.js';
import { simdKernelsFor, type SimdKernels } from './kernels.js';
import { compileProgram, type FusedProgramCode } from './fused-program.js';

/** The members of tfjs-backend-wasm's backend that reach its memory (BackendWasm.wasm is the emscripten Module). */
interface WasmBackendMemory {
  dataIdMap: { get(id: object): { memoryOffset: number } };
  wasm: {
    HEAPF32: Float32Array;
    /** The instance's exports (emscripten before 3.1.4x; tfjs-backend-wasm 4.x): `memory` is the heap. */
    asm?: { memory?: unknown };
    /** The threaded build's memory, created in JS (shared) and imported by the instance. */
    wasmMemory?: unknown;
  };
}

/**
 * The backend's heap Memory, or null when it cannot be found (a future tfjs build laid out differently): then
 * sgm keeps tfjs' kernels. A candidate counts only if its buffer is the one the backend's own views are on (a
 * shared memory's buffer object can be re-made by a grow on another thread, so there the kind is enough).
 */
export function wasmHeapMemory(backend: unknown): WebAssembly.Memory | null {
  const module = (backend as Partial<WasmBackendMemory>).wasm;
  if (module === undefined) return null;
  for (const candidate of [module.asm?.memory, module.wasmMemory]) {
    if (!(candidate instanceof WebAssembly.Memory)) continue;
    const shared = typeof SharedArrayBuffer !== 'undefined' && candidate.buffer instanceof SharedArrayBuffer;
    if (shared || candidate.buffer === module.HEAPF32.buffer) return candidate;
  }
  return null;
}

/** sgm's SIMD kernels on the backend's heap, or null (no heap found, or no WebAssembly SIMD in this engine). */
export function wasmSimdKernels(backend: unknown): SimdKernels | null {
  const memory = wasmHeapMemory(backend);
  return memory === null ? null : simdKernelsFor(memory);
}

/** The byte offset of a tensor's values in the backend's heap. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  return (backend as WasmBackendMemory).dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * Runs a fused elementwise program (FUSION-SPEC.md) on the backend's heap, compiled to WebAssembly SIMD
 * (fused-program.ts): inputs in the order of `modes`, outputs already allocated, n elements. False when the
 * program is not compiled (an opcode left to the JS evaluator, or no heap or SIMD): the caller evaluates it.
 */
export function runFusedOnHeap(
  backend: unknown,
  program: FusedProgramCode,
  inputs: readonly tf.TensorInfo[],
  modes: Int32Array,
  outputs: readonly tf.TensorInfo[],
  n: number,
): boolean {
  const memory = wasmHeapMemory(backend);
  const run = memory === null ? null : compileProgram(program, modes, memory);
  if (run === null) return false;
  run(inputs.map((t) => heapOffset(backend, t)), outputs.map((t) => heapOffset(backend, t)), n);
  return true;
}
