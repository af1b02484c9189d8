/**
 * tfjs-backend-wasm's multithreaded SIMD build in Node (docs/architecture.md section 7; bench/NOTES.md, change 13).
 *
 * tfjs' own `init()` never picks that build in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false there), and
 * forcing it fails: it hands emscripten a Blob URL for the pthread worker script and a Blob for the main script,
 * which Node's worker_threads cannot load. The emscripten code itself has a Node branch, so sgm registers its own
 * factory for the backend name 'wasm' (before `tf.setBackend`, so every tfjs and sgm kernel registered for 'wasm'
 * runs on it) that calls the threaded emscripten factory with real file paths:
 * - the worker script, which the package ships only as a JS string (`wasmWorkerContents`), written once to sgm's
 *   cache folder (stdlib/cache-dir.ts, never inside the package) as a `.cjs` file named by a hash of its text;
 * - the main script: the package's own wasm-out/tfjs-backend-wasm-threaded-simd.js, which each worker evaluates;
 * - the .wasm file next to tfjs' Node bundle.
 * The XNNPACK thread count is fixed when the module starts: tfjs' C++ caps it at emscripten_num_logical_cores() / 2
 * (it assumes two hyperthreads per core), which would be 1 on a 2-core machine, so the instantiateWasm hook answers
 * that import with twice the wanted count; `setThreadsCount` then asks for exactly that count.
 *
 * The heap is then a SharedArrayBuffer: views of it (backend-storage.ts, the copy kernels, the native addon's
 * Float32Arrays) work unchanged, but another WebAssembly module importing this memory must declare it shared.
 *
 * Worker threads never keep the process alive (they are unref'd once running), spare pre-spawned workers are
 * terminated, and any failure while starting (worker script not writable or not loading, abort, no answer within
 * the time limit) falls back to the stock single-threaded SIMD build with the reason, for describeBackend's line.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tf } from '../../stdlib/tf.js';
import { sgmCacheDir } from '../../stdlib/cache-dir.js';
import type { WasmThreads } from './backend-report.js';

export type { WasmThreads } from './backend-report.js';

/** Threads used by default: one per idle core, at most this many (the reference GEMMs have 100 rows). */
export const DEFAULT_MAX_WASM_THREADS = 4;
/** tfjs' emscripten build pre-spawns 8 workers and its C++ caps the pool at 8 threads. */
export const MAX_WASM_THREADS = 8;
/** How long the workers may take to start before sgm falls back to one thread (they take ~0.2 s when idle). */
const START_TIMEOUT_MS = 30_000;

/** How many threads the WASM backend gets, and why when it is one (the stock build). */
export interface WasmThreadChoice {
  readonly threads: number;
  readonly reason?: string;
}

/**
 * The thread count for the WASM backend: SGM_WASM_THREADS=0 is the stock single-threaded build, n ≥ 1 the threaded
 * build on n threads (1 only to measure it). Unset: one thread per idle core (the cores minus the 1-minute load
 * average, rounded), at most DEFAULT_MAX_WASM_THREADS; with one idle core or less, and where the native kernels
 * run, the stock build. The pool's threads are woken for every GEMM, so a core busy with another process delays
 * each of them: on this 2-core machine at load 4-6 two threads made the reference step 1.6x slower (step minimum
 * 63 -> 104 ms), at load ~3 faster (55 -> 41 ms); beside the native kernels' OpenBLAS threads the step's kernel
 * time went from 16.9-18.2 to 26.3-28.4 ms (bench/NOTES.md, change 13). A value that is not a whole number is
 * ignored.
 */
export function wasmThreadsWanted(
  nativeKernels: boolean,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
  load: number = loadavg()[0],
): WasmThreadChoice {
  const raw = env.SGM_WASM_THREADS?.trim();
  if (raw !== undefined && /^\d+$/.test(raw)) {
    const threads = Math.min(Number(raw), MAX_WASM_THREADS);
    return threads === 0 ? { threads, reason: 'SGM_WASM_THREADS=0' } : { threads };
  }
  if (nativeKernels) return { threads: 0, reason: 'the native kernels run the GEMMs' };
  const threads = Math.min(Math.round(cores - load), DEFAULT_MAX_WASM_THREADS);
  return threads >= 2 ? { threads } : { threads: 0, reason: `${cores} core${cores === 1 ? '' : 's'} at load average ${load.toFixed(1)}` };
}

