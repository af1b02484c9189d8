/**
 * Optional native GEMM kernels (native/, an N-API addon on system OpenBLAS; native-addon.ts loads it).
 * When the addon is built they replace `BatchMatMul`, `_FusedMatMul`, `Softplus`, `Exp`, `Log` and `Sigmoid` on the CPU and WASM backends
 * (and `SgmFused`, stdlib/fusion's fused elementwise programs, when the build has `fused`): the addon
 * reads and writes the backends' own float32 storage in place (the CPU backend's Float32Arrays, or views of the
 * WASM heap), so no tensor is copied. Anything they do not handle (other dtypes, batch shapes that broadcast
 * beyond "one side has batch 1", PReLU, biases that are not one value per column) goes to the stock kernel.
 * When the addon is absent nothing is registered and sgm runs on tfjs' own kernels.
 *
 * initBackend ignores a built addon when SGM_NATIVE=0.
 * TensorFlow.js 4.x routes every matMul through BatchMatMul (there is no separate MatMul kernel).
 */
import os from 'node:os';
import { tf } from '../../stdlib/tf.js';
import { overrideKernel } from './kernel-overrides.js';
import { loadNativeAddon, type SgmNative } from './native-addon.js';
import { cpuStorage, wasmStorage, type Storage } from './backend-storage.js';
import { registerFusedKernel } from './fused-kernel.js';

type TensorInfo = tf.TensorInfo;

/** The native kernels' state, as reported by `describeBackend`. */
export type NativeStatus =
  | { readonly state: 'absent' | 'disabled' | 'unused'; readonly reason: string }
  | {
      readonly state: 'installed';
      readonly kernels: readonly string[];
      readonly config: string;
      readonly threads: number;
      /** The GEMM under the addon's gemm and denseGrad (gemm512.c; SGM_GEMM); absent from older addons. */
      readonly gemm?: 'avx512' | 'openblas';
    };

/** Activation names of _FusedMatMul and their codes in sgm_native.c; others (prelu) use the stock kernel. */
const ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5 };

interface GemmPlan {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly strideA: number;
  readonly strideB: number;
  readonly outShape: number[];
}

/** Sizes of op(A)·op(B), or null when the batch dimensions broadcast in a way the addon does not do. */
export function planGemm(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): GemmPlan | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb) return null;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  const prod = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  const batchA = prod(aShape.slice(0, -2));
  const batchB = prod(bShape.slice(0, -2));
  const batch = prod(outer);
  // Equal batches, or one side a single matrix reused for every batch entry (stride 0).
  if (!((batchA === batch && batchB === batch) || (batchA === 1 && batchB === batch) || (batchB === 1 && batchA === batch))) {
    return null;
  }
  return {
    batch,
    m,
    n,
    k,
    strideA: batchA === 1 ? 0 : m * k,
    strideB: batchB === 1 ? 0 : k * n,
    outShape: [...outer, m, n],
  };
}

function nativeMatMul(blas: SgmNative, storageOf: (backend: unknown) => Storage, fused: boolean) {
  return (stock: tf.KernelConfig): tf.KernelConfig => ({
    ...stock,
    kernelFunc: (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
      const attrs = args.attrs ?? {};
      const transposeA = Boolean(attrs.transposeA);
      const transposeB = Boolean(attrs.transposeB);
      const activation = fused ? ACTIVATIONS[String(attrs.activation ?? 'linear')] : 0;
      const plan = a && b && a.dtype === 'float32' && b.dtype === 'float32' ? planGemm(a.shape, b.shape, transposeA, transposeB) : null;
      const biasOk = bias == null || (bias.dtype === 'float32' && bias.shape.reduce((p, d) => p * d, 1) === plan?.n && bias.shape[bias.shape.length - 1] === plan.n);
      if (plan === null || a === undefined || b === undefined || activation === undefined || !biasOk || preluActivationWeights != null) {
        return stock.kernelFunc(args);
      }
      const storage = storageOf(args.backend);
      const out = storage.alloc(plan.outShape);
      blas.gemm(
        transposeA,
        transposeB,
        plan.batch,
        plan.m,
        plan.n,
        plan.k,
        storage.view(a),
        plan.strideA,
        storage.view(b),
        plan.strideB,
        storage.view(out),
        bias == null ? null : storage.view(bias),
        activation,
        Number(attrs.leakyreluAlpha ?? 0.2),
      );
      return out;
    },
  });
}

