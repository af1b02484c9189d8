/**
 * Weight creation for the layers (dense.ts, mlp.ts). The code generator calls these once in `create` and keeps
 * the returned variables under the names it gives them (`variablesOf`), for the optimizer and checkpoints:
 *
 *   const rng = new RandomStream(options.seed);
 *   const enc = initMlp(rng, 'enc', [784, 512, 256]);        // enc/0/W, enc/0/b, enc/1/W, enc/1/b
 *   const mu = initDense(rng, 'mu', 256, 180);                // mu/W, mu/b
 *   const variables = variablesOf(enc, mu);                   // Map<string, tf.Variable>
 *
 * W is drawn from one RandomStream (stdlib/random.ts) in call order, so the same seed and the same sequence of
 * init calls give the same weights on every backend; b starts at zero. tfjs' global variable names are left to
 * tfjs (unique ids) so two instances of a model can coexist; sgm's names live in `variablesOf`'s map.
 */
import { tf } from '../../stdlib/tf.js';
import type { RandomStream } from '../../stdlib/random.js';

/** Weight initialisation schemes. */
export type WeightInit = 'glorot' | 'he';

/** One dense layer's weights: W [in, out] and b [out] (null when the layer has no bias). */
export interface DenseWeights {
  readonly name: string;
  readonly W: tf.Variable;
  readonly b: tf.Variable | null;
}

/** Options of `initDense` / `initMlp`. */
export interface InitOptions {
  /** 'glorot' (default, Keras' and the IGR authors' default) or 'he' (for deep relu stacks). */
  readonly init?: WeightInit;
  /** Whether the layer has a bias (default true). */
  readonly bias?: boolean;
}

/**
 * The bound of the uniform distribution W is drawn from: Glorot/Xavier uniform sqrt(6 / (in + out)) keeps the
 * activations' variance through linear layers; He uniform sqrt(6 / in) does so through relu layers.
 */
export function initLimit(init: WeightInit, fanIn: number, fanOut: number): number {
  return init === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * A trainable variable holding `initial`'s values, and `initial` released: a variable shares its initial tensor's
 * storage, so an initial tensor left alive keeps the weights' memory after the model is disposed.
 */
export function ownedVariable(initial: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

/** Weights of a dense layer fanIn -> fanOut, W uniform in ±initLimit from `rng`, b zero. */
export function initDense(rng: RandomStream, name: string, fanIn: number, fanOut: number, options: InitOptions = {}): DenseWeights {
  const limit = initLimit(options.init ?? 'glorot', fanIn, fanOut);
  const W = ownedVariable(rng.uniform([fanIn, fanOut], -limit, limit));
  const b = options.bias === false ? null : ownedVariable(tf.zeros([fanOut]));
  return { name, W, b };
}

/** Weights of an mlp with layer sizes `sizes` ([in, h1, ..., out]); layer i is named `${name}/${i}`. */
export function initMlp(rng: RandomStream, name: string, sizes: readonly number[], options: InitOptions = {}): DenseWeights[] {
  if (sizes.length < 2) throw new RangeError(`initMlp needs an input and at least one layer size, got [${sizes.join(', ')}]`);
  return sizes.slice(1).map((out, i) => initDense(rng, `${name}/${i}`, sizes[i], out, options));
}

/** The variables of the given layers by name (`<layer>/W`, `<layer>/b`), in creation order. */
export function variablesOf(...layers: readonly (DenseWeights | readonly DenseWeights[])[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const l of layers.flat()) {
    for (const [suffix, v] of [['W', l.W], ['b', l.b]] as const) {
      if (v === null) continue;
      const key = `${l.name}/${suffix}`;
      if (out.has(key)) throw new Error(`two layers are named ${l.name}`);
      out.set(key, v);
    }
  }
  return out;
}
