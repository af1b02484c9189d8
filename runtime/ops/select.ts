/**
 * Indexing and slicing of the language (`x[..., 0]`, `x[:, 1:5:2]`, `means[c]`) with gradients: tfjs'
 * stridedSlice has no registered gradient, so axes are selected with slice (step 1), gather (other steps) and a
 * final reshape for indexed axes, all of which differentiate. A tensor index gathers: its axis is replaced by the
 * index's axes (tf.gather; the gradient with respect to x is a segment sum, registered on CPU and, by
 * runtime/backend/wasm-missing-kernels.ts, on WASM). A one-hot index `{ oneHot: c }` (c: [..., K], a one-hot or
 * relaxed sample) contracts its last axis with the indexed axis of size K: for an exact one-hot c this is the same
 * selection as gathering with argmax(c); for a relaxed c it is the convex combination Σ_k c_k x[k], which is
 * what matmul(c, x) computes and what a relaxation differentiates through (matmul has gradients on every backend).
 */
import { tf } from '../../stdlib/tf.js';
import { UserError } from '../errors.js';

/**
 * One axis of a selection: a constant index (axis dropped), a slice [start, stop, step] (null ends = open), null
 * (all), or an integer-valued tensor (float32 holding integers, as discrete samples are) to gather with.
 */
export type AxisSelection = number | readonly [number | null, number | null, number] | null | tf.Tensor | OneHotIndex;

/** A one-hot (or relaxed one-hot) index: its last axis holds the weights of the indexed axis's entries. */
export interface OneHotIndex {
  readonly oneHot: tf.Tensor;
}

function isTensorIndex(s: AxisSelection): s is tf.Tensor | OneHotIndex {
  return s instanceof tf.Tensor || (typeof s === 'object' && s !== null && 'oneHot' in s);
}

/**
 * x indexed axis by axis by `spec` (one entry per axis from the left; missing trailing axes are kept whole).
 * `source` (the indexing expression as written) names it in the error for a tensor index outside its axis.
 */
export function select(x: tf.Tensor, spec: readonly AxisSelection[], source = 'an index'): tf.Tensor {
  const at = spec.findIndex(isTensorIndex);
  if (at < 0) return selectConstant(x, spec as readonly ConstantSelection[]);
  if (spec.slice(at + 1).some(isTensorIndex)) throw new RangeError('select: at most one tensor index');
  return tf.tidy(() => {
    const y = selectConstant(x, spec.map((s, i) => (i === at ? null : s)) as ConstantSelection[]);
    // The gathered axis of y: the axes before it that survive (whole or sliced ones; constant indices drop theirs).
    const axis = spec.slice(0, at).filter((s) => typeof s !== 'number').length;
    const index = spec[at] as tf.Tensor | OneHotIndex;
    if (!(index instanceof tf.Tensor)) return contractOneHot(y, index.oneHot, axis, source);
    checkIndexRange(index, y.shape[axis], source);
    return gatherFloat(y, index, axis);
  });
}

/**
 * y [...pre, K, ...post] selected by the one-hot c [...cb, K]: [...pre, ...cb, ...post] (the gathered axis replaced
 * by c's leading axes, as an integer index's axes replace it), as one matmul of c [N, K] with y's axis moved first.
 */
function contractOneHot(y: tf.Tensor, c: tf.Tensor, axis: number, source: string): tf.Tensor {
  const k = y.shape[axis];
  if (c.rank < 1 || c.shape[c.rank - 1] !== k) {
    throw new UserError(`${source}: a one-hot index of shape [${c.shape.join(', ')}] selects from an axis of size ${k}; its last axis must have ${k} entries`);
  }
  const pre = y.shape.slice(0, axis);
  const post = y.shape.slice(axis + 1);
  const cb = c.shape.slice(0, -1);
  const rest = [...pre, ...post].reduce((a, b) => a * b, 1);
  const front = tf.reshape(tf.transpose(y, [axis, ...pre.map((_, i) => i), ...post.map((_, i) => axis + 1 + i)]), [k, rest]);
  const n = cb.reduce((a, b) => a * b, 1);
  const picked = tf.reshape(tf.matMul(tf.reshape(c, [n, k]), front), [...cb, ...pre, ...post]);
  if (pre.length === 0) return picked;
  // [...cb, ...pre, ...post] -> [...pre, ...cb, ...post]
  const perm = [...pre.map((_, i) => cb.length + i), ...cb.map((_, i) => i), ...post.map((_, i) => cb.length + pre.length + i)];
  return tf.transpose(picked, perm);
}

/**
 * Throws a UserError when an index is not an integer in [0, size): the index is data-dependent (a Poisson sample
 * can exceed the axis), and tfjs' gather would fail with an internal error or, on some backends, read zeros. One
 * read-back of the index per call.
 */
function checkIndexRange(index: tf.Tensor, size: number, source: string): void {
  const values = index.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v < size)) {
      throw new UserError(`${source}: the index takes the value ${v}, outside the axis of size ${size} (valid: 0 to ${size - 1}); index with a variable whose support fits the axis (e.g. Categorical over ${size} categories)`);
    }
  }
}

/**
 * tf.gather(x, index, axis) for a float32 index holding integers, as one custom op: the index must not be on the
 * gradient tape at all (tfjs gives GatherV2's indices an int32 "gradient" and rejects it whenever the index
 * depends on a variable, as a score-function sample does through its logits). The gradient with respect to x
 * is tfjs' own for GatherV2: dy moved to the front axis and segment-summed over the indices.
 */
function gatherFloat(x: tf.Tensor, index: tf.Tensor, axis: number): tf.Tensor {
  const op = tf.customGrad((...args) => {
    const [xv, iv] = args as [tf.Tensor, tf.Tensor];
    // Tensors made in the forward pass are disposed after it: the backward pass gets the index through save.
    const save = args[2] as unknown as (tensors: tf.Tensor[]) => void;
    save([iv]);
    const value = tf.gather(xv, tf.cast(iv, 'int32'), axis);
    const xShape = xv.shape;
    const indexShape = iv.shape;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const indices = tf.cast(saved[0], 'int32');
      const outer = xShape.slice(0, axis);
      const inner = xShape.slice(axis + 1);
      const size = indexShape.reduce((a, b) => a * b, 1);
      const values = tf.reshape(dy, [...outer, size, ...inner]);
      // [size, ...outer, ...inner]: the gathered axis first, so that segment sums run over it.
      const perm = [outer.length, ...outer.map((_, i) => i), ...inner.map((_, i) => outer.length + 1 + i)];
      const summed = tf.unsortedSegmentSum(tf.transpose(values, perm), tf.reshape(indices, [size]), xShape[axis]);
      const undo = perm.map((_, i) => perm.indexOf(i));
      return [tf.transpose(summed, undo), tf.zeros(indexShape)];
    };
    return { value, gradFunc };
  });
  return op(x, index) as tf.Tensor;
}

type ConstantSelection = Exclude<AxisSelection, tf.Tensor | OneHotIndex>;

function selectConstant(x: tf.Tensor, spec: readonly ConstantSelection[]): tf.Tensor {
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
