/**
 * What a backend selection reports, shared by Node's selection (select-backend.ts) and the page's
 * (select-backend-browser.ts), so `sgm train` and the playground print the same line: the backend, why it was
 * chosen, and each candidate passed over with its reason. Imports nothing from Node.
 */
import { tf } from '../../stdlib/tf.js';
import type { NativeStatus } from './native-kernels.js';

/** Backends sgm knows: Node's (tensorflow-gpu, tensorflow, wasm, cpu) and the page's (webgpu, webgl, wasm, cpu). */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The threads the WASM backend runs on in Node (wasm-threads.ts), as describeBackend reports them. */
export type WasmThreads =
  | { readonly state: 'on'; readonly threads: number }
  | { readonly state: 'off'; readonly reason: string }
  | { readonly state: 'failed'; readonly reason: string };

/** What was selected and why. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Why this backend: requested, or the first that started (with what was passed over in `skipped`). */
  readonly reason: string;
  /** Candidates tried before it and why each was passed over. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
  /** Speed fixes installed on it (kernel overrides), or facts about it that matter to the numbers (in a page). */
  readonly fixes: readonly string[];
  /** The optional OpenBLAS kernels' state (`unused` in a page). */
  readonly native: NativeStatus;
  /** On WASM in Node: the threads XNNPACK runs on, or why one (wasm-threads.ts). */
  readonly wasmThreads?: WasmThreads;
}

/**
 * The one-line report (see describeBackend in select-backend.ts). Candidates passed over because their package
 * is not installed (the optional tfjs-node) are normal and not mentioned; one that is installed but failed is.
 * `nativeAdvice` says how to get the native kernels when they are absent (Node only).
 */
export function formatBackendLine(info: BackendInfo | undefined, nativeAdvice?: () => string): string {
  if (info === undefined) return 'backend: not initialised';
  const native = info.native;
  const threads = info.wasmThreads?.state === 'on' ? ` (${info.wasmThreads.threads} thread${info.wasmThreads.threads === 1 ? '' : 's'})` : '';
  // Which GEMM runs: the AVX-512 kernel is the default where the CPU has it (SGM_GEMM=openblas picks OpenBLAS).
  const gemm = native.state === 'installed' && native.gemm === 'avx512' ? 'AVX-512 GEMM + OpenBLAS' : 'OpenBLAS';
  const head = `backend: ${info.name}${threads}${native.state === 'installed' ? ` + native kernels (${gemm}, ${native.threads} thread${native.threads === 1 ? '' : 's'})` : ''}${info.reason === 'requested' ? ' (requested)' : ''}`;
  const notes = info.skipped.filter((s) => !/ is not installed$/.test(s.reason)).map((s) => `${s.name} did not start: ${s.reason}`);
  // The reference VAE trains in 38 s with the native kernels and 2 min 53 s on WASM alone (README, Performance).
  if (native.state === 'absent' && nativeAdvice) notes.push(`native kernels ${native.reason}: for about 4× faster training, ${nativeAdvice()}`);
  if (native.state === 'disabled') notes.push(`native kernels ${native.reason}`);
  if (info.wasmThreads?.state === 'failed') notes.push(`multithreaded WASM did not start, using one thread: ${info.wasmThreads.reason}`);
  return [head, ...notes].join('; ').replace(/\s*\n\s*/g, ' ');
}

/** tf.setBackend + tf.ready; false (never a throw) when the backend cannot start. Shared by the Node and browser selectors. */
export async function setTfjsBackend(tfjsName: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(tfjsName);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}
