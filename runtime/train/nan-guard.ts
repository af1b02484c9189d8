/**
 * The NaN/Inf guard's diagnosis. When a step produces a non-finite loss, value, metric or gradient, the
 * trainer stops before applying the update and asks the model to re-run the failed step node by node
 * (`ModelInstance.trace`, with the same batch and the random stream rewound to the step's start, so the same
 * samples are drawn); the first node in topological order holding a NaN or ±Inf is named with its source line.
 */
import { tf } from '../../stdlib/tf.js';
import type { Batch, ModelInstance, StepContext } from '../model-api.js';

/** The first node of a trace whose value is not finite. */
export interface NonFiniteNode {
  readonly node: string;
  readonly line?: number;
  /** Entries that are NaN / ±Inf, of `total`. */
  readonly nan: number;
  readonly inf: number;
  readonly total: number;
}

/** Re-runs the step through `model.trace` and returns the first node with a non-finite entry, if any. */
export function findNonFiniteNode(model: ModelInstance, batch: Batch, ctx: StepContext): NonFiniteNode | undefined {
  let sizes: number[] = [];
  const { names, counts } = tf.tidy(() => {
    const trace = model.trace(batch, ctx);
    sizes = trace.map(([, t]) => t.size);
    const stats = trace.map(([, t]) => {
      const x = tf.cast(t, 'float32');
      return tf.stack([tf.sum(tf.cast(tf.isNaN(x), 'float32')), tf.sum(tf.cast(tf.isInf(x), 'float32'))]);
    });
    return { names: trace.map(([n]) => n), counts: stats.length > 0 ? tf.stack(stats) : tf.zeros([0, 2]) };
  });
  const flat = counts.shape[0] === 0 ? [] : Array.from(counts.dataSync());
  counts.dispose();
  for (let i = 0; i < names.length; i++) {
    const nan = flat[2 * i];
    const inf = flat[2 * i + 1];
    if (nan + inf > 0) {
      const line = model.metadata.nodes.find((n) => n.name === names[i])?.line;
      return { node: names[i], ...(line !== undefined ? { line } : {}), nan, inf, total: sizes[i] };
    }
  }
  return undefined;
}

/** The trainable variables whose gradient has a non-finite entry. */
export function nonFiniteGradients(grads: tf.NamedTensorMap, trainables: ReadonlyArray<[string, tf.Variable]>): string[] {
  return trainables
    .filter(([, v]) => {
      const g = grads[v.name];
      return g !== undefined && tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(g))).dataSync()[0] === 1);
    })
    .map(([name]) => name);
}

/** The sentence naming what went non-finite, e.g. "non-finite value in node 'z' (line 12): 3 NaN of 200 entries". */
export function describeNonFinite(found: NonFiniteNode | undefined, badGradients: readonly string[], badScalars: readonly string[]): string {
  const vars = `variable${badGradients.length > 1 ? 's' : ''} ${badGradients.map((n) => `'${n}'`).join(', ')}`;
  if (found) {
    const kinds = [found.nan > 0 ? `${found.nan} NaN` : '', found.inf > 0 ? `${found.inf} ±Inf` : ''].filter(Boolean).join(' and ');
    const at = found.line !== undefined ? ` (line ${found.line})` : '';
    // A non-finite node that does not reach the reported values can still poison gradients (e.g. through where()).
    const via = badScalars.length === 0 && badGradients.length > 0 ? ` (the values are finite, the gradient for ${vars} is not)` : '';
    return `non-finite value in node '${found.node}'${at}: ${kinds} of ${found.total} entries${via}`;
  }
  if (badGradients.length > 0) return `non-finite gradient for ${vars} (every node value was finite)`;
  return `non-finite ${badScalars.join(', ')} (re-running the step found no non-finite node)`;
}

