/**
 * Direct access to the float32 storage of the CPU and WASM backends, for kernels written outside tfjs (native
 * GEMM, fused Adam). Views are zero-copy: the CPU backend's own typed arrays, or Float32Array views of the WASM
 * heap at each tensor's offset.
 */
import { tf } from '../../stdlib/tf.js';

type TensorInfo = tf.TensorInfo;

/** How to reach a backend's float32 storage. `view` must be called after the last allocation of a kernel. */
export interface Storage {
  alloc(shape: number[]): TensorInfo;
  view(t: TensorInfo): Float32Array;
  /** Tells the backend that t's values were overwritten in place (a kernel that updates storage it did not allocate). */
  overwritten(t: TensorInfo): void;
}

/** The CPU backend keeps each tensor's values in a typed array it owns. */
export function cpuStorage(backend: unknown): Storage {
  // MathBackendCPU's `data` and `makeTensorInfo` are public members that tfjs-core's KernelBackend type omits.
  const cpu = backend as {
    data: { get(id: object): { values: ArrayLike<number> } };
    makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  };
  return {
    alloc: (shape) => cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((p, d) => p * d, 1))),
    view: (t) => {
      const values = cpu.data.get(t.dataId).values;
      // A float32 tensor's values can still be another typed array (Cast from bool keeps the Uint8Array): copy
      // those, the rare case; Float32Arrays are used in place.
      return values instanceof Float32Array ? values : Float32Array.from(values);
    },
    overwritten: () => {}, // the CPU backend derives nothing from a tensor's values
  };
}

/** The members of tfjs-backend-wasm's BackendWasm that sgm's WASM kernels use (public in its .d.ts). */
export interface WasmBackendInternals {
  dataIdMap: { get(id: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  wasm: {
    HEAPF32: Float32Array;
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void };
  };
}

/** The WASM backend keeps every tensor at a byte offset of one heap, which may move when it grows. */
export function wasmStorage(backend: unknown): Storage {
  const wasm = backend as WasmBackendInternals;
  return {
    alloc: (shape) => wasm.makeOutput(shape, 'float32'),
    view: (t) =>
      new Float32Array(
        wasm.wasm.HEAPF32.buffer,
        wasm.dataIdMap.get(t.dataId).memoryOffset,
        t.shape.reduce((p, d) => p * d, 1),
      ),
    // XNNPACK operators (fully connected, convolution) that the WASM backend caches keep a packed copy of their
    // weights, keyed by the weight tensor's id and dropped when that id is disposed: a weight overwritten in place
    // would go on being used in its old packed form. Dropping the id on the C++ side and registering it again at
    // the same memory clears those caches and keeps the tensor (measured: a cached _FusedMatMul gave 3 instead
    // of 6 after an in-place write, 6 after this).
    overwritten: (t) => {
      const data = wasm.dataIdMap.get(t.dataId);
      wasm.wasm.tfjs.disposeData(data.id);
      wasm.wasm.tfjs.registerTensor(data.id, tf.util.sizeFromShape(t.shape), data.memoryOffset);
    },
  };
}

/** The storage accessor of a backend by its tfjs name, or null for backends sgm does not reach into. */
export function storageFor(backendName: string): ((backend: unknown) => Storage) | null {
  return backendName === 'cpu' ? cpuStorage : backendName === 'wasm' ? wasmStorage : null;
}
