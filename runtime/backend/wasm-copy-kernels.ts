/**
 * Faster data-movement kernels for the WASM backend: Identity, Concat, Slice and SplitV (bench/NOTES.md, change 8).
 *
 * - Identity: tfjs-backend-wasm copies the whole tensor, and tfjs' engine runs Identity (`clone`) for every tensor
 *   a kernel saves for its backward pass: 82 copies per step of the reference VAE, two of them of the 784×512
 *   weight matrices (~0.8 ms in all). Tensors are immutable, so the override shares the storage and counts one
 *   more reference, as the backend's own Reshape and the CPU backend's Identity do.
 * - Concat, Slice, SplitV: the stock kernels copy one innermost row at a time with `set(subarray(...))`, a new
 *   typed-array view per row: concatenating [100,20,9] and [100,20,1] on the last axis took 0.3 ms for 20,000
 *   values. Here short rows are copied by a plain loop and long rows by `set` (where one view per row is cheap
 *   against the copy).
 *
 * Strings, complex numbers and anything unusual go to the stock kernel.
 */
import { tf } from '../../stdlib/tf.js';
import type { WasmBackendInternals as WasmBackend } from './backend-storage.js';
import { overrideKernel } from './kernel-overrides.js';

type TensorInfo = tf.TensorInfo;
type Values = ReturnType<WasmBackend['typedArrayFromHeap']>;

/** Rows shorter than this are copied element by element; longer ones with one `set` each. */
const SHORT_ROW = 64;

/** Copies `rows` rows of `len` values from src (row r at srcStart + r·srcStride) to dst (at dstStart + r·dstStride). */
function copyRows(src: Values, srcStart: number, srcStride: number, dst: Values, dstStart: number, dstStride: number, rows: number, len: number): void {
  if (len >= SHORT_ROW) {
    for (let r = 0; r < rows; r++) {
      const s = srcStart + r * srcStride;
      dst.set(src.subarray(s, s + len), dstStart + r * dstStride);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcStart + r * srcStride;
    const d = dstStart + r * dstStride;
    for (let j = 0; j < len; j++) dst[d + j] = src[s + j];
  }
}

const size = tf.util.sizeFromShape;
const plainDtype = (dtype: tf.DataType): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

/** out = x[begin : begin + sizes], any rank, on the WASM heap. */
function sliceInto(backend: WasmBackend, x: TensorInfo, begin: number[], sizes: number[]): TensorInfo {
  const out = backend.makeOutput(sizes, x.dtype);
  if (size(sizes) === 0) return out;
  // Views after the output is allocated: a heap that grew has moved.
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  if (tf.slice_util.isSliceContinous(x.shape, begin, sizes)) {
    const start = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    ov.set(xv.subarray(start, start + size(sizes)));
    return out;
  }
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  const rowLen = sizes[rank - 1];
  // Merge the leading axes into rows of the innermost one: an odometer over the outer indices.
  const outer = sizes.slice(0, -1);
  const index = new Array<number>(outer.length).fill(0);
  const base = begin.slice(0, -1).reduce((s, b, i) => s + b * strides[i], 0) + begin[rank - 1];
  const rows = size(outer);
  if (outer.length === 0) {
    copyRows(xv, base, 0, ov, 0, 0, 1, rowLen);
    return out;
  }
  // Rows along the last outer axis are a fixed stride apart: copy them in runs.
  const runLen = outer[outer.length - 1];
  const runStride = strides[outer.length - 1];
  for (let r = 0; r < rows; r += runLen) {
    let start = base;
    for (let i = 0; i < outer.length - 1; i++) start += index[i] * strides[i];
    copyRows(xv, start, runStride, ov, r * rowLen, rowLen, runLen, rowLen);
    for (let i = outer.length - 2; i >= 0; i--) {
      if (++index[i] < outer[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/** Installs the four kernels on the WASM backend; returns the names of those replaced. */
export function installWasmCopyKernels(): string[] {
  const installed: string[] = [];
  const install = (name: string, wrap: (stock: tf.KernelConfig) => tf.KernelConfig): void => {
    if (overrideKernel(name, 'wasm', wrap)) installed.push(name);
  };

  install('Identity', (stock) => ({
    ...stock,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      if (!plainDtype(x.dtype)) return stock.kernelFunc(args);
      (args.backend as unknown as WasmBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  }));

  install('Slice', (stock) => ({
    ...stock,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      if (!plainDtype(x.dtype) || x.shape.length === 0) return stock.kernelFunc(args);
      const [begin, sizes] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
      return sliceInto(args.backend as unknown as WasmBackend, x, begin, sizes);
    },
  }));

  install('SplitV', (stock) => ({
    ...stock,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      if (!plainDtype(x.dtype) || x.shape.length === 0) return stock.kernelFunc(args);
      const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
      const splits = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits, axis);
      const begin = new Array<number>(x.shape.length).fill(0);
      return splits.map((s) => {
        const sizes = [...x.shape];
        sizes[axis] = s;
        const part = sliceInto(args.backend as unknown as WasmBackend, x, [...begin], sizes);
        begin[axis] += s;
        return part;
      });
    },
  }));

  install('Concat', (stock) => ({
    ...stock,
    kernelFunc: (args) => {
      const inputs = args.inputs as unknown as TensorInfo[];
      const backend = args.backend as unknown as WasmBackend;
      if (inputs.length === 0 || !inputs.every((t) => plainDtype(t.dtype) && t.dtype === inputs[0].dtype)) {
        return stock.kernelFunc(args);
      }
      const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, inputs[0].shape)[0];
      const shapes = inputs.map((t) => t.shape);
      tf.backend_util.assertParamsConsistent(shapes, axis);
      const outShape = tf.backend_util.computeOutShape(shapes, axis);
      const parts = inputs.filter((t) => size(t.shape) > 0);
      const out = backend.makeOutput(outShape, inputs[0].dtype);
      if (parts.length === 0) return out;
      const outer = size(outShape.slice(0, axis));
      const inner = parts.map((t) => size(t.shape.slice(axis)));
      const total = inner.reduce((s, d) => s + d, 0);
      const ov = backend.typedArrayFromHeap(out);
      let offset = 0;
      parts.forEach((t, i) => {
        copyRows(backend.typedArrayFromHeap(t), 0, inner[i], ov, offset, total, outer, inner[i]);
        offset += inner[i];
      });
      return out;
    },
  }));
  return installed;
}

/** The kernels installWasmCopyKernels replaces, for removeSpeedFixes. */
export const WASM_COPY_KERNELS = ['Identity', 'Slice', 'SplitV', 'Concat'] as const;
