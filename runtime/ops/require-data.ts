/** Reads a data tensor from a batch, with a clear error when it is missing (e.g. when sampling without data). */
import type { Batch } from '../model-api.js';
import { UserError } from '../errors.js';
import type { tf } from '../../stdlib/tf.js';

/** batch[name] (an own property: a data name such as `constructor` never reads Object.prototype), or a one-line user error naming the data variable. */
export function requireData(batch: Batch, name: string): tf.Tensor {
  const t = Object.hasOwn(batch, name) ? batch[name] : undefined;
  if (t === undefined) throw new UserError(`the model reads data '${name}', which this batch does not provide`);
  return t;
}

/** A run-time dimension, or a one-line user error when it is not bound (e.g. sampling needs data for it). */
export function requireDim(dims: Readonly<Record<string, number | undefined>>, name: string): number {
  const d = Object.hasOwn(dims, name) ? dims[name] : undefined;
  if (d === undefined) throw new UserError(`dimension '${name}' is not bound: it comes from data this call does not have`);
  return d;
}
