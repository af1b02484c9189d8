/**
 * The backend configurations `npm run bench` measures (bench/run.ts runs each in its own child processes): a tfjs
 * backend with or without sgm's fixes, native kernels and WASM threads, and the rows each one runs.
 */
import os from 'node:os';
import type { BackendName } from '../runtime/backend/index.js';

/** A backend configuration: a tfjs backend with or without sgm's fixes and native kernels. */
export interface BackendConfig {
  readonly id: string;
  readonly backend: BackendName;
  readonly native: boolean;
  /** false: tfjs exactly as shipped (stock kernels and gradients), to show what the fixes buy. */
  readonly fixes: boolean;
  readonly description: string;
  /** Environment of its child processes, on top of the bench's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Only these rows (default: every row). */
  readonly rows?: readonly string[];
  /** Run its processes pinned to CPU 0 with taskset, as JAX's one-core reference is (bench/references.ts). */
  readonly pin?: boolean;
}

export const CONFIGS: readonly BackendConfig[] = [
  { id: 'tensorflow-gpu', backend: 'tensorflow-gpu', native: false, fixes: true, description: '@tensorflow/tfjs-node-gpu (CUDA)' },
  { id: 'tensorflow', backend: 'tensorflow', native: false, fixes: true, description: '@tensorflow/tfjs-node (libtensorflow)' },
  { id: 'wasm+native', backend: 'wasm', native: true, fixes: true, description: 'WASM SIMD + sgm OpenBLAS GEMM/Adam kernels' },
  {
    id: 'wasm+native (1 thread)',
    backend: 'wasm',
    native: true,
    fixes: true,
    description: 'the same with the native kernels on one thread (SGM_THREADS=1), as the one-thread PyTorch comparison of docs/performance.md',
    env: { SGM_THREADS: '1' },
    rows: ['hand-written + fusedAdam', 'compiled igr_vae + fusedAdam'],
  },
  {
    id: 'wasm+native (1 core)',
    backend: 'wasm',
    native: true,
    fixes: true,
    description: 'the same on one thread, pinned to one core with taskset like the one-core JAX reference (V8 gets no second core for its GC and compiler threads either)',
    env: { SGM_THREADS: '1' },
    rows: ['compiled igr_vae + fusedAdam'],
    pin: true,
  },
  // sgm's default without the addon on an idle machine: tfjs' multithreaded SIMD build, XNNPACK on every core (up
  // to 4). The count is set, not left to sgm's idle-core rule, which would see the previous rows' load.
  {
    id: 'wasm',
    backend: 'wasm',
    native: false,
    fixes: true,
    description: 'WASM SIMD on the threaded build, XNNPACK on every core (up to 4), sgm fixes',
    env: { SGM_WASM_THREADS: String(Math.min(os.availableParallelism(), 4)) },
  },
  {
    id: 'wasm (1 thread)',
    backend: 'wasm',
    native: false,
    fixes: true,
    description: 'the same on the single-threaded build (SGM_WASM_THREADS=0), as before change 13',
    env: { SGM_WASM_THREADS: '0' },
    rows: ['hand-written', 'hand-written + fusedAdam', 'compiled igr_vae + fusedAdam'],
  },
  { id: 'wasm (stock)', backend: 'wasm', native: false, fixes: false, description: 'WASM SIMD, tfjs as shipped (one thread in Node)', env: { SGM_WASM_THREADS: '0' } },
  { id: 'cpu+native', backend: 'cpu', native: true, fixes: true, description: 'pure-JS CPU + sgm OpenBLAS kernels' },
  { id: 'cpu', backend: 'cpu', native: false, fixes: true, description: 'pure-JS CPU backend' },
];
