/**
 * Backend selection (docs/architecture.md section 5): `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` when
 * installed (optional peers, loaded by dynamic import that never crashes when they are absent), else WASM
 * (SIMD, single thread: the multithreaded build fails in Node, docs/architecture.md section 7), else the pure-JS CPU
 * backend. A requested backend is tried alone and is an error when it cannot start. After the backend starts,
 * its speed fixes are installed (speed-fixes.ts), sgm's BatchMatMul gradient (batch-mat-mul-gradient.ts) is
 * registered, and the choice is recorded with the reason for every candidate
 * passed over, for `describeBackend`.
 */
import { createRequire } from 'node:module';
import { tf } from '../../stdlib/tf.js';
import { applySpeedFixes } from './speed-fixes.js';
import { registerBatchMatMulGradient } from './batch-mat-mul-gradient.js';
import type { NativeStatus } from './native-kernels.js';
import { registerWasmMissingKernels } from './wasm-missing-kernels.js';
import { loadNativeAddon, nativeAdvice } from './native-addon.js';
import { formatBackendLine, setTfjsBackend, type BackendInfo, type BackendName } from './backend-report.js';
import { useWasmThreads, wasmThreadsStatus, wasmThreadsWanted, type WasmThreadChoice } from './wasm-threads.js';

export type { BackendInfo, BackendName } from './backend-report.js';

/** The backends in order of preference (in Node; a page has its own, select-backend-browser.ts). */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Options of `initBackend`. */
export interface BackendOptions {
  /** Use the native OpenBLAS kernels when built (default: yes, unless the environment has SGM_NATIVE=0). */
  readonly native?: boolean;
}

let current: BackendInfo | undefined;

/**
 * Imports an optional package by a name TypeScript cannot resolve statically (it is not installed here);
 * resolves to null, or to why it is unavailable, and never throws. Presence is checked by resolution first, so
 * "not installed" is told apart from "installed but failed to load" (e.g. tfjs-node-gpu without CUDA).
 */
async function tryImport(specifier: string): Promise<string | null> {
  try {
    createRequire(import.meta.url).resolve(specifier);
  } catch {
    return `${specifier} is not installed`;
  }
  try {
    await import(specifier);
    return null;
  } catch (e) {
    return `${specifier} failed to load: ${String((e as Error).message ?? e).split('\n')[0]}`;
  }
}

/** Starts one backend; resolves to null on success or the reason it could not start. */
async function start(name: BackendName, wasmThreads: WasmThreadChoice): Promise<string | null> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      // Both packages register a backend named 'tensorflow'; the GPU one links libtensorflow with CUDA.
      const failure = await tryImport(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      if (failure !== null) return failure;
      return (await setTfjsBackend('tensorflow')) ? null : 'the tensorflow backend did not initialise';
    }
    case 'wasm': {
      const failure = await tryImport('@tensorflow/tfjs-backend-wasm');
      if (failure !== null) return failure;
      // The multithreaded build where it helps (wasm-threads.ts); it falls back to one thread by itself.
      await useWasmThreads(wasmThreads.threads, { reason: wasmThreads.reason });
      return (await setTfjsBackend('wasm')) ? null : 'the WASM backend did not initialise';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return (await setTfjsBackend('cpu')) ? null : 'the CPU backend did not initialise';
    case 'webgpu':
    case 'webgl':
      return `${name} runs in a web page only (sgm/runtime's browser entry, select-backend-browser.ts)`;
  }
}

/**
 * Selects and initialises a backend; `preferred` forces one (an error if it cannot start). Safe to call again
 * (e.g. to switch backends in the benchmark); the speed fixes follow the backend.
 */
export async function initBackend(preferred?: BackendName, options: BackendOptions = {}): Promise<BackendInfo> {
  const candidates = preferred ? [preferred] : BACKEND_ORDER;
  const native = options.native ?? process.env.SGM_NATIVE !== '0';
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    // The WASM build is chosen before it starts, so whether the native kernels will run is asked here too.
    const failure = await start(name, wasmThreadsWanted(native && 'addon' in loadNativeAddon()));
    if (failure !== null) {
      if (preferred) throw new Error(`backend ${name} could not be initialised: ${failure}`);
      skipped.push({ name, reason: failure });
      continue;
    }
    registerBatchMatMulGradient();
    // Correctness, not speed: kernels WASM lacks (the gradient of gather), so not part of the removable fixes.
    if (tf.getBackend() === 'wasm') registerWasmMissingKernels();
    const fixes = applySpeedFixes(tf.getBackend(), native);
    current = {
      name,
      reason: preferred ? 'requested' : skipped.length === 0 ? 'first choice' : 'first that started',
      skipped,
      fixes: fixes.applied,
      native: fixes.native,
      ...(name === 'wasm' && wasmThreadsStatus() !== undefined ? { wasmThreads: wasmThreadsStatus() } : {}),
    };
    return current;
  }
  throw new Error(`no backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** The last backend chosen by `initBackend`, or undefined before the first call. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/**
 * One line for the CLI about the chosen backend and, when the native kernels are missing, the fastest thing the
 * user can do next, e.g. "backend: wasm; native kernels not built: for about 4× faster training, apt-get install
 * libopenblas-dev, then npm rebuild sgm". Candidates passed over because their package is not installed (the
 * optional tfjs-node) are normal and not mentioned; one that is installed but failed is.
 */
export function describeBackend(info: BackendInfo | undefined = current): string {
  return formatBackendLine(info, nativeAdvice);
}