/** The subset of tfjs-backend-wasm's emscripten module sgm touches here. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: NodeWorker[]; unusedWorkers: NodeWorker[]; terminateAllThreads(): void };
  tfjs?: Record<string, (...args: number[]) => number>;
}
/** A worker_threads Worker with the handler property emscripten's Node branch dispatches errors to. */
interface NodeWorker {
  onerror: (e: unknown) => void;
  on(event: 'error', listener: (e: unknown) => void): void;
  unref(): void;
  terminate(): void;
}
type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');
type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** Options of useWasmThreads; the worker script and the time limit are for tests (to provoke the fallback). */
export interface WasmBuildOptions {
  /**
   * Replace a WASM backend already created (its tensors die with it). Without it, a backend that exists is kept
   * whatever its threads: initBackend called again (e.g. with another `native` option) never destroys tensors.
   */
  readonly replace?: boolean;
  /** Why one thread, when `threads` is 0 (describeBackend does not print it; tests and the bench read it). */
  readonly reason?: string;
  readonly workerScript?: string;
  readonly timeoutMs?: number;
}

let registeredThreads: number | undefined;
let offReason = 'SGM_WASM_THREADS=0';
let status: WasmThreads | undefined;
let stockFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/** The state of the last WASM backend sgm's factory created, or undefined before one was created. */
export function wasmThreadsStatus(): WasmThreads | undefined {
  return status;
}

/**
 * Registers the factory of the backend 'wasm' for `threads` threads (0: tfjs' stock factory, single-threaded).
 * Idempotent; once a WASM backend exists it is kept unless `replace` (which disposes it and its tensors).
 * Requires @tensorflow/tfjs-backend-wasm to be importable.
 */
export async function useWasmThreads(threads: number, options: WasmBuildOptions = {}): Promise<void> {
  // A backend that exists is kept, and its status still describes it.
  if (tf.engine().registry['wasm'] !== undefined && options.replace !== true) return;
  offReason = options.reason ?? 'SGM_WASM_THREADS=0';
  if (registeredThreads === threads && options.workerScript === undefined) return;
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as WasmPackage;
  // The package registers its factory when imported; keep it for threads = 0 and for the fallback.
  stockFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  const stock = stockFactory;
  if (stock === undefined) throw new Error('tfjs-backend-wasm registered no backend factory');
  if (threads === 0 && tf.findBackendFactory('wasm') === stock) {
    // tfjs' own factory is still registered (and its backend perhaps created): nothing to replace.
    registeredThreads = 0;
    status = { state: 'off', reason: offReason };
    return;
  }
  if (tf.engine().registryFactory['wasm'] !== undefined) tf.removeBackend('wasm');
  registeredThreads = options.workerScript === undefined ? threads : undefined;
  const off = (): tf.KernelBackend | Promise<tf.KernelBackend> => {
    status = { state: 'off', reason: offReason };
    return stock();
  };
  tf.registerBackend(
    'wasm',
    threads === 0
      ? off
      : async () => {
          try {
            const backend = await startThreaded(pkg, threads, options);
            status = { state: 'on', threads: pkg.getThreadsCount() };
            return backend;
          } catch (e) {
            status = { state: 'failed', reason: messageOf(e) };
            return stock();
          }
        },
    2, // tfjs-backend-wasm's own priority
  );
}

