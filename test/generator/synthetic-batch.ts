/**
 * A minibatch for a generated model, built directly as tensors: every `data` declaration gets values in the
 * support its likelihood declares in the signature table (integers in range for counts, one-hot rows, points
 * inside the simplex, ...), float32 as the runtime's data binding produces them.
 */
import { tf } from '../../stdlib/tf.js';
import type { Batch } from '../../runtime/model-api.js';
import type { DataDecl } from './model-arb.js';
import { mulberry32 } from '../mulberry32.js';

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Values of one declaration, row-major, for a batch of `batchSize`. */
export function dataValues(decl: DataDecl, batchSize: number, seed: number): { shape: number[]; values: Float32Array } {
  const u = mulberry32(seed);
  const shape = decl.shape.map((s) => (s === 'B' ? batchSize : s));
  const size = shape.reduce((p, s) => p * s, 1);
  const last = shape[shape.length - 1];
  const v = new Float32Array(size);
  const K = decl.K ?? last;
  const rows = (fill: (row: Float32Array) => void): void => {
    for (let i = 0; i < size; i += last) fill(v.subarray(i, i + last));
  };
  switch (decl.support) {
    case 'real':
      for (let i = 0; i < size; i++) v[i] = normal(u);
      break;
    case 'positive':
      for (let i = 0; i < size; i++) v[i] = Math.exp(0.5 * normal(u));
      break;
    case 'unit_interval':
      for (let i = 0; i < size; i++) v[i] = 0.05 + 0.9 * u();
      break;
    case 'boolean':
      for (let i = 0; i < size; i++) v[i] = u() < 0.5 ? 1 : 0;
      break;
    case 'categorical_index':
      for (let i = 0; i < size; i++) v[i] = Math.min(K - 1, Math.floor(u() * K));
      break;
    case 'nonnegative_integer':
      for (let i = 0; i < size; i++) v[i] = Math.floor(u() * 5);
      break;
    case 'integer_interval':
      for (let i = 0; i < size; i++) v[i] = Math.floor(u() * ((decl.total ?? 1) + 1));
      break;
    case 'relaxed_integer': {
      const cells = decl.cells ?? 2;
      for (let i = 0; i < size; i++) v[i] = (decl.lo ?? 0) + Math.floor(u() * cells);
      break;
    }
    case 'one_hot':
      rows((r) => (r[Math.floor(u() * last)] = 1));
      break;
    case 'counts':
      rows((r) => {
        for (let n = 0; n < (decl.total ?? 1); n++) r[Math.floor(u() * last)] += 1;
      });
      break;
    case 'simplex':
    case 'log_simplex':
      rows((r) => {
        let s = 0;
        for (let j = 0; j < last; j++) s += r[j] = Math.exp(normal(u));
        for (let j = 0; j < last; j++) r[j] = decl.support === 'simplex' ? r[j] / s : Math.log(r[j] / s);
      });
      break;
  }
  return { shape, values: v };
}

/** One batch: a float32 tensor per declaration (the caller disposes them). */
export function syntheticBatch(data: readonly DataDecl[], batchSize: number, seed: number): Batch {
  const out: Record<string, tf.Tensor> = {};
  data.forEach((decl, i) => {
    const { shape, values } = dataValues(decl, batchSize, seed * 131 + i);
    out[decl.name] = tf.tensor(values, shape, 'float32');
  });
  return out;
}
