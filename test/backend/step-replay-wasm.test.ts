// Step replay (runtime/train/replay) on the WASM backend, without and with the native addon: the replayed steps of
// the compiled reference model give the same bits as the steps through tfjs' tape (test/runtime/step-replay.test.ts
// covers the CPU backend and what keeps a step from being replayed).
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { initBackend } from '../../runtime/backend/index.js';
import { binaryBatch, compiledModule, expectSameRun, run } from '../runtime/fixtures/replay-runs.js';
import { itWithAddon } from './helpers.js';

async function sameBitsOnWasm(native: boolean): Promise<void> {
  await initBackend('wasm', { native });
  const { module } = await compiledModule('models/igr_vae.sgm');
  const [a, b, small] = [binaryBatch(7, 10), binaryBatch(8, 10), binaryBatch(9, 3)];
  const batches = [a, b, a, b, small, a, b].map((x) => ({ x }));
  const replayed = await run(() => module.create({ seed: 2 }), batches, true);
  const reference = await run(() => module.create({ seed: 2 }), batches, false);
  expect(replayed.status).toMatchObject({ state: 'replaying' });
  expectSameRun(replayed, reference);
  expect(replayed.tensors).toEqual(reference.tensors);
  tf.dispose([a, b, small]);
}

describe('step replay on WASM', () => {
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('replays the compiled igr_vae step with the same bits (no addon)', () => sameBitsOnWasm(false));

  itWithAddon('replays the compiled igr_vae step with the same bits (native kernels)', () => sameBitsOnWasm(true));
});
