// Batches on every backend keep their own values when the next batch is made: on WASM the rows are gathered into
// one reused array (bind.ts), which must be copied into each tensor, never aliased by it.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { applySpeedFixes, currentBackend, initBackend } from '../../runtime/backend/index.js';
import { bindData } from '../../runtime/data/bind.js';
import { makeDataset } from '../../runtime/data/dataset.js';
import { applyBinarize } from '../../runtime/data/transforms.js';

const initial = tf.getBackend();
const data = makeDataset('t', { x: { values: Float32Array.from({ length: 6 * 4 }, (_, i) => i / 24), rowShape: [4] } }, { features: ['x'] });
const rowsOf = (indices: number[]): number[] => indices.flatMap((r) => [0, 1, 2, 3].map((c) => (r * 4 + c) / 24));

describe.each(['cpu', 'wasm'] as const)('batches on %s', (backend) => {
  afterAll(async () => {
    await initBackend(initial as 'cpu' | 'wasm');
    applySpeedFixes(tf.getBackend(), currentBackend()?.native.state === 'installed');
  });

  it('keep their values after later batches of the same size are made', async () => {
    await initBackend(backend);
    const bound = bindData([{ name: 'x', shape: ['B', 4], line: 1 }], data);
    const first = bound.batch(Int32Array.of(5, 0));
    const second = bound.batch(Int32Array.of(2, 3));
    const third = bound.batch(Int32Array.of(1, 4));
    expect(Array.from(first.x.dataSync())).toEqual(Array.from(Float32Array.from(rowsOf([5, 0]))));
    expect(Array.from(second.x.dataSync())).toEqual(Array.from(Float32Array.from(rowsOf([2, 3]))));
    expect(Array.from(third.x.dataSync())).toEqual(Array.from(Float32Array.from(rowsOf([1, 4]))));
    tf.dispose([first.x, second.x, third.x]);
  });

  it('keep their own Bernoulli draws (binarize=dynamic) after later batches', async () => {
    await initBackend(backend);
    const bound = bindData([{ name: 'x', shape: ['B', 4], line: 1 }], applyBinarize(data, { kind: 'dynamic' }));
    const a1 = bound.batch(Int32Array.of(5, 4, 3), { seed: 1, index: 0 });
    const a = Array.from(a1.x.dataSync());
    const b1 = bound.batch(Int32Array.of(5, 4, 3), { seed: 1, index: 1 });
    // The same draw again equals the first; the first tensor was not overwritten by the second draw.
    const a2 = bound.batch(Int32Array.of(5, 4, 3), { seed: 1, index: 0 });
    expect(Array.from(a1.x.dataSync())).toEqual(a);
    expect(Array.from(a2.x.dataSync())).toEqual(a);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    tf.dispose([a1.x, b1.x, a2.x]);
  });
});
