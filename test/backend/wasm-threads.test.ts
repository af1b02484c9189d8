// tfjs-backend-wasm's multithreaded build in Node (runtime/backend/wasm-threads.ts): the thread-count rule, a GEMM
// on two threads against float64 code written here, a training step of the reference VAE on two threads against
// the stock single-threaded build (same seeds), the fallback to one thread when the workers cannot start, and a
// process that exits by itself after training on two threads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { describeBackend, fusedAdam, initBackend } from '../../runtime/backend/index.js';
import { MAX_WASM_THREADS, useWasmThreads, wasmThreadsStatus, wasmThreadsWanted } from '../../runtime/backend/wasm-threads.js';
import type { WasmBackendInternals } from '../../runtime/backend/backend-storage.js';
import { formatBackendLine, type BackendInfo } from '../../runtime/backend/backend-report.js';
import { createReferenceVae, randomBinaryBatch } from '../../bench/reference-vae.js';
import { RandomStream } from '../../stdlib/random.js';

const CHILD = fileURLToPath(new URL('./fixtures/wasm-threads-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sgm-wasm-threads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The WASM backend with `threads` threads (0: the stock build), without the native kernels. */
async function wasmWith(threads: number): Promise<void> {
  // A WASM backend that exists is kept by initBackend; replacing it is explicit.
  await useWasmThreads(threads, { replace: true });
  process.env.SGM_WASM_THREADS = String(threads);
  try {
    await initBackend('wasm', { native: false });
  } finally {
    delete process.env.SGM_WASM_THREADS;
  }
}

/** Runs `steps` Adam steps of the full-size reference VAE from fixed seeds; the losses and every final weight. */
function trainReference(steps: number): { losses: number[]; weights: Float32Array[] } {
  const x = randomBinaryBatch(11);
  const optimizer = fusedAdam(1e-3);
  // runtime/nn's layers: sgm's _FusedMatMul/BatchMatMul overrides (explicit transposes) and copy kernels run too.
  const vae = createReferenceVae(12, { layers: 'sgm-nn', optimizer });
  const losses = Array.from({ length: steps }, () => vae.step(x));
  const weights = vae.variables.map((v) => v.dataSync().slice() as Float32Array);
  vae.dispose();
  optimizer.dispose();
  x.dispose();
  return { losses, weights };
}

describe('WASM thread count (SGM_WASM_THREADS, idle cores)', () => {
  it('is one per idle core up to 4 by default; the stock build with one idle core or beside the native kernels', () => {
    expect(wasmThreadsWanted(false, {}, 2, 0.2)).toEqual({ threads: 2 });
    expect(wasmThreadsWanted(false, {}, 64, 1)).toEqual({ threads: 4 });
    expect(wasmThreadsWanted(false, {}, 4, 1.4)).toEqual({ threads: 3 });
    expect(wasmThreadsWanted(false, {}, 2, 0.6)).toEqual({ threads: 0, reason: '2 cores at load average 0.6' });
    expect(wasmThreadsWanted(false, {}, 1, 0)).toEqual({ threads: 0, reason: '1 core at load average 0.0' });
    expect(wasmThreadsWanted(true, {}, 8, 0)).toEqual({ threads: 0, reason: 'the native kernels run the GEMMs' });
  });
  it('takes SGM_WASM_THREADS (0 = stock build), capped at the 8 workers tfjs pre-spawns; ignores junk', () => {
    expect(wasmThreadsWanted(false, { SGM_WASM_THREADS: '0' }, 8, 0)).toEqual({ threads: 0, reason: 'SGM_WASM_THREADS=0' });
    expect(wasmThreadsWanted(true, { SGM_WASM_THREADS: '3' }, 2, 9)).toEqual({ threads: 3 });
    expect(wasmThreadsWanted(false, { SGM_WASM_THREADS: '99' }, 2, 0)).toEqual({ threads: MAX_WASM_THREADS });
    expect(wasmThreadsWanted(false, { SGM_WASM_THREADS: 'two' }, 2, 0)).toEqual({ threads: 2 });
  });
});

describe('backend line', () => {
  const info: BackendInfo = { name: 'wasm', reason: 'first choice', skipped: [], fixes: [], native: { state: 'disabled', reason: 'off' } };
  it('names the threads, or in one clause why the threaded build did not start', () => {
    expect(formatBackendLine({ ...info, wasmThreads: { state: 'on', threads: 2 } })).toBe('backend: wasm (2 threads); native kernels off');
    expect(formatBackendLine({ ...info, wasmThreads: { state: 'off', reason: 'one core' } })).toBe('backend: wasm; native kernels off');
    expect(formatBackendLine({ ...info, wasmThreads: { state: 'failed', reason: 'a worker thread failed: boom' } })).toBe(
      'backend: wasm; native kernels off; multithreaded WASM did not start, using one thread: a worker thread failed: boom',
    );
  });
});

describe('threaded WASM backend', () => {
  it('runs XNNPACK on two threads over a shared heap; a GEMM matches float64 code', async () => {
    await wasmWith(2);
    expect(wasmThreadsStatus()).toEqual({ state: 'on', threads: 2 });
    expect(describeBackend()).toMatch(/^backend: wasm \(2 threads\) \(requested\)/);
    const backend = tf.backend() as unknown as WasmBackendInternals;
    expect(backend.wasm.HEAPF32.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The reference model's first layer: [100, 784] × [784, 512], split over both threads.
    const [m, k, n] = [100, 784, 512];
    const rng = new RandomStream(3);
    const a = rng.normal([m, k]);
    const b = rng.normal([k, n]);
    const got = tf.matMul(a, b).dataSync();
    const av = a.dataSync();
    const bv = b.dataSync();
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0; // float64 accumulation of the float32 inputs
        for (let t = 0; t < k; t++) s += av[i * k + t] * bv[t * n + j];
        // float32 GEMM error grows like sqrt(k)·eps·|terms|; sqrt(784)·1.2e-7·28 ≈ 1e-4 (|terms| ~ sqrt(k)).
        worst = Math.max(worst, Math.abs(got[i * n + j] - s) / Math.sqrt(k));
      }
    }
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([a, b]);
  });

  it('is kept by initBackend once created, whatever the threads asked for (its tensors live on)', async () => {
    await wasmWith(2);
    const t = tf.tensor([1, 2, 3]);
    process.env.SGM_WASM_THREADS = '0';
    try {
      await initBackend('wasm');
    } finally {
      delete process.env.SGM_WASM_THREADS;
    }
    expect(wasmThreadsStatus()).toEqual({ state: 'on', threads: 2 });
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    t.dispose();
  });

  it('trains the reference VAE to the same numbers as the single-threaded build (3 steps, same seeds)', async () => {
    await wasmWith(0);
    expect(wasmThreadsStatus()?.state).toBe('off');
    expect(describeBackend()).toMatch(/^backend: wasm \(requested\)/);
    const one = trainReference(3);
    await wasmWith(2);
    expect(wasmThreadsStatus()).toEqual({ state: 'on', threads: 2 });
    const two = trainReference(3);
    // XNNPACK splits the GEMMs by output tiles, so each value is the same sum in the same order: equal up to
    // float32 rounding at most (measured: bit-for-bit).
    for (let s = 0; s < 3; s++) expect(Math.abs(two.losses[s] - one.losses[s])).toBeLessThanOrEqual(1e-6 * Math.abs(one.losses[s]));
    let worst = 0;
    one.weights.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(two.weights[i][j] - v)))));
    expect(worst).toBeLessThanOrEqual(1e-6);
    // And the losses are those of training: finite and decreasing on one repeated batch.
    expect(one.losses.every(Number.isFinite) && one.losses[2] < one.losses[0]).toBe(true);
  });
});

