/**
 * Binding a dataset's columns to a model's `data` declarations, and building minibatches from it.
 *
 * Rules (docs/runtime.md, "Binding data"):
 *  1. a declaration binds the column of the same name (any column, features or labels);
 *  2. a single declaration left over binds the single feature column left over, or, when several scalar
 *     feature columns are left (a CSV table), all of them stacked in file order as rows of [F];
 *  3. anything else is a one-line UserError naming the declaration and the columns there are.
 * Values: the data of an observed variable must lie in the support of its likelihood (check-support.ts).
 * Shapes: the first axis of a declaration is the batch axis (a named dim such as B is free; a number fixes the
 * batch size); every later dim must equal the column's row shape. A named dim that is a hyperparameter of the
 * model (e.g. D = 784) must equal its value; any other named dim is free but takes the same value in every
 * declaration. Every batch tensor is float32 (counts included), as the generated code expects.
 */
import { Sha256 } from './sha256.js';
import { tf } from '../../stdlib/tf.js';
import type { Batch, DataSpec, Dim, ModelMetadata } from '../model-api.js';
import { UserError } from '../errors.js';
import { checkObservedSupport } from './check-support.js';
import { markBinaryValues } from '../../stdlib/distributions/bernoulli.js';
import { gatherRows, nameList, type Column, type Dataset } from './dataset.js';
import { drawBernoulli, type DrawKey } from './transforms.js';

/** One declaration and the column that feeds it. */
export interface BoundDeclaration {
  readonly spec: DataSpec;
  /** The column's name, or the feature names joined by '+' when scalar features were stacked (`a+...+z (N scalar columns)` for many). */
  readonly column: string;
  readonly rowShape: readonly number[];
}

/** A dataset bound to a model's declarations: it makes the batches the model's objective takes. */
export interface BoundData {
  readonly datasetName: string;
  /** Number of rows. */
  readonly size: number;
  readonly bindings: readonly BoundDeclaration[];
  /** The batch size a declaration fixes with a number as its first dim; undefined when the batch axis is named. */
  readonly fixedBatchSize?: number;
  /**
   * The rows `indices` as one float32 tensor per declaration (the caller disposes them). A column with a
   * per-batch draw (`binarize=dynamic`) is drawn from the stream `draw` keys (default seed 0, index 0): the
   * trainer passes the run's seed and the step.
   */
  batch(indices: ArrayLike<number>, draw?: DrawKey): Batch;

  /** A SHA-256 of the bound columns (names, shapes, values): checkpoints use it to refuse resuming on other data. */
  fingerprint(): string;
}

/**
 * Binds `dataset` to the declarations `specs` (with the model's hyperparameters, which give named dims their
 * values); a mismatch is a one-line UserError naming the declaration.
 */
