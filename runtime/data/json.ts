/**
 * JSON loader. Three layouts (docs/runtime.md):
 *  - an object of columns: `{ "x": [[0, 1], [1, 1], ...], "t": [3, 5, ...] }` (first axis = rows);
 *  - an array of records: `[{ "x": [0, 1], "t": 3 }, ...]` (every record has the same keys);
 *  - a bare (nested) array: one column named after the file (`t.json` → `t`).
 * Every leaf must be a finite number and every array rectangular.
 */
import { UserError } from '../errors.js';
import { makeDataset, rowLength, type Column, type Dataset } from './dataset.js';
import { readDataFile, stemOf } from './read-file.js';

/** Loads a JSON data file into a dataset (all columns are features). */
export function loadJson(path: string): Dataset {
  const text = readDataFile(path).toString('utf8');
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
  const columns = Object.create(null) as Record<string, Column>; // keyed by user names: no prototype, so `__proto__` and `constructor` are plain keys
  if (Array.isArray(value) && value.length > 0 && isRecord(value[0])) {
    const keys = Object.keys(value[0]);
    if (keys.length === 0) throw new UserError(`${source}: the first record has no fields`);
    value.forEach((rec, i) => {
      if (!isRecord(rec) || Object.keys(rec).length !== keys.length || keys.some((k) => !(k in rec))) {
        throw new UserError(`${source}: record [${i}] does not have the fields of record [0] (${keys.join(', ')})`);
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
    const desc = Object.entries(columns).map(([k, c]) => `${k}: ${c.values.length / rowLength(c)}`).join(', ');
    throw new UserError(`${source}: columns have different numbers of rows (${desc})`);
  }
  return makeDataset(source, columns);
}

/** A column from a nested array whose first axis is rows. */
function toColumn(value: unknown, where: string): Column {
  if (!Array.isArray(value)) throw new UserError(`${where} is not an array of rows`);
  if (value.length === 0) throw new UserError(`${where} has no rows`);
  const shape = shapeOf(value);
  const out: number[] = [];
  flatten(value, shape, 0, where, [], out);
  return { values: Float32Array.from(out), rowShape: shape.slice(1) };
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(value: unknown, shape: number[], depth: number, where: string, path: number[], out: number[]): void {
  const at = (): string => `${where}${path.map((i) => `[${i}]`).join('')}`;
  if (depth === shape.length) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${at()} is ${JSON.stringify(value)}, not a finite number`);
    out.push(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new UserError(`${at()} is not an array of length ${shape[depth]} (arrays must be rectangular)`);
  }
  value.forEach((item, i) => flatten(item, shape, depth + 1, where, [...path, i], out));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
