/**
 * CSV loader for numeric tables. Format (docs/runtime.md): comma- or tab-separated; blank lines and lines
 * starting with '#' are skipped; the first line is a header when any of its fields is not a number (otherwise
 * columns are named c0, c1, ...); every other field must be a finite number. Each header becomes a scalar
 * column, except that headers `x[0]`, `x[1]`, ..., `x[k-1]` are grouped into one column `x` with rows of [k].
 */
import type { Dataset } from './dataset.js';
import { parseCsv } from './parse-csv.js';
import { readTextDataFile, type ReadOptions } from './read-file.js';

export { parseCsv };

/** Loads a CSV file into a dataset (all columns are features, in file order). */
export function loadCsv(path: string, options: ReadOptions = {}): Dataset {
  return parseCsv(readTextDataFile(path, options), path);
}
