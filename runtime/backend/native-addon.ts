/**
 * Loading the optional native addon (native/, N-API on system OpenBLAS, built when sgm is installed on a machine
 * with OpenBLAS, or by native/build.mjs) with createRequire. Absent or unloadable is a normal state: callers get
 * the reason and use tfjs' own kernels. SGM_NATIVE_ADDON=/path/sgm_native.node loads another build.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The last six arguments of the addon's Adam updates. */
type AdamHyperparameters = [lr: number, beta1: number, beta2: number, epsilon: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number];

/** The addon's functions (native/src/sgm_native.c documents them). */
export interface SgmNative {
  gemm(
    transA: boolean,
    transB: boolean,
    batch: number,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    strideA: number,
    b: Float32Array,
    strideB: number,
    c: Float32Array,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    wOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    ...hyperparameters: AdamHyperparameters
  ): void;
  adamInPlace(arrays: Float32Array[], ...hyperparameters: AdamHyperparameters): void;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  /**
   * Σ x² over the arrays (at most 256) in double on the addon's threads, the same value on any number of threads;
   * -1 when it cannot. Optional: absent from addons built before it.
   */
  sumOfSquares?(arrays: Float32Array[]): number;
  /**
   * One pass of a fused elementwise program (the SgmFused format: stdlib/fusion/, native/src/fused.h). Optional:
   * an addon built before it existed lacks it, and callers then use the JS evaluator.
   */
  fused?(
    code: Int32Array,
    consts: Float32Array,
    nRegs: number,
    inputs: Float32Array[],
    modes: Int32Array,
    outputs: Float32Array[],
    outRegs: Int32Array,
    n: number,
  ): void;
  /** The dense layer's backward pass in one call (dense_grad.c); optional: absent from addons built before it. */
  denseGrad?(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    dy: Float32Array,
    y: Float32Array,
    activation: number,
    dA: Float32Array | null,
    dB: Float32Array | null,
    dBias: Float32Array | null,
  ): void;
  threads(count?: number, spinUs?: number): number;
  config(): string;
  /** The GEMM under gemm and denseGrad, set first when given (gemm512.c); optional: absent from older addons. */
  gemmKernel?(name?: 'avx512' | 'openblas'): 'avx512' | 'openblas';
}

const ADDON_CANDIDATES = [
  '../../native/build/Release/sgm_native.node', // running the TypeScript sources (tsx, vitest)
  '../../../native/build/Release/sgm_native.node', // running dist/runtime/backend
];

type Loaded = { addon: SgmNative } | { reason: string };
let cached: Loaded | undefined;

/** Tries each path in turn (relative paths resolve against this file); the addon or why none loaded. */
export function loadAddonFrom(paths: readonly string[]): Loaded {
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const path of paths) {
    try {
      return { addon: require(path) as SgmNative };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'MODULE_NOT_FOUND') failures.push(`${path}: ${err.message.split('\n')[0]}`);
    }
  }
  // Not built is the usual case and needs no detail; a build that does not load (another Node ABI, a missing
  // libopenblas.so) says why.
  return { reason: failures.length === 0 ? 'not built' : `failed to load (${failures.join('; ')})` };
}

/**
 * What to run to get the native kernels, in words that work wherever sgm is installed: OpenBLAS's development
 * package when its library is not found in the usual folders, then rebuilding sgm (which builds the addon).
 */
export function nativeAdvice(): string {
  const rebuild = 'npm rebuild sgm';
  if (process.platform !== 'linux') return `install OpenBLAS, then ${rebuild}`;
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const found = [`/usr/lib/${triplet}/libopenblas.so`, '/usr/lib/libopenblas.so', '/usr/lib64/libopenblas.so', '/usr/local/lib/libopenblas.so'].some((p) => existsSync(p));
  return found ? rebuild : `apt-get install libopenblas-dev, then ${rebuild}`;
}

/** The addon (loaded once), or the reason it could not be loaded (not built, or built for another Node ABI). */
export function loadNativeAddon(): Loaded {
  cached ??= loadAddonFrom(process.env.SGM_NATIVE_ADDON ? [process.env.SGM_NATIVE_ADDON] : ADDON_CANDIDATES);
  return cached;
}
