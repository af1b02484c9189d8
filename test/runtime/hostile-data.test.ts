// Malformed and hostile data files: each is a one-line user error (or, for names like `__proto__`, simply an
// ordinary column), found before anything is allocated or trained, with messages of bounded length. Values
// are checked against float32's range as the batches will hold them; the reference here is Math.fround.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindData, bindModelData } from '../../runtime/data/bind.js';
import { loadCsv, parseCsv } from '../../runtime/data/csv.js';
import { loadJson, MAX_AXES } from '../../runtime/data/json.js';
import { loadNpy } from '../../runtime/data/npy.js';
import { UserError } from '../../runtime/errors.js';
import { train } from '../../runtime/train/trainer.js';
import { tf } from '../../stdlib/tf.js';
import { sgm } from '../cli/run-cli.js';
import { gaussianScalars } from './fixtures/datasets.js';
import * as gaussianMean from './fixtures/gaussian-mean.js';

const dir = mkdtempSync(join(tmpdir(), 'sgm-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, contents: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, contents);
  return p;
}

/** The UserError `f` throws (failing the test when it throws something else or nothing). */
function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message.split('\n')).toHaveLength(1);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('names that are Object.prototype members', () => {
  it('a CSV header __proto__ is an ordinary column and pollutes nothing', () => {
    const d = parseCsv('__proto__,constructor,t\n1,2,3\n4,5,6\n', 'p.csv');
    expect(Object.keys(d.columns)).toEqual(['__proto__', 'constructor', 't']);
    expect(Array.from(d.columns.__proto__.values)).toEqual([1, 4]);
    expect(Array.from(d.columns['constructor' as string].values)).toEqual([2, 5]);
    expect(({} as Record<string, unknown>).values).toBeUndefined();
    // Bound by name like any other column, into a batch whose key is the name.
    const bound = bindData([{ name: '__proto__', shape: ['B'], line: 1 }, { name: 't', shape: ['B'], line: 2 }], d);
    const batch = bound.batch([1]);
    expect(Array.from(batch.__proto__.dataSync())).toEqual([4]);
    tf.dispose(Object.values(batch));
  });

  it('JSON keys __proto__ (object of columns and records) are ordinary columns', () => {
    const a = loadJson(file('p1.json', '{"__proto__": [1, 2], "t": [3, 4]}'));
    expect(Object.keys(a.columns)).toEqual(['__proto__', 't']);
    const b = loadJson(file('p2.json', '[{"__proto__": 1, "t": 2}, {"__proto__": 3, "t": 4}]'));
    expect(Array.from(b.columns.__proto__.values)).toEqual([1, 3]);
    // A record missing a key that exists on Object.prototype is still missing it.
    expect(userError(() => loadJson(file('p3.json', '[{"toString": 1}, {"t": 2}]'))).message).toContain('record [1] does not have the fields of record [0] (toString)');
  });
});

describe('deep, huge and long inputs', () => {
  it('a 5,000-deep JSON array is refused in one line, without a stack overflow', () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    expect(userError(() => loadJson(file('deep.json', deep))).message).toBe(
      `${join(dir, 'deep.json')}: the array is nested more than ${MAX_AXES} arrays deep (a column has at most ${MAX_AXES} axes)`,
    );
    // Deep below a shallow first row: the leaf that should be a number is described, not printed.
    const m = userError(() => loadJson(file('deep2.json', `{"x": [1, ${deep}]}`))).message;
    expect(m).toContain('"x"[1] is an array, not a number');
    expect(m.length).toBeLessThan(200);
  });

  it('a CSV or JSON file over the size limit is refused before it is read (limit injected: no 512 MB file)', () => {
    const csvText = `t\n${'1\n'.repeat(100)}`;
    const jsonText = JSON.stringify({ t: Array(100).fill(1) });
    const csv = file('big.csv', csvText);
    const json = file('big.json', jsonText);
    expect(userError(() => loadCsv(csv, { maxBytes: 100 })).message).toBe(
      `data file '${csv}' is ${csvText.length} bytes, over the 100 bytes this format can be read in (save large data as .npy)`,
    );
    expect(userError(() => loadJson(json, { maxBytes: 100 })).message).toContain(`data file '${json}' is ${jsonText.length} bytes, over the 100 bytes`);
    expect(loadCsv(csv, { maxBytes: csvText.length }).size).toBe(100);
  });

  it('x[999999999] in a header fails at once, before any array of that size exists', () => {
    const t0 = performance.now();
    const m = userError(() => parseCsv('x[0],x[999999999]\n1,2\n', 'i.csv')).message;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(m).toBe("i.csv: column 'x[999999999]' has index 999999999, but the header has only 2 columns (x[i] are numbered from 0 without gaps)");
  });

  it('a 100,000-column table that does not fit the model gives a short line', () => {
    const n = 100_000;
    const header = Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const row = Array(n).fill('0').join(',');
    const d = parseCsv(`${header}\n${row}\n${row}\n`, 'wide.csv');
    const m = userError(() => bindData([{ name: 'x', shape: ['B', 4], line: 3 }], d)).message;
    expect(m).toContain("(column 'c0+...+c99999 (100000 scalar columns)') has [2, 100000]");
    expect(m.length).toBeLessThan(300);
    const m2 = userError(() => bindData([{ name: 'x', shape: ['B'], line: 1 }, { name: 'y', shape: ['B'], line: 2 }], d)).message;
    expect(m2).toContain('c0, c1, c2, c3, c4, c5, c6, c7, ... (99992 more)');
    expect(m2.length).toBeLessThan(300);
  });

  it('any user-error message is cut to a bounded length', () => {
    const m = new UserError(`x${'y'.repeat(1_000_000)}`).message;
    expect(m.length).toBeLessThan(1100);
    expect(m).toMatch(/\.\.\. \(999001 more characters\)$/);
  });
});

