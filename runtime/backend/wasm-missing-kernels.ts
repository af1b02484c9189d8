/**
 * Kernels tfjs-backend-wasm 4.22 does not have, registered by sgm so that models train on WASM as they do on CPU.
 *
 * - UnsortedSegmentSum: the gradient of tf.gather (GatherV2) is a segment sum, so without it any model that
 *   indexes a tensor with an index tensor (sgm's `select`) fails on WASM with "Kernel 'UnsortedSegmentSum' not
 *   registered for backend 'wasm'" the first time it is differentiated. A loop over the WASM heap: rows of x are
 *   added into out[segmentIds[row]]; ids outside [0, numSegments) are dropped, as tfjs' CPU kernel does.
 */
import { tf } from '../../stdlib/tf.js';
import type { WasmBackendInternals as WasmBackend } from './backend-storage.js';

type TensorInfo = tf.TensorInfo;
const size = tf.util.sizeFromShape;

/** Registers the missing kernels on WASM (a no-op for those tfjs already has); returns the names registered. */
export function registerWasmMissingKernels(): string[] {
  const registered: string[] = [];
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
        const numSegments = Number((attrs as { numSegments: number }).numSegments);
        const wasm = backend as unknown as WasmBackend;
        // segmentIds covers the leading axes of x: each of its entries names the segment of one row of x.
        const rank = segmentIds.shape.length;
        const inner = size(x.shape.slice(rank));
        const rows = size(segmentIds.shape);
        const out = wasm.makeOutput([numSegments, ...x.shape.slice(rank)], x.dtype);
        // Views after the output is allocated: a heap that grew has moved.
        const xv = wasm.typedArrayFromHeap(x);
        const ids = wasm.typedArrayFromHeap(segmentIds);
        const ov = wasm.typedArrayFromHeap(out);
        ov.fill(0); // fresh heap memory is not zeroed
        for (let r = 0; r < rows; r++) {
          const s = ids[r];
          if (!(s >= 0 && s < numSegments)) continue;
          const from = r * inner;
          const to = s * inner;
          for (let j = 0; j < inner; j++) ov[to + j] += xv[from + j];
        }
        return out;
      },
    });
    registered.push('UnsortedSegmentSum');
  }
  return registered;
}
