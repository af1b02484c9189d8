// Backend selection: the optional TensorFlow packages are detected without crashing when absent, the first
// backend that starts is chosen with the reasons for those passed over, a requested backend that cannot start is
// an error, and describeBackend says all of it.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { BACKEND_ORDER, describeBackend, initBackend, type BackendName } from '../../runtime/backend/index.js';

const testBackend = (process.env.SGM_TEST_BACKEND as BackendName | undefined) ?? 'cpu';

afterAll(async () => {
  await initBackend(testBackend);
});

/** Whether an optional package resolves here (the CI machines cannot install tfjs-node). */
async function installed(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it('prefers tfjs-node-gpu, then tfjs-node, then WASM, then CPU', () => {
    expect(BACKEND_ORDER).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('passes over absent TensorFlow packages with a reason and picks the first backend that starts', async () => {
    const gpu = await installed('@tensorflow/tfjs-node-gpu');
    const node = await installed('@tensorflow/tfjs-node');
    const info = await initBackend();
    if (!gpu && !node) {
      expect(info.name).toBe('wasm');
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
      expect(info.skipped[0].reason).toMatch(/tfjs-node-gpu is not installed/);
      expect(info.reason).toBe('first that started');
    } else {
      expect(['tensorflow-gpu', 'tensorflow']).toContain(info.name);
    }
    const text = describeBackend(info);
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(new RegExp(`^backend: ${info.name}\\b`));
    // Absent optional packages are the normal case: not listed.
    for (const s of info.skipped) if (/not installed/.test(s.reason)) expect(text).not.toContain(s.name);
    if (info.native.state === 'absent') {
      // The advice works outside sgm's repository: no npm script of it.
      expect(text).toMatch(/native kernels not built: for about 4× faster training, (apt-get install libopenblas-dev, then )?npm rebuild sgm$/);
      expect(text).not.toMatch(/npm run/);
    }
    if (info.native.state === 'installed') expect(text).toMatch(/\+ native kernels \((AVX-512 GEMM \+ )?OpenBLAS, \d+ threads?\)/);
    expect(tf.getBackend()).toBe(info.name === 'tensorflow-gpu' ? 'tensorflow' : info.name);
  });

  it('uses a requested backend and says so', async () => {
    const info = await initBackend('cpu', { native: false });
    expect(info).toMatchObject({ name: 'cpu', reason: 'requested', skipped: [] });
    expect(info.native.state).toBe('disabled');
    expect(describeBackend(info)).toBe('backend: cpu (requested); native kernels off (SGM_NATIVE=0 or the option native: false)');
  });

  it('fails with the reason when a requested backend cannot start', async () => {
    if (await installed('@tensorflow/tfjs-node')) return expect(true).toBe(true);
    await expect(initBackend('tensorflow')).rejects.toThrow(/backend tensorflow could not be initialised: @tensorflow\/tfjs-node is not installed/);
  });
});
