/**
 * JSON loader. Three layouts (docs/runtime.md):
 *  - an object of columns: `{ "x": [[0, 1], [1, 1], ...], "t": [3, 5, ...] }` (first axis = rows);
 *  - an array of records: `[{ "x": [0, 1], "t": 3 }, ...]` (every record has the same keys);
 *  - a bare (nested) array: one column named after the file (`t.json` → `t`).
 * Every leaf must be a number that fits float32 and every array rectangular, with at most MAX_AXES axes.
 */
import { UserError } from '../errors.js';
import { columnTable, float32Problem, makeDataset, nameList, rowLength, type Column, type Dataset } from './dataset.js';
import { readTextDataFile, stemOf, type ReadOptions } from './read-file.js';

/**
 * Most axes a column may have (rows included). Data has a handful; the bound keeps the recursion over a
 * hostile 5,000-deep array shallow, so it ends in this message instead of a stack overflow.
 */
export const MAX_AXES = 32;

/** Loads a JSON data file into a dataset (all columns are features). */
export function loadJson(path: string, options: ReadOptions = {}): Dataset {
  const text = readTextDataFile(path, options);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return jsonToDataset(value, path, stemOf(path));
}

/** A dataset from a parsed JSON value in one of the three layouts; `source` names the file in messages. */
export function jsonToDataset(value: unknown, source: string, bareName: string): Dataset {
  const columns = columnTable();
  if (Array.isArray(value) && value.length > 0 && isRecord(value[0])) {
    const keys = Object.keys(value[0]);
    if (keys.length === 0) throw new UserError(`${source}: the first record has no fields`);
    value.forEach((rec, i) => {
      if (!isRecord(rec) || Object.keys(rec).length !== keys.length || keys.some((k) => !Object.hasOwn(rec, k))) {
        throw new UserError(`${source}: record [${i}] does not have the fields of record [0] (${nameList(keys)})`);
      }
    });
    for (const k of keys) columns[k] = toColumn(value.map((rec) => (rec as Record<string, unknown>)[k]), `${source}: [*].${k}`);
  } else if (Array.isArray(value)) {
    columns[bareName] = toColumn(value, `${source}: the array`);
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) columns[k] = toColumn(v, `${source}: "${k}"`);
    if (Object.keys(columns).length === 0) throw new UserError(`${source}: the object has no columns`);
  } else {
    throw new UserError(`${source}: expected an object of columns, an array of records, or an array of numbers`);
  }
  const sizes = new Set(Object.entries(columns).map(([, c]) => c.values.length / rowLength(c)));
  if (sizes.size > 1) {
    const desc = nameList(Object.entries(columns).map(([k, c]) => `${k}: ${c.values.length / rowLength(c)}`));
    throw new UserError(`${source}: columns have different numbers of rows (${desc})`);
  }
  return makeDataset(source, columns);
}

/** A column from a nested array whose first axis is rows. */
function toColumn(value: unknown, where: string): Column {
  if (!Array.isArray(value)) throw new UserError(`${where} is not an array of rows`);
  if (value.length === 0) throw new UserError(`${where} has no rows`);
  const shape = shapeOf(value, where);
  const out: number[] = [];
  flatten(value, shape, 0, where, [], out);
  return { values: Float32Array.from(out), rowShape: shape.slice(1) };
}

function shapeOf(value: unknown, where: string): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    if (shape.length === MAX_AXES) throw new UserError(`${where} is nested more than ${MAX_AXES} arrays deep (a column has at most ${MAX_AXES} axes)`);
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(value: unknown, shape: number[], depth: number, where: string, path: number[], out: number[]): void {
  const at = (): string => `${where}${path.map((i) => `[${i}]`).join('')}`;
  if (depth === shape.length) {
    if (typeof value !== 'number') throw new UserError(`${at()} is ${describe(value)}, not a number`);
    // JSON has no Infinity or NaN: a non-finite number is a literal beyond float64's range (1e400).
    if (!Number.isFinite(value)) throw new UserError(`${at()} is a number beyond float64's range (it overflows to ${value}); float32 data must lie within ±3.4e38`);
    const problem = float32Problem(value);
    if (problem !== undefined) throw new UserError(`${at()} is ${problem}`);
    out.push(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new UserError(`${at()} is not an array of length ${shape[depth]} (arrays must be rectangular)`);
  }
  value.forEach((item, i) => flatten(item, shape, depth + 1, where, [...path, i], out));
}

/** A JSON value in a message, short whatever its size or depth. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isRecord(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