export function bindData(
  specs: readonly DataSpec[],
  dataset: Dataset,
  hyperparameters: Readonly<Record<string, number>> = {},
  likelihoods: ReadonlyMap<string, string> = new Map(),
): BoundData {
  // A model without data trains on the feature-less dataset 'none' (empty batches); real data would be ignored.
  if (specs.length === 0 && dataset.features.length > 0) {
    throw new UserError(`the model declares no data, so dataset '${dataset.name}' cannot be bound to it (omit --data, or use --data none)`);
  }
  const columns = new Map<string, Column>(Object.entries(dataset.columns));
  const chosen = new Map<string, { column: string; data: Column }>();
  for (const spec of specs) {
    const c = columns.get(spec.name);
    if (c) chosen.set(spec.name, { column: spec.name, data: c });
  }
  const unbound = specs.filter((s) => !chosen.has(s.name));
  if (unbound.length === 1) {
    const used = new Set([...chosen.values()].map((c) => c.column));
    const left = dataset.features.filter((f) => !used.has(f));
    const spec = unbound[0];
    if (left.length === 1) chosen.set(spec.name, { column: left[0], data: dataset.columns[left[0]] });
    else if (left.length > 1 && left.every((f) => dataset.columns[f].rowShape.length === 0)) {
      const label = left.length <= 8 ? left.join('+') : `${left[0]}+...+${left.at(-1)!} (${left.length} scalar columns)`;
      chosen.set(spec.name, { column: label, data: stackScalars(left.map((f) => dataset.columns[f])) });
    } else {
      throw new UserError(
        `${where(spec)}: dataset '${dataset.name}' has no column named '${spec.name}'` +
          (left.length > 1 ? ` and several it could be (${nameList(left)}): name one of them '${spec.name}'` : ` (columns: ${nameList([...columns.keys()])})`),
      );
    }
  } else if (unbound.length > 1) {
    throw new UserError(
      `${where(unbound[0])}: dataset '${dataset.name}' has no column named '${unbound[0].name}' (columns: ${nameList([...columns.keys()])}; ` +
        `with several data declarations every one must match a column by name)`,
    );
  }
  const bindings: BoundDeclaration[] = [];
  const named = new Map<string, { value: number; spec: DataSpec }>();
  let fixed: { value: number; spec: DataSpec } | undefined;
  for (const spec of specs) {
    const { column, data } = chosen.get(spec.name)!;
    checkShape(spec, data, column, dataset, named, hyperparameters);
    const first = spec.shape[0];
    if (typeof first === 'number') {
      if (fixed && fixed.value !== first) {
        throw new UserError(`${where(spec)} fixes the batch size to ${first} but ${where(fixed.spec)} fixes it to ${fixed.value}`);
      }
      fixed = { value: first, spec };
    }
    bindings.push({ spec, column, rowShape: data.rowShape });
  }
  // Observed data outside its likelihood's support would make the first loss -inf: say so now.
  const binary = specs.map((spec) => {
    const distribution = likelihoods.get(spec.name);
    return distribution !== undefined && checkObservedSupport(spec.name, spec.line, distribution, chosen.get(spec.name)!.data, dataset.name);
  });
  const sources = specs.map((s) => chosen.get(s.name)!.data);
  // On WASM, tf.tensor copies the values into the heap at once, so each declaration's rows are gathered into one
  // reused array: no fresh array per step (~300 KB for an MNIST batch of 100), whose external memory drives V8's
  // full GCs (bench/NOTES.md change 10). The CPU and WebGL backends keep the array they are given: a new one there.
  const scratch: Array<Float32Array | undefined> = specs.map(() => undefined);
  return {
    datasetName: dataset.name,
    size: dataset.size,
    bindings,
    ...(fixed ? { fixedBatchSize: fixed.value } : {}),
    batch(indices, draw = { seed: 0, index: 0 }) {
      // Keyed by data names, which are user text: no prototype, so `__proto__` or `constructor` is a plain key.
      const batch = Object.create(null) as Record<string, tf.Tensor>;
      specs.forEach((s, i) => {
        const reuse = tf.getBackend() === 'wasm';
        const rows = gatherRows(sources[i], indices, reuse ? scratch[i] : undefined);
        if (reuse) scratch[i] = rows;
        if (sources[i].draw === 'bernoulli') drawBernoulli(rows, draw, `binarize:${s.name}`);
        batch[s.name] = tf.tensor(rows, [indices.length, ...sources[i].rowShape], 'float32');
        // Checked once for the whole column above: the likelihood need not scan each batch again.
        if (binary[i]) markBinaryValues(batch[s.name]);
      });
      return batch;
    },
    fingerprint() {
      const h = new Sha256();
      specs.forEach((s, i) => {
        // A drawn column is other data than its probabilities: the transform is part of the fingerprint.
        h.update(`${s.name}:${sources[i].rowShape.join('x')}:${dataset.size}${sources[i].draw ? `:${sources[i].draw}` : ''};`);
        const v = sources[i].values;
        h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      });
      return h.digest();
    },
  };
}

/** Formats a shape like `[B, 784]`. */
export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

function where(spec: DataSpec): string {
  return `data '${spec.name}' (line ${spec.line})`;
}

function checkShape(
  spec: DataSpec,
  data: Column,
  column: string,
  dataset: Dataset,
  named: Map<string, { value: number; spec: DataSpec }>,
  hyperparameters: Readonly<Record<string, number>>,
): void {
  const actual = formatShape([dataset.size, ...data.rowShape]);
  const mismatch = (why: string): never => {
    const from = column === spec.name ? '' : ` (column '${column}')`;
    throw new UserError(`${where(spec)}: expected shape ${formatShape(spec.shape)}, dataset '${dataset.name}'${from} has ${actual}${why}`);
  };
  if (spec.shape.length === 0) mismatch(': a data declaration needs a batch axis first, e.g. [B]');
  if (spec.shape.length !== data.rowShape.length + 1) mismatch('');
  spec.shape.slice(1).forEach((d, i) => {
    const n = data.rowShape[i];
    if (typeof d === 'number') {
      if (d !== n) mismatch('');
      return;
    }
    if (Object.hasOwn(hyperparameters, d)) {
      if (hyperparameters[d] !== n) mismatch(` (${d} = ${hyperparameters[d]})`);
      return;
    }
    const prev = named.get(d);
    if (prev && prev.value !== n) mismatch(`, but ${d} = ${prev.value} in ${where(prev.spec)}`);
    named.set(d, { value: n, spec });
  });
}

/** Scalar columns side by side as one column with rows of [F]. */
function stackScalars(cols: Column[]): Column {
  const n = cols[0].values.length;
  const f = cols.length;
  const values = new Float32Array(n * f);
  cols.forEach((c, j) => {
    for (let r = 0; r < n; r++) values[r * f + j] = c.values[r];
  });
  return { values, rowShape: [f] };
}


/** Binds `dataset` to a model's `data` declarations, with its hyperparameters giving named dims their values. */
export function bindModelData(
  metadata: Pick<ModelMetadata, 'data' | 'hyperparameters'> & Partial<Pick<ModelMetadata, 'nodes'>>,
  dataset: Dataset,
): BoundData {
  // The likelihood of each observed data variable, whose support the data must lie in.
  const likelihoods = new Map<string, string>();
  for (const n of metadata.nodes ?? []) if (n.kind === 'observed' && n.distribution) likelihoods.set(n.name, n.distribution);
  return bindData(metadata.data, dataset, metadata.hyperparameters, likelihoods);
}