/** A non-negative integer from the environment, or undefined when unset or not one. */
function envInt(name: string): number | undefined {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The addon's thread pool: every core by default (at most 8: the step's GEMMs are at most 100×784×512, too small
 * to split further), SGM_THREADS overrides (1 = no worker threads). Workers spin SGM_SPIN_US microseconds
 * (default 50) after each kernel before sleeping: long enough to catch the next GEMM of a training step without
 * a wake-up, short enough that an idle process leaves the cores to others (bench/NOTES.md change 7).
 */
function configureThreads(addon: SgmNative): void {
  addon.threads(nativeThreadCount(), envInt('SGM_SPIN_US') ?? 50);
}

/** The thread count the native kernels use: SGM_THREADS, else one per core up to 8. */
export function nativeThreadCount(): number {
  const threads = envInt('SGM_THREADS') ?? Math.min(os.availableParallelism(), 8);
  return Math.max(1, Math.min(threads, 64));
}

/** Native elementwise kernels of one float32 input, by tfjs kernel name, with their op numbers in kernels.h. */
const UNARY_OPS: Readonly<Record<string, number>> = { Softplus: 0, Exp: 1, Log: 2, Sigmoid: 3 };

function nativeUnary(blas: SgmNative, storageOf: (backend: unknown) => Storage, op: number) {
  return (stock: tf.KernelConfig): tf.KernelConfig => ({
    ...stock,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      if (x.dtype !== 'float32') return stock.kernelFunc(args);
      const storage = storageOf(args.backend);
      const out = storage.alloc(x.shape);
      blas.unary(op, storage.view(x), storage.view(out));
      return out;
    },
  });
}

/**
 * Registers the native BatchMatMul and _FusedMatMul on `backendName` ('cpu' or 'wasm') when the addon (`loaded`,
 * by default the built one) is present and `enabled`; returns what happened.
 */
export function installNativeKernels(
  backendName: 'cpu' | 'wasm',
  enabled: boolean,
  loaded: ReturnType<typeof loadNativeAddon> = loadNativeAddon(),
): NativeStatus {
  if (!enabled) return { state: 'disabled', reason: 'off (SGM_NATIVE=0 or the option native: false)' };
  if ('reason' in loaded) return { state: 'absent', reason: loaded.reason };
  const storage = backendName === 'cpu' ? cpuStorage : wasmStorage;
  const kernels: string[] = [];
  for (const [name, fused] of [['BatchMatMul', false], ['_FusedMatMul', true]] as const) {
    if (overrideKernel(name, backendName, nativeMatMul(loaded.addon, storage, fused))) kernels.push(name);
  }
  // Softplus, Exp, Log, Sigmoid: tfjs' WASM kernels are scalar code at 5-12 ns per value (Softplus of the reference
  // VAE's 100×784 likelihood: 0.94 ms); the addon's vectorised loops (native/src/vmath.c) take 0.5-2 ns, on the pool
  // for large tensors (bench/NOTES.md change 8).
  for (const [name, op] of Object.entries(UNARY_OPS)) {
    if (overrideKernel(name, backendName, nativeUnary(loaded.addon, storage, op))) kernels.push(name);
  }
  // SgmFused: the addon's evaluator (native/src/fused.c: vectorised loops, on the pool above ~18 µs of work) in
  // place of the JS one registered by applySpeedFixes. An addon built before `fused` existed keeps the JS one.
  const fused = loaded.addon.fused?.bind(loaded.addon);
  if (fused !== undefined && registerFusedKernel(backendName, fused)) kernels.push('SgmFused');
  configureThreads(loaded.addon);
  const gemm = loaded.addon.gemmKernel?.();
  return { state: 'installed', kernels, config: loaded.addon.config(), threads: loaded.addon.threads(), ...(gemm === undefined ? {} : { gemm }) };
}
