/**
 * The in-memory dataset every loader returns: named float32 columns with the same number of rows. A column is
 * row-major with one row per example; `rowShape` is the shape of one example ([] for a scalar, [784] for an
 * MNIST image). `bind.ts` turns columns into the batches a model's `data` declarations expect.
 */

/** One column: `size` rows of `rowShape` each, float32, row-major. */
export interface Column {
  readonly values: Float32Array;
  /** Shape of one row: [] for a scalar per row. */
  readonly rowShape: readonly number[];
  /**
   * 'bernoulli': the values are probabilities in [0, 1] (grey levels) and every batch holds a fresh 0/1 draw
   * x ~ Bernoulli(value) instead of the values themselves (dynamic binarization, transforms.ts).
   */
  readonly draw?: 'bernoulli';
}

/** A known quantity behind synthetic data (e.g. the true topics of a topic-model corpus). */
export interface TruthArray {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** A dataset: columns by name (in file order), which of them are features, and optional ground truth. */
export interface Dataset {
  /** What the user asked for: a registry name or a file path. */
  readonly name: string;
  /** Number of rows (examples). */
  readonly size: number;
  readonly columns: Readonly<Record<string, Column>>;
  /** Columns a `data` declaration may bind to, in order; labels are columns but not features. */
  readonly features: readonly string[];
  /** Ground truth of synthetic data, for checking what a model recovers. */
  readonly truth?: Readonly<Record<string, TruthArray>>;
}

/**
 * An empty table of columns by name with no prototype, so a column named `__proto__`, `constructor` or
 * `toString` (a CSV header, a JSON key) is an ordinary entry and cannot reach Object.prototype.
 */
export function columnTable(): Record<string, Column> {
  return Object.create(null) as Record<string, Column>;
}

/** The largest finite float32, (2 - 2^-23) * 2^127; every batch tensor is float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why `v` cannot be a data value, or undefined when it can: NaN, ±Infinity, or a finite number whose float32
 * rounding overflows to ±Infinity (beyond ±3.4028235e38), which the model would otherwise receive as Infinity.
 */
export function float32Problem(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN, not a finite number';
  if (!Number.isFinite(v)) return `${v}, not a finite number`;
  if (!Number.isFinite(Math.fround(v))) return `${v}, beyond float32's range (largest ${FLOAT32_MAX.toPrecision(8)}): it would become ${v > 0 ? '' : '-'}Infinity`;
  return undefined;
}

/** Names for a message: all of them when few, else the first ones and how many more (a table may have 100,000 columns). */
export function nameList(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, ... (${names.length - max} more)`;
}

/** Number of float32 values in one row of a column. */
export function rowLength(column: Column): number {
  return column.rowShape.reduce((a, b) => a * b, 1);
}

/**
 * A dataset from columns; checks that every column holds `size` rows (an internal consistency check: loaders
 * report a user's malformed file themselves, in their own words).
 */
export function makeDataset(
  name: string,
  columns: Readonly<Record<string, Column>>,
  options: { features?: readonly string[]; truth?: Readonly<Record<string, TruthArray>> } = {},
): Dataset {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error(`dataset '${name}' has no columns`);
  columns = Object.assign(columnTable(), columns);
  const first = columns[names[0]];
  const size = first.values.length / rowLength(first);
  for (const n of names) {
    const c = columns[n];
    if (c.values.length !== size * rowLength(c)) {
      throw new Error(`dataset '${name}': column '${n}' has ${c.values.length} values, expected ${size} rows of [${c.rowShape.join(', ')}]`);
    }
  }
  const features = options.features ?? names;
  for (const f of features) if (!Object.hasOwn(columns, f)) throw new Error(`dataset '${name}': feature '${f}' is not a column`);
  return { name, size, columns, features, ...(options.truth ? { truth: options.truth } : {}) };
}

/** Rows `indices` of every column, copied into a new dataset (truth is shared, it describes the source). */
export function takeRows(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const columns = columnTable();
  for (const [n, c] of Object.entries(dataset.columns)) {
    columns[n] = { values: gatherRows(c, indices), rowShape: c.rowShape, ...(c.draw ? { draw: c.draw } : {}) };
  }
  return makeDataset(name, columns, { features: dataset.features, ...(dataset.truth ? { truth: dataset.truth } : {}) });
}

/** The rows `indices` of a column, concatenated into `into` when it has the right length, else into a new array. */
export function gatherRows(column: Column, indices: ArrayLike<number>, into?: Float32Array): Float32Array {
  const len = rowLength(column);
  const out = into?.length === indices.length * len ? into : new Float32Array(indices.length * len);
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i] * len;
    out.set(column.values.subarray(start, start + len), i * len);
  }
  return out;
}
