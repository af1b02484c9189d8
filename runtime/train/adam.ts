/**
 * Adam (Kingma & Ba 2015) through tfjs' `tf.train.adam`, plus the save/restore that makes resumed runs
 * bit-identical. tfjs keeps one moment slot per position of the gradient list, so the trainer always passes
 * the trainable variables in one fixed order (`trainableVariables`), and slot i belongs to variable i.
 * tfjs' own setWeights recomputes beta^(t+1) with pow(), which differs in the last float32 bits from the
 * running product an uninterrupted run holds; we save and restore the running products themselves. That needs
 * two fields tfjs does not expose (accBeta1/accBeta2, tfjs-core 4.22); the access is checked at run time.
 */
import { tf } from '../../stdlib/tf.js';
import { fusedAdam } from '../backend/fused-adam.js';
import { UserError } from '../errors.js';
import type { ModelInstance } from '../model-api.js';
import { ADAM_M_PREFIX, ADAM_V_PREFIX, type AdamScalars } from '../checkpoint/format.js';

/** Adam's settings. */
export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Default: the backend's epsilon (1e-7 on CPU and WASM), tfjs' default. */
  readonly epsilon?: number;
}

/** The private fields of tfjs' AdamOptimizer that exact resume needs. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** A tfjs Adam optimizer with these settings. */
export function createAdam(settings: AdamSettings): tf.AdamOptimizer {
  // sgm's FusedAdamOptimizer is tfjs' Adam (same state, same checkpoints) with one kernel per variable where
  // sgm installed one (native or CPU loop: 13 ms instead of 400 ms per VAE step on CPU; on WASM without the addon
  // a WebAssembly SIMD loop over every variable in place, ~2.3 instead of ~15 ms), else tfjs' own kernels.
  return fusedAdam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
}

/** The epsilon the optimizer actually uses (its default depends on the backend). */
export function adamEpsilon(optimizer: tf.AdamOptimizer): number {
  return Number(optimizer.getConfig().epsilon);
}

/** The model's trainable variables in the fixed order the trainer and the optimizer's slots use. */
export function trainableVariables(model: ModelInstance): Array<[string, tf.Variable]> {
  return [...model.variables].filter(([, v]) => v.trainable);
}

/** Adam's state: scalars for the manifest, moment tensors (owned by the optimizer: do not dispose) by checkpoint name. */
export async function adamState(
  optimizer: tf.AdamOptimizer,
  trainables: ReadonlyArray<[string, tf.Variable]>,
): Promise<{ scalars: AdamScalars; tensors: Array<{ name: string; tensor: tf.Tensor }> }> {
  const weights = await optimizer.getWeights();
  const [iter, ...slots] = weights;
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose();
  const n = slots.length / 2;
  if (n !== 0 && n !== trainables.length) {
    throw new Error(`Adam holds ${n} moment slots for ${trainables.length} trainable variables`);
  }
  const tensors = slots.map((s, i) => ({
    name: (i < n ? ADAM_M_PREFIX : ADAM_V_PREFIX) + trainables[i % Math.max(n, 1)][0],
    tensor: s.tensor,
  }));
  const { accBeta1, accBeta2 } = internals(optimizer);
  return {
    scalars: { kind: 'adam', iterations, accBeta1: (await accBeta1.data())[0], accBeta2: (await accBeta2.data())[0] },
    tensors,
  };
}

/** Restores a fresh optimizer to a saved state: moments by variable name, iteration count, beta products. */
export async function restoreAdam(
  optimizer: tf.AdamOptimizer,
  scalars: AdamScalars,
  tensors: tf.NamedTensorMap,
  trainables: ReadonlyArray<[string, tf.Variable]>,
  dir: string,
): Promise<void> {
  if (optimizer.iterations !== 0) throw new Error('restoreAdam needs a fresh optimizer');
  // Adam creates its moments at the first update: a checkpoint has them exactly when it was taken after one.
  const hasSlots = scalars.iterations > 0 || trainables.some(([name]) => tensors[ADAM_M_PREFIX + name] !== undefined);
  const shapes = new Map(trainables.map(([name, v]) => [name, v.shape]));
  for (const key of Object.keys(tensors)) {
    const prefix = [ADAM_M_PREFIX, ADAM_V_PREFIX].find((p) => key.startsWith(p));
    if (prefix !== undefined && !shapes.has(key.slice(prefix.length))) {
      throw new UserError(`checkpoint '${dir}' has an Adam moment '${key}' for a variable the model does not train`);
    }
  }
  const slot = (prefix: string, name: string): tf.Tensor => {
    const t = tensors[prefix + name];
    if (t === undefined) throw new UserError(`checkpoint '${dir}' has no Adam moment '${prefix}${name}'`);
    const shape = shapes.get(name)!;
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape)) {
      throw new UserError(`checkpoint '${dir}': Adam moment '${prefix}${name}' is ${t.dtype} [${t.shape.join(', ')}] there but float32 [${shape.join(', ')}] in the model`);
    }
    return t;
  };
  const iter = tf.scalar(scalars.iterations, 'int32');
  try {
    const moments = hasSlots
      ? [...trainables.map(([n]) => slot(ADAM_M_PREFIX, n)), ...trainables.map(([n]) => slot(ADAM_V_PREFIX, n))]
      : [];
    await optimizer.setWeights([{ name: 'iter', tensor: iter }, ...moments.map((tensor, i) => ({ name: `slot${i}`, tensor }))]);
  } finally {
    iter.dispose();
  }
  const acc = internals(optimizer);
  tf.tidy(() => {
    acc.accBeta1.assign(tf.scalar(scalars.accBeta1));
    acc.accBeta2.assign(tf.scalar(scalars.accBeta2));
  });
}

function internals(optimizer: tf.AdamOptimizer): AdamInternals {
  // Structural access to two private fields of tfjs-core 4.22's AdamOptimizer (see the module comment).
  const o = optimizer as unknown as Partial<AdamInternals>;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) {
    throw new Error('tfjs AdamOptimizer no longer has accBeta1/accBeta2: exact checkpoint resume needs updating (runtime/train/adam.ts)');
  }
  return o as AdamInternals;
}
