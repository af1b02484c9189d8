import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { bindData, bindModelData } from '../../runtime/data/bind.js';
import { makeDataset, type Dataset } from '../../runtime/data/dataset.js';
import { parseCsv } from '../../runtime/data/csv.js';
import type { DataSpec } from '../../runtime/model-api.js';
import { UserError } from '../../runtime/errors.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';

const spec = (name: string, shape: DataSpec['shape'], line = 3): DataSpec => ({ name, shape, line });
const images: Dataset = makeDataset(
  'mnist',
  { x: { values: Float32Array.from({ length: 5 * 6 }, (_, i) => i), rowShape: [6] }, label: { values: Float32Array.of(0, 1, 2, 3, 4), rowShape: [] } },
  { features: ['x'] },
);

describe('bindData', () => {
  it('binds by name and builds float32 batches of the chosen rows', () => {
    const bound = bindData([spec('x', ['B', 6]), spec('label', ['B'])], images);
    const batch = bound.batch(Int32Array.of(3, 1));
    expect(batch.x.shape).toEqual([2, 6]);
    expect(batch.x.dtype).toBe('float32');
    expect(Array.from(batch.x.dataSync())).toEqual([18, 19, 20, 21, 22, 23, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(batch.label.dataSync())).toEqual([3, 1]);
    tf.dispose(Object.values(batch));
  });

  it('binds a single declaration to the single feature column whatever its name', () => {
    const bound = bindData([spec('pixels', ['N', 6])], images);
    expect(bound.bindings[0].column).toBe('x');
  });

  it('stacks the scalar columns of a table for a single vector declaration', () => {
    const table = parseCsv('a,b,c\n1,2,3\n4,5,6\n', 'table.csv');
    const bound = bindData([spec('x', ['B', 3])], table);
    expect(bound.bindings[0].column).toBe('a+b+c');
    const batch = bound.batch([1]);
    expect(Array.from(batch.x.dataSync())).toEqual([4, 5, 6]);
    tf.dispose(Object.values(batch));
  });

  it('reports a shape mismatch naming the declaration, expected and actual shapes', () => {
    expect(() => bindData([spec('x', ['B', 784], 2)], images)).toThrow(
      "data 'x' (line 2): expected shape [B, 784], dataset 'mnist' has [5, 6]",
    );
    expect(() => bindData([spec('img', ['B', 2, 3], 4)], images)).toThrow(
      "data 'img' (line 4): expected shape [B, 2, 3], dataset 'mnist' (column 'x') has [5, 6]",
    );
    expect(() => bindData([spec('x', [], 2)], images)).toThrow('a data declaration needs a batch axis first, e.g. [B]');
  });

  it('binds named dims consistently across declarations', () => {
    const d = makeDataset('d', { a: { values: new Float32Array(6), rowShape: [3] }, b: { values: new Float32Array(4), rowShape: [2] } });
    expect(bindData([spec('a', ['B', 'D'], 2), spec('b', ['B', 'K'], 3)], d).bindings).toHaveLength(2);
    expect(() => bindData([spec('a', ['B', 'D'], 2), spec('b', ['B', 'D'], 3)], d)).toThrow(
      "data 'b' (line 3): expected shape [B, D], dataset 'd' has [2, 2], but D = 3 in data 'a' (line 2)",
    );
  });

  it('checks a named dim that is a hyperparameter against its value', () => {
    const meta = { data: [spec('x', ['B', 'D'], 2)], hyperparameters: { D: 4 } };
    expect(() => bindModelData(meta, images)).toThrow("data 'x' (line 2): expected shape [B, D], dataset 'mnist' has [5, 6] (D = 4)");
    expect(bindModelData({ ...meta, hyperparameters: { D: 6 } }, images).bindings[0].rowShape).toEqual([6]);
  });

  it('records a batch size fixed by a number and refuses contradictory ones', () => {
    expect(bindData([spec('x', [100, 6])], images).fixedBatchSize).toBe(100);
    expect(bindData([spec('x', ['B', 6])], images).fixedBatchSize).toBeUndefined();
    expect(() => bindData([spec('x', [10, 6], 2), spec('label', [20], 3)], images)).toThrow(
      "data 'label' (line 3) fixes the batch size to 20 but data 'x' (line 2) fixes it to 10",
    );
  });

  it('names the missing column when it cannot guess', () => {
    expect(() => bindData([spec('x', ['B', 6]), spec('y', ['B'], 4)], images)).toThrow(
      "data 'y' (line 4): dataset 'mnist' has no column named 'y' (columns: x, label)",
    );
    const two = makeDataset('two.npy', { a: { values: new Float32Array(4), rowShape: [2] }, b: { values: new Float32Array(4), rowShape: [2] } });
    expect(() => bindData([spec('x', ['B', 2])], two)).toThrow("has no column named 'x' and several it could be (a, b): name one of them 'x'");
  });

  it('fingerprints the bound values', () => {
    const a = bindData([spec('x', ['B', 6])], images).fingerprint();
    const changed = makeDataset('mnist', { x: { values: Float32Array.from({ length: 30 }, (_, i) => (i === 7 ? -1 : i)), rowShape: [6] } });
    expect(bindData([spec('x', ['B', 6])], images).fingerprint()).toBe(a);
    expect(bindData([spec('x', ['B', 6])], changed).fingerprint()).not.toBe(a);
  });
});

describe('observed data against the support of its likelihood (issue 13 item 7)', () => {
  const meta = (distribution: string, shape: DataSpec['shape'] = ['B', 3]) => ({
    data: [spec('x', shape, 2)],
    hyperparameters: {},
    nodes: [{ name: 'x', kind: 'observed' as const, block: 'model' as const, shape, distribution, line: 2 }],
  });
  const grey = makeDataset('mnist', { x: { values: Float32Array.of(0, 1, 1, 0, 0.5, 1, 0.25, 0, 0.75), rowShape: [3] } });
  const binary = makeDataset('mnist-binarized', { x: { values: Float32Array.of(0, 1, 1, 0, 0, 1, 1, 0, 1), rowShape: [3] } });

  it('marks batches of a column checked binary, so Bernoulli\'s log-probability does not scan each batch again', () => {
    const readBack = (distribution: string): boolean => {
      const x = bindModelData(meta(distribution), binary).batch([0, 2]).x;
      let read = false;
      const dataSync = x.dataSync.bind(x);
      x.dataSync = (() => ((read = true), dataSync())) as typeof x.dataSync;
      tf.tidy(() => new Bernoulli({ logits: tf.zeros([2, 3]) }).logProb(x));
      x.dispose();
      return read;
    };
    expect(readBack('Bernoulli')).toBe(false);
    // Under a likelihood whose support is not binary the batch is not vouched for: Bernoulli checks it itself.
    expect(readBack('Normal')).toBe(true);
  });

  it('rejects grey levels under a Bernoulli likelihood, naming data, values, rows, columns and the fixes', () => {
    expect(() => bindModelData(meta('Bernoulli'), grey)).toThrow(UserError);
    expect(() => bindModelData(meta('Bernoulli'), grey)).toThrow(
      "data 'x' (line 2): its likelihood Bernoulli needs 0 or 1, but dataset 'mnist' has 0.5 (row 1, column 1), 0.25 (row 2, column 0), 0.75 (row 2, column 2); " +
        'use --data mnist?binarize=dynamic (a fresh Bernoulli draw of the grey levels every batch), --data mnist?binarize=fixed (thresholded at 0.5 once), or a likelihood whose support holds these values (e.g. Normal for real values)',
    );
  });

  it('accepts binary data under Bernoulli, and any finite data under Normal', () => {
    expect(bindModelData(meta('Bernoulli'), binary).size).toBe(3);
    expect(bindModelData(meta('Normal'), grey).size).toBe(3);
  });

  it('rejects non-integer and negative counts under Poisson and Categorical, and suggests no binarized set', () => {
    const counts = makeDataset('counts.csv', { x: { values: Float32Array.of(3, 0, -1, 2.5), rowShape: [] } });
    expect(() => bindModelData(meta('Poisson', ['B']), counts)).toThrow(/Poisson needs integers >= 0, but dataset 'counts.csv' has -1 \(row 2\), 2.5 \(row 3\); use a likelihood/);
    expect(() => bindModelData(meta('Categorical', ['B']), counts)).toThrow(/Categorical needs category numbers/);
    const ok = makeDataset('counts.csv', { x: { values: Float32Array.of(3, 0, 7, 2), rowShape: [] } });
    expect(bindModelData(meta('Poisson', ['B']), ok).size).toBe(4);
    const many = makeDataset('counts.csv', { x: { values: Float32Array.of(0.5, 1.5, 2.5, 3.5, 4), rowShape: [] } });
    expect(() => bindModelData(meta('Poisson', ['B']), many)).toThrow(/2.5 \(row 2\) and 1 more value; use/);
  });

  it('names the position inside a row of rank 2, and reports NaN', () => {
    const grid = makeDataset('grid', { x: { values: Float32Array.of(0, 1, 1, 0, 1, 0, NaN, 1), rowShape: [2, 2] } });
    expect(() => bindModelData(meta('Bernoulli', ['B', 2, 2]), grid)).toThrow(/has NaN \(row 1, column \[1, 0\]\); use a likelihood/);
  });
});
