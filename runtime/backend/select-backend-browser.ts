/**
 * Backend selection in a web page: WebGPU when the browser offers it, else WebGL, else WASM, else the pure-JS CPU
 * backend, with the same report as Node's selection (backend-report.ts: the backend, why, and every candidate
 * passed over with its reason). A requested backend is tried alone and is an error when it cannot start.
 *
 * Precision (docs/runtime.md, "In a web page"): sgm's numerics are float32 and in log space where values
 * underflow; a GPU backend that stores tensors as 16-bit floats (WebGL without renderable float32 textures,
 * common on phones) would round log-densities of hundreds of nats to steps of 0.25 and overflow exp() beyond
 * 65504. So WebGL is used only when it renders float32 (`WEBGL_RENDER_FLOAT32_ENABLED`), and otherwise passed
 * over with that reason. The page's facts that matter to the numbers (the float precision, the GPU renderer
 * when the page can see it) are listed in `fixes`.
 */
import { tf } from '../../stdlib/tf.js';
import { registerBatchMatMulGradient } from './batch-mat-mul-gradient.js';
import { formatBackendLine, setTfjsBackend, type BackendInfo, type BackendName } from './backend-report.js';
import { registerWasmMissingKernels } from './wasm-missing-kernels.js';

/** The page's backends in order of preference. */
export const BROWSER_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Options of `initBrowserBackend`. */
export interface BrowserBackendOptions {
  /**
   * Where the WASM backend's .wasm files are served (a folder URL ending in '/'); without it the WASM backend
   * looks next to the page's script. The playground serves them beside its bundle.
   */
  readonly wasmPaths?: string;
}

/** Minimal WebGPU types (lib.dom of TypeScript 5.9 has none). */
interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

let current: BackendInfo | undefined;

/** Starts one backend; resolves to null on success or the reason it could not start. */
async function start(name: BackendName, options: BrowserBackendOptions): Promise<string | null> {
  switch (name) {
    case 'webgpu': {
      const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
      if (!gpu) return 'this browser offers no WebGPU (navigator.gpu is absent)';
      try {
        if (!(await gpu.requestAdapter())) return 'WebGPU offers no adapter here';
      } catch (e) {
        return `WebGPU adapter request failed: ${String((e as Error).message ?? e)}`;
      }
      await import('@tensorflow/tfjs-backend-webgpu');
      return (await setTfjsBackend('webgpu')) ? null : 'the WebGPU backend did not initialise';
    }
    case 'webgl': {
      await import('@tensorflow/tfjs-backend-webgl');
      if (!(await setTfjsBackend('webgl'))) return 'no WebGL context could be created';
      if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return 'WebGL here renders 16-bit floats only, too coarse for log-space densities';
      return null;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
      return (await setTfjsBackend('wasm')) ? null : 'the WASM backend did not initialise (its .wasm files could not be loaded)';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return (await setTfjsBackend('cpu')) ? null : 'the CPU backend did not initialise';
    default:
      return `${name} runs in Node only`;
  }
}

/** What the page's backend does to the numbers, for the report. */
function facts(name: BackendName): string[] {
  if (name === 'webgl') {
    const out = [`float32 textures: ${tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'yes' : 'no'}`];
    try {
      const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
      const gl = backend.gpgpu?.gl;
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      if (gl && info) out.push(`renderer: ${String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL))}`);
    } catch {
      // The renderer's name is informative only.
    }
    return out;
  }
  return [];
}

/** Selects and initialises the page's backend (see the module comment); `preferred` forces one. */
export async function initBrowserBackend(preferred?: BackendName, options: BrowserBackendOptions = {}): Promise<BackendInfo> {
  const candidates = preferred ? [preferred] : BROWSER_BACKEND_ORDER;
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    const failure = await start(name, options);
    if (failure !== null) {
      if (preferred) throw new Error(`backend ${name} could not be initialised: ${failure}`);
      skipped.push({ name, reason: failure });
      continue;
    }
    registerBatchMatMulGradient();
    if (tf.getBackend() === 'wasm') registerWasmMissingKernels();
    current = {
      name,
      reason: preferred ? 'requested' : skipped.length === 0 ? 'first choice' : 'first that started',
      skipped,
      fixes: facts(name),
      native: { state: 'unused', reason: 'native kernels are for Node only' },
    };
    return current;
  }
  throw new Error(`no backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** The last backend chosen by `initBrowserBackend`. */
export function currentBrowserBackend(): BackendInfo | undefined {
  return current;
}

/** The same one-line report as `sgm train` prints, e.g. "backend: webgl; webgpu did not start: ...". */
export function describeBrowserBackend(info: BackendInfo | undefined = current): string {
  const line = formatBackendLine(info);
  return info && info.fixes.length > 0 ? `${line} (${info.fixes.join(', ')})` : line;
}
