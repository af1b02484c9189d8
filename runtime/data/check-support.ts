/**
 * Observed data against the support of its likelihood, before training: a Bernoulli likelihood on grey levels
 * or a Poisson on real numbers would otherwise give a log-likelihood of -inf (or NaN) at the first step, which
 * the trainer can only report as a non-finite loss. The admitted values come from the signature table
 * (stdlib/signatures/support.ts); the error names the data, the first offending values with their row and
 * column, and the fixes.
 */
import { findDistribution, SUPPORT_VALUES } from '../../stdlib/signatures/index.js';
import { UserError } from '../errors.js';
import type { Column } from './dataset.js';

/**
 * The named data sets that take `binarize=` in registry.ts (kept here rather than imported, so data binding
 * imports nothing that reads files and runs in a page; test/runtime/check-support-names.test.ts keeps the two
 * in step).
 */
export const TAKES_BINARIZE: ReadonlySet<string> = new Set(['mnist', 'fashion-mnist']);

/** How many offending values the message lists. */
const SHOWN = 3;

/**
 * Throws a UserError when a value of `column` (bound to data `name`, declared on `line`) lies outside the
 * support of `distribution`, the likelihood of that data; unknown distributions are not checked. Returns true
 * when the values the model will see are known to be 0 or 1 (a binary support, or Bernoulli draws).
 */
export function checkObservedSupport(name: string, line: number, distribution: string, column: Column, datasetName: string): boolean {
  const sig = findDistribution(distribution);
  if (!sig) return false;
  const support = SUPPORT_VALUES[sig.support];
  // A drawn column (binarize=dynamic) holds probabilities but feeds the model 0/1 draws: those are what must be
  // in the support (the transform checked the probabilities are in [0, 1]).
  if (column.draw === 'bernoulli' && support.contains(0) && support.contains(1)) return true;
  const values = column.values;
  const rowLength = column.rowShape.reduce((a, b) => a * b, 1);
  const bad: number[] = [];
  let count = 0;
  let allCounts = true;
  for (let i = 0; i < values.length; i++) {
    if (support.contains(values[i])) continue;
    if (bad.length < SHOWN) bad.push(i);
    count++;
    if (!(Number.isInteger(values[i]) && values[i] >= 0)) allCounts = false;
  }
  if (count === 0) return sig.support === 'boolean';
  const at = (i: number) => {
    const row = Math.floor(i / rowLength);
    const col = column.rowShape.length === 0 ? '' : `, column ${position(i % rowLength, column.rowShape)}`;
    return `${round(values[i])} (row ${row}${col})`;
  };
  const rest = count - bad.length;
  const more = rest > 0 ? ` and ${rest.toLocaleString('en-US')} more value${rest === 1 ? '' : 's'}` : '';
  const base = datasetName.split('?')[0];
  const binarized =
    sig.support === 'boolean' && TAKES_BINARIZE.has(base)
      ? `--data ${withQuery(datasetName, 'binarize=dynamic')} (a fresh Bernoulli draw of the grey levels every batch), --data ${withQuery(datasetName, 'binarize=fixed')} (thresholded at 0.5 once), or `
      : '';
  const other = allCounts ? 'Poisson or Binomial for counts' : 'Normal for real values';
  throw new UserError(
    `data '${name}' (line ${line}): its likelihood ${sig.name} needs ${support.describe}, but dataset '${datasetName}' has ${bad.map(at).join(', ')}${more}; ` +
      `use ${binarized}a likelihood whose support holds these values (e.g. ${other})`,
  );
}

/** The dataset spec with one more query parameter. */
function withQuery(spec: string, param: string): string {
  return `${spec}${spec.includes('?') ? '&' : '?'}${param}`;
}

/** The index within one row as a column number, or [i, j, ...] for rows of rank > 1. */
function position(offset: number, rowShape: readonly number[]): string {
  if (rowShape.length === 1) return String(offset);
  const idx: number[] = [];
  for (let a = rowShape.length - 1; a >= 0; a--) {
    idx.unshift(offset % rowShape[a]);
    offset = Math.floor(offset / rowShape[a]);
  }
  return `[${idx.join(', ')}]`;
}

/** A float32 value as a short decimal (0.0117647 rather than 0.011764706112444401). */
function round(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}