describe('values float32 cannot hold', () => {
  it('the reference: 1e39 overflows float32, 3.4e38 does not', () => {
    expect(Math.fround(1e39)).toBe(Infinity);
    expect(Number.isFinite(Math.fround(3.4e38))).toBe(true);
  });

  it('CSV: reported by column and row before anything trains', () => {
    expect(userError(() => parseCsv('a,b\n1,2\n3,1e39\n', 'o.csv')).message).toBe(
      "o.csv:3: column 'b' (row 2) holds 1e+39, beyond float32's range (largest 3.4028235e+38): it would become Infinity",
    );
    expect(userError(() => parseCsv('a\n-1e39\n', 'o.csv')).message).toContain('it would become -Infinity');
    expect(userError(() => parseCsv('a\nInfinity\n', 'o.csv')).message).toBe("o.csv:2: column 'a' (row 1) holds Infinity, not a finite number");
    expect(Array.from(parseCsv('a\n3.4e38\n', 'o.csv').columns.a.values)).toEqual([Math.fround(3.4e38)]);
  });

  it('JSON: 1e39 overflows float32; 1e400 is said to overflow, not to be null', () => {
    expect(userError(() => loadJson(file('o1.json', '{"x": [[0, 1], [1e39, 2]]}'))).message).toContain('"x"[1][0] is 1e+39, beyond float32\'s range');
    const m = userError(() => loadJson(file('o2.json', '{"x": [1, 1e400]}'))).message;
    expect(m).toContain('"x"[1] is a number beyond float64\'s range (it overflows to Infinity)');
    expect(m).not.toContain('null');
  });

  it('.npy float64: the element is named by its index and row', () => {
    const values = new Float64Array([1, 2, 3, 1e39]);
    const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }`.padEnd(117, ' ') + '\n';
    const bytes = new Uint8Array(10 + header.length + values.byteLength);
    bytes.set([0x93, 78, 85, 77, 80, 89, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, header.length, true);
    for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
    bytes.set(new Uint8Array(values.buffer), 10 + header.length);
    expect(userError(() => loadNpy(file('o.npy', bytes))).message).toContain("element [1, 1] (row 1, counting from 0) is 1e+39, beyond float32's range");
  });
});

describe('a log that cannot be written', () => {
  it.runIf(existsSync('/dev/full'))('--log /dev/full: one line, exit 1 (in-process and through the CLI)', async () => {
    const model = await gaussianMean.create({ seed: 1 });
    try {
      const data = { train: bindModelData(model.metadata, gaussianScalars(40, 0, 1)) };
      await expect(train(model, data, { steps: 2, batchSize: 10, logFile: '/dev/full', progress: false })).rejects.toThrow(
        new UserError("cannot write the training log '/dev/full': no space left on device"),
      );
    } finally {
      model.dispose();
    }
    const r = await sgm(['train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=200', '--steps', '2', '--batch', '50', '--backend', 'cpu', '--log', '/dev/full']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual(["error: cannot write the training log '/dev/full': no space left on device"]);
    expect(r.stderr).not.toContain('internal error');
  }, 60_000);
});
