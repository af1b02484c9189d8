/**
 * Indexing and slicing of the language (`x[..., 0]`, `x[:, 1:5:2]`) with gradients: tfjs' stridedSlice has no
 * registered gradient, so axes are selected with slice (step 1), gather (other steps) and a final reshape for
 * indexed axes, all of which differentiate.
 */
import { tf } from '../../stdlib/tf.js';

/** One axis of a selection: an index (axis dropped), a slice [start, stop, step] (null ends = open), or null (all). */
export type AxisSelection = number | readonly [number | null, number | null, number] | null;

/** x indexed axis by axis by `spec` (one entry per axis from the left; missing trailing axes are kept whole). */
export function select(x: tf.Tensor, spec: readonly AxisSelection[]): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    const keep: number[] = [];
    spec.forEach((s, axis) => {
      const d = x.shape[axis];
      if (s === null) {
        keep.push(axis);
        return;
      }
      if (typeof s === 'number') {
        const k = s < 0 ? d + s : s;
        y = tf.slice(y, axisVector(y.rank, axis, k), axisSize(y.shape, axis, 1));
        return;
      }
      keep.push(axis);
      const [start, stop, step] = s;
      const norm = (v: number) => Math.min(Math.max(v < 0 ? d + v : v, 0), d);
      const b = start === null ? 0 : norm(start);
      const e = stop === null ? d : norm(stop);
      if (step === 1) {
        y = tf.slice(y, axisVector(y.rank, axis, b), axisSize(y.shape, axis, Math.max(0, e - b)));
      } else {
        const indices: number[] = [];
        for (let i = b; i < e; i += step) indices.push(i);
        y = tf.gather(y, tf.tensor1d(indices, 'int32'), axis);
      }
    });
    for (let axis = spec.length; axis < x.rank; axis++) keep.push(axis);
    const shape = keep.map((a) => y.shape[a]);
    return shape.length === y.rank ? y : tf.reshape(y, shape);
  });
}

function axisVector(rank: number, axis: number, value: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === axis ? value : 0));
}

function axisSize(shape: readonly number[], axis: number, size: number): number[] {
  return shape.map((d, i) => (i === axis ? size : d));
}