/** Runs the child fixture; its exit code, output and wall time. */
function child(env: Record<string, string>, args: string[] = []): { status: number | null; signal: string | null; out: string; ms: number } {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    env: { ...process.env, SGM_NATIVE: '0', ...env },
    encoding: 'utf8',
    timeout: 120_000, // a process kept alive by its workers would hang here
  });
  return { status: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}`, ms: Date.now() - t };
}

describe('threaded WASM process', () => {
  it('exits by itself after training on two threads', () => {
    const r = child({ SGM_WASM_THREADS: '2' });
    expect(r.out).toMatch(/^backend: wasm \(2 threads\)/m);
    expect(r.out).toMatch(/^losses \d/m);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
  });

  it('falls back to the single-threaded build with one line when a worker fails to start', () => {
    const bad = join(scratch, 'bad-worker.cjs');
    writeFileSync(bad, "throw new Error('provoked worker failure');\n");
    const r = child({ SGM_WASM_THREADS: '2' }, [bad]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(r.out).toMatch(/^status \{"state":"failed","reason":"a worker thread failed: provoked worker failure.*\}$/m);
    expect(r.out).toMatch(/^losses \d/m);
    expect(r.out).not.toMatch(/worker sent an error|Error: provoked|at /);
  });

  it('falls back when the workers do not answer within the time limit', () => {
    const silent = join(scratch, 'silent-worker.cjs');
    writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
    const r = child({ SGM_WASM_THREADS: '2' }, [silent]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(r.out).toMatch(/^status \{"state":"failed","reason":"the worker threads did not start within 5 s"\}$/m);
    expect(r.out).toMatch(/^losses \d/m);
  });
});
