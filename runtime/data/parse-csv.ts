/**
 * CSV parser for numeric tables; no file access, so it also runs in a page (csv.ts reads files). Format
 * (docs/runtime.md): comma- or tab-separated; blank lines and lines starting with '#' are skipped; the first line is a header when any of its fields is not a number (otherwise
 * columns are named c0, c1, ...); every other field must be a finite number. Each header becomes a scalar
 * column, except that headers `x[0]`, `x[1]`, ..., `x[k-1]` are grouped into one column `x` with rows of [k].
 */
import { UserError } from '../errors.js';
import { columnTable, float32Problem, makeDataset, type Column, type Dataset } from './dataset.js';

/** Parses CSV text; `source` names the file in messages. */
export function parseCsv(text: string, source: string): Dataset {
  const lines: Array<{ line: number; fields: string[] }> = [];
  const raw = text.split(/\r?\n/);
  let delimiter: string | undefined;
  raw.forEach((l, i) => {
    if (l.trim() === '' || l.trimStart().startsWith('#')) return;
    delimiter ??= l.includes('\t') && !l.includes(',') ? '\t' : ',';
    lines.push({ line: i + 1, fields: l.split(delimiter).map((f) => f.trim()) });
  });
  if (lines.length === 0) throw new UserError(`${source}: the CSV file has no data`);
  const hasHeader = lines[0].fields.some((f) => !isNumber(f));
  const headers = hasHeader ? lines[0].fields.map(unquote) : lines[0].fields.map((_, i) => `c${i}`);
  const body = hasHeader ? lines.slice(1) : lines;
  if (body.length === 0) throw new UserError(`${source}: the CSV file has a header but no rows`);
  checkHeaders(headers, source, lines[0].line);
  const width = headers.length;
  const table = new Float32Array(body.length * width);
  body.forEach(({ line, fields }, r) => {
    if (fields.length !== width) {
      throw new UserError(`${source}:${line}: ${fields.length} fields, expected ${width}${hasHeader ? ' (as in the header)' : ' (as in the first row)'}`);
    }
    fields.forEach((f, c) => {
      const at = `${source}:${line}: column '${shorten(headers[c])}' (row ${r + 1})`;
      if (!isNumber(f)) throw new UserError(`${at} holds '${shorten(f)}', not a number`);
      const v = Number(f);
      const problem = float32Problem(v);
      if (problem !== undefined) throw new UserError(`${at} holds ${problem}`);
      table[r * width + c] = v;
    });
  });
  return makeDataset(source, groupColumns(headers, table, body.length, source));
}

/** Scalar columns by header, with `x[i]` headers grouped into a vector column `x`. */
function groupColumns(headers: string[], table: Float32Array, rows: number, source: string): Record<string, Column> {
  const width = headers.length;
  const groups = new Map<string, { vector: boolean; cols: number[] }>();
  headers.forEach((h, c) => {
    const m = /^(.+)\[(\d+)\]$/.exec(h);
    const name = m ? m[1] : h;
    // x[0], ..., x[k-1] must all be in the header, so an index is below its width: checked before it sizes an array.
    if (m && Number(m[2]) >= width) {
      throw new UserError(`${source}: column '${shorten(h)}' has index ${shorten(m[2])}, but the header has only ${width} columns (${name}[i] are numbered from 0 without gaps)`);
    }
    const group = groups.get(name) ?? { vector: m !== null, cols: [] };
    if (group.vector !== (m !== null)) throw new UserError(`${source}: '${shorten(name)}' is both a column and a group ${shorten(name)}[i]`);
    if (m && group.cols[Number(m[2])] !== undefined) throw new UserError(`${source}: column ${shorten(h)} appears twice in the header`);
    if (m) group.cols[Number(m[2])] = c;
    else group.cols.push(c);
    groups.set(name, group);
  });
  const columns = columnTable();
  for (const [name, { vector, cols }] of groups) {
    if (cols.filter((c) => c !== undefined).length !== cols.length) {
      throw new UserError(`${source}: columns ${shorten(name)}[0], ${shorten(name)}[1], ... must be numbered from 0 without gaps`);
    }
    const values = new Float32Array(rows * cols.length);
    for (let r = 0; r < rows; r++) cols.forEach((c, j) => (values[r * cols.length + j] = table[r * width + c]));
    columns[name] = { values, rowShape: vector ? [cols.length] : [] };
  }
  return columns;
}

function checkHeaders(headers: string[], source: string, line: number): void {
  const seen = new Set<string>();
  for (const h of headers) {
    if (h === '') throw new UserError(`${source}:${line}: empty column name in the header`);
    if (seen.has(h)) throw new UserError(`${source}:${line}: column '${shorten(h)}' appears twice in the header`);
    seen.add(h);
  }
}

/** A field or header as a message shows it: at most 40 characters. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isNumber(field: string): boolean {
  return field !== '' && !Number.isNaN(Number(field));
}

function unquote(field: string): string {
  return /^".*"$/.test(field) ? field.slice(1, -1) : field;
}