/** Starts the threaded build; rejects (with its workers terminated) on any failure. */
async function startThreaded(pkg: WasmPackage, threads: number, options: WasmBuildOptions): Promise<tf.KernelBackend> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as Factory;
  const workerScript = options.workerScript ?? writeWorkerScript(root);
  const wasmFile = join(root, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
  const module = await new Promise<ThreadedModule>((resolve, reject) => {
    const startupMessages: string[] = [];
    let settled = false;
    // Started: emscripten's own handling applies again (a worker error is then rethrown, as without sgm).
    let started = false;
    let config: Record<string, unknown> & Partial<ThreadedModule> = {};
    const fail = (why: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        config.PThread?.terminateAllThreads();
      } catch {
        // already torn down
      }
      const detail = startupMessages.length > 0 ? ` (${startupMessages.join('; ')})` : '';
      reject(new Error(`${messageOf(why)}${detail}`));
    };
    const timer = setTimeout(() => fail(new Error(`the worker threads did not start within ${(options.timeoutMs ?? START_TIMEOUT_MS) / 1000} s`)), options.timeoutMs ?? START_TIMEOUT_MS);
    timer.unref();
    config = {
      locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? workerScript : path.endsWith('.wasm') ? wasmFile : prefix + path),
      mainScriptUrlOrBlob: mainScript,
      // Emscripten's messages go to stderr once running; while starting they become part of the fallback reason.
      printErr: (text: string) => (started ? process.stderr.write(`${text}\n`) : startupMessages.push(text)),
      onAbort: (what: unknown) => fail(new Error(`aborted: ${String(what)}`)),
      instantiateWasm: (info: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
        // tfjs' C++ takes half the logical cores as its thread limit; answer so that the limit is `threads`.
        const env = { ...info.env, emscripten_num_logical_cores: () => 2 * threads };
        readFile(wasmFile)
          .then((bytes) => WebAssembly.instantiate(bytes, { ...info, env, wasi_snapshot_preview1: env }))
          .then(({ instance, module }) => {
            if (settled) return;
            receive(instance, module);
            // emscripten rethrows a worker's error (an uncaught exception, fatal); while starting, fall back instead.
            for (const w of config.PThread?.unusedWorkers ?? []) {
              const original = w.onerror;
              w.onerror = (e: unknown) => (started ? original(e) : fail(new Error(`a worker thread failed: ${messageOf(e)}`)));
            }
          })
          .catch(fail);
        return {};
      },
    };
    factory(config).then((m) => {
      if (settled) return;
      settled = true;
      started = true;
      clearTimeout(timer);
      resolve(m);
    }, fail);
    // The factory has created its 8 workers synchronously, and their events come on a later turn: a worker whose
    // script fails before emscripten listens (after the .wasm is compiled) would emit 'error' with no listener,
    // which Node turns into an uncaught exception.
    for (const w of config.PThread?.unusedWorkers ?? []) w.on('error', (e: unknown) => fail(new Error(`a worker thread failed: ${messageOf(e)}`)));
  });
  const call = (name: string, ret: string | null, args: string[]) => module.cwrap(name, ret, args);
  // What tfjs' init() sets up on the module (backend_wasm.js).
  module.tfjs = {
    init: call('init', null, []),
    initWithThreadsCount: call('init_with_threads_count', null, ['number']),
    getThreadsCount: call('get_threads_count', 'number', []),
    registerTensor: call('register_tensor', null, ['number', 'number', 'number']),
    disposeData: call('dispose_data', null, ['number']),
    dispose: call('dispose', null, []),
  };
  pkg.setThreadsCount(threads);
  // The constructor creates XNNPACK's pool: threads - 1 pthreads, taken from the pre-spawned workers.
  const backend = new pkg.BackendWasm(module as unknown as ConstructorParameters<WasmPackage['BackendWasm']>[0]);
  // Running pthreads are ref'd by emscripten; a pool waiting for work must not keep `sgm train` from exiting.
  for (const w of module.PThread.runningWorkers) w.unref();
  // The other pre-spawned workers (8 in all, ~8 MB each) would never be used: XNNPACK makes its pool once.
  for (const w of module.PThread.unusedWorkers.splice(0)) w.terminate();
  return backend;
}

/** The first line of an error's message. */
function messageOf(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/**
 * The pthread worker script as a file: sgm's cache folder first, else the system's temporary folder. The name
 * carries a hash of the text, so another tfjs version never reuses a stale copy, and the file is written by rename
 * so that parallel processes never read half a file.
 */
function writeWorkerScript(root: string): string {
  const require = createRequire(import.meta.url);
  const { wasmWorkerContents } = require(join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The string holds `"\n"` escapes that its template literal turned into newlines; restore them (tfjs' init does
  // the same before making its Blob).
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const name = `tfjs-wasm-threaded-simd-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.worker.cjs`;
  const failures: string[] = [];
  for (const dir of [join(sgmCacheDir(), 'wasm'), join(tmpdir(), `sgm-wasm-${process.getuid?.() ?? 'user'}`)]) {
    const path = join(dir, name);
    try {
      if (existsSync(path)) return path;
      mkdirSync(dir, { recursive: true });
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, text);
      renameSync(partial, path);
      return path;
    } catch (e) {
      failures.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`the worker script could not be written (${failures.join('; ')})`);
}
