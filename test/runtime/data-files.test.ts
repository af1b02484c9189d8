import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCsv, parseCsv } from '../../runtime/data/csv.js';
import { loadJson } from '../../runtime/data/json.js';
import { encodeNpy, loadNpy, parseNpy } from '../../runtime/data/npy.js';
import { UserError } from '../../runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sgm-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, contents: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, contents);
  return p;
}

/** A .npy file by hand: version, dtype descr, shape text and raw little- or big-endian bytes. */
function npyBytes(major: 1 | 2, descr: string, shape: string, data: Uint8Array, fortran = 'False'): Uint8Array {
  const header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + header.length + data.length);
  out.set([0x93, 78, 85, 77, 80, 89, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, pre + header.length);
  return out;
}

describe('CSV', () => {
  it('reads a header, scalar columns and x[i] groups', () => {
    const d = loadCsv(file('t.csv', '# comment\na,x[0],x[1],b\n1,2,3,4\n\n5,6,7,8.5\n'));
    expect(d.size).toBe(2);
    expect(Object.keys(d.columns)).toEqual(['a', 'x', 'b']);
    expect(d.columns.x.rowShape).toEqual([2]);
    expect(Array.from(d.columns.x.values)).toEqual([2, 3, 6, 7]);
    expect(Array.from(d.columns.b.values)).toEqual([4, 8.5]);
  });

  it('names columns c0, c1, ... without a header and reads tabs', () => {
    const d = parseCsv('1\t2\n3\t4\n', 'mem.tsv');
    expect(Object.keys(d.columns)).toEqual(['c0', 'c1']);
    expect(Array.from(d.columns.c1.values)).toEqual([2, 4]);
  });

  it('reports malformed rows with the line number', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).toThrow('f.csv:3: 1 fields, expected 2 (as in the header)');
    expect(() => parseCsv('a,b\n1,oops\n', 'f.csv')).toThrow("f.csv:2: column 'b' (row 1) holds 'oops', not a number");
    expect(() => parseCsv('a,a\n1,2\n', 'f.csv')).toThrow("f.csv:1: column 'a' appears twice in the header");
    expect(() => parseCsv('x[0],x[2]\n1,2\n', 'f.csv')).toThrow('numbered from 0 without gaps');
    expect(() => parseCsv('', 'f.csv')).toThrow('f.csv: the CSV file has no data');
  });

  it('names a missing file in one line', () => {
    const missing = join(dir, 'nope.csv');
    expect(() => loadCsv(missing)).toThrow(new UserError(`cannot read data file '${missing}': no such file or directory`));
  });
});

describe('JSON', () => {
  it('reads an object of columns, an array of records and a bare array', () => {
    const cols = loadJson(file('c.json', JSON.stringify({ x: [[1, 2], [3, 4], [5, 6]], t: [7, 8, 9] })));
    expect(cols.size).toBe(3);
    expect(cols.columns.x.rowShape).toEqual([2]);
    expect(Array.from(cols.columns.t.values)).toEqual([7, 8, 9]);
    const recs = loadJson(file('r.json', JSON.stringify([{ x: [1, 2], t: 3 }, { x: [4, 5], t: 6 }])));
    expect(Array.from(recs.columns.x.values)).toEqual([1, 2, 4, 5]);
    const bare = loadJson(file('counts.json', JSON.stringify([[1, 2, 3], [4, 5, 6]])));
    expect(Object.keys(bare.columns)).toEqual(['counts']);
    expect(bare.columns.counts.rowShape).toEqual([3]);
  });

  it('rejects ragged arrays, non-numbers and unequal columns with where they are', () => {
    expect(() => loadJson(file('a.json', '{"x": [[1, 2], [3]]}'))).toThrow(/"x"\[1\] is not an array of length 2/);
    expect(() => loadJson(file('b.json', '{"x": [1, "a"]}'))).toThrow(/"x"\[1\] is "a", not a number/);
    expect(() => loadJson(file('c2.json', '{"x": [1, 2], "y": [1]}'))).toThrow('columns have different numbers of rows (x: 2, y: 1)');
    expect(() => loadJson(file('d.json', '{"x": '))).toThrow(/not valid JSON/);
  });
});

describe('.npy', () => {
  it('round-trips float32 through encodeNpy and parseNpy', () => {
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    const back = parseNpy(encodeNpy(values, [3, 4]), 'mem.npy');
    expect(back.shape).toEqual([3, 4]);
    expect(Array.from(back.values)).toEqual(Array.from(values));
    // numpy aligns the data to 64 bytes.
    expect((encodeNpy(values, [3, 4]).length - 48) % 64).toBe(0);
  });

  it('reads version 2, float64, int64, uint8, bool and big-endian float32', () => {
    const f8 = new Uint8Array(new Float64Array([1.5, -2.25]).buffer);
    expect(Array.from(parseNpy(npyBytes(2, '<f8', '(2,)', f8), 'a').values)).toEqual([1.5, -2.25]);
    const i8 = new Uint8Array(new BigInt64Array([7n, -3n]).buffer);
    expect(Array.from(parseNpy(npyBytes(1, '<i8', '(2,)', i8), 'b').values)).toEqual([7, -3]);
    expect(Array.from(parseNpy(npyBytes(1, '|u1', '(3,)', Uint8Array.of(0, 200, 255)), 'c').values)).toEqual([0, 200, 255]);
    expect(Array.from(parseNpy(npyBytes(1, '|b1', '(2,)', Uint8Array.of(1, 0)), 'd').values)).toEqual([1, 0]);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 3.5, false);
    new DataView(be.buffer).setFloat32(4, -1, false);
    expect(Array.from(parseNpy(npyBytes(1, '>f4', '(1, 2)', be), 'e').values)).toEqual([3.5, -1]);
  });

  it('loads a file as a column named after it, axis 0 as rows', () => {
    const d = loadNpy(file('pixels.npy', encodeNpy(new Float32Array(6), [2, 3])));
    expect(d.size).toBe(2);
    expect(d.columns.pixels.rowShape).toEqual([3]);
  });

  it('refuses Fortran order, unknown dtypes, truncation and non-npy bytes', () => {
    const four = new Uint8Array(16);
    expect(() => parseNpy(npyBytes(1, '<f4', '(2, 2)', four, 'True'), 'f.npy')).toThrow('Fortran-ordered arrays are not supported');
    expect(() => parseNpy(npyBytes(1, '<c8', '(2,)', four), 'f.npy')).toThrow("dtype '<c8' is not supported");
    expect(() => parseNpy(npyBytes(1, '<f4', '(5,)', four), 'f.npy')).toThrow('the data is truncated');
    expect(() => parseNpy(new TextEncoder().encode('hello world'), 'f.npy')).toThrow('f.npy: not a readable .npy file: missing the \\x93NUMPY magic string');
  });
});
