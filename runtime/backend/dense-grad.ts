/**
 * The dense layer's backward pass as one native kernel (bench/NOTES.md change 12). `_FusedMatMul`'s registered
 * gradient (fused-mat-mul-gradient.ts) would otherwise run Step + Multiply (relu'), Sum (the bias gradient) and
 * up to two BatchMatMul per layer, each with its own engine overhead and pass over memory; `SgmDenseGrad` computes
 * G = dy·act'(y), the bias gradient (G's column sums), da = G·op(b)ᵀ and db = op(a)ᵀ·G in one addon call
 * (native/src/dense_grad.c) on the addon's thread pool. Registered for the CPU and WASM backends when the addon
 * has `denseGrad` (speed-fixes.ts); SGM_FUSED_DENSE_GRAD=0 leaves it unregistered (the old path, for A/B runs).
 *
 * Inputs dy, y, a, b (rank ≥ 2, one matrix each: every leading axis has size 1); attrs transposeA, transposeB,
 * activation ('linear' | 'relu' | 'sigmoid') and needA, needB, needBias; outputs the requested gradients in the
 * order da, db, dbias (da and db in the shapes of a and b, dbias [n]).
 *
 * `denseGradThunks` turns it into the gradient thunks tfjs expects, computing every gradient in the first thunk
 * tfjs calls; it applies only while no tape records the backward pass (higher-order gradients need the
 * differentiable tfjs ops: this kernel has no gradient).
 */
import { tf } from '../../stdlib/tf.js';
import { storageFor } from './backend-storage.js';
import type { SgmNative } from './native-addon.js';

type TensorInfo = tf.TensorInfo;

/** The kernel's name in the tfjs registry. */
export const DENSE_GRAD_KERNEL = 'SgmDenseGrad';

/** Activation codes of native/src/dense_grad.c: those whose derivative is a function of the output. */
const ACTIVATION_CODES: Readonly<Record<string, number>> = { linear: 0, relu: 1, sigmoid: 3 };

/** The kernel's attributes. */
export interface DenseGradAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  needA: boolean;
  needB: boolean;
  needBias: boolean;
}

/** Rows and columns of a rank ≥ 2 shape that holds one matrix (leading axes of size 1), else null. */
function matrixOf(shape: readonly number[]): [number, number] | null {
  if (shape.length < 2 || shape.slice(0, -2).some((d) => d !== 1)) return null;
  return [shape[shape.length - 2], shape[shape.length - 1]];
}

/** m, n, k of op(a)·op(b) when both are single float32 matrices with matching inner sizes, else null. */
function sizes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): [number, number, number] | null {
  const ma = matrixOf(a.shape);
  const mb = matrixOf(b.shape);
  if (ma === null || mb === null || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const [m, k] = transposeA ? [ma[1], ma[0]] : ma;
  const [kb, n] = transposeB ? [mb[1], mb[0]] : mb;
  return k === kb ? [m, n, k] : null;
}

/**
 * Registers SgmDenseGrad for `backendName` ('cpu' or 'wasm') when `addon` has denseGrad and
 * SGM_FUSED_DENSE_GRAD is not 0; otherwise removes it. Returns whether it is registered.
 */
export function registerDenseGradKernel(backendName: string, addon: SgmNative | null): boolean {
  if (tf.getKernel(DENSE_GRAD_KERNEL, backendName) !== undefined) tf.unregisterKernel(DENSE_GRAD_KERNEL, backendName);
  const storageOf = storageFor(backendName);
  const denseGrad = addon?.denseGrad;
  const disabled = typeof process !== 'undefined' && process.env?.SGM_FUSED_DENSE_GRAD === '0';
  if (storageOf === null || denseGrad === undefined || disabled) return false;
  tf.registerKernel({
    kernelName: DENSE_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, y, a, b } = inputs as Record<'dy' | 'y' | 'a' | 'b', TensorInfo>;
      const at = attrs as unknown as DenseGradAttrs;
      const mnk = sizes(a, b, at.transposeA, at.transposeB);
      const code = ACTIVATION_CODES[at.activation];
      if (mnk === null || code === undefined) throw new Error(`${DENSE_GRAD_KERNEL}: unsupported operands or activation ${at.activation}`);
      const [m, n, k] = mnk;
      const storage = storageOf(backend);
      const da = at.needA ? storage.alloc(a.shape) : null;
      const db = at.needB ? storage.alloc(b.shape) : null;
      const dbias = at.needBias ? storage.alloc([n]) : null;
      // Views after the last allocation: a WASM heap that grew has moved.
      const view = (t: TensorInfo | null): Float32Array | null => (t === null ? null : storage.view(t));
      denseGrad.call(addon, at.transposeA, at.transposeB, m, n, k, view(a)!, view(b)!, view(dy)!, view(y)!, code, view(da), view(db), view(dbias));
      return [da, db, dbias].filter((t): t is TensorInfo => t !== null);
    },
  });
  return true;
}

/** The inputs of `_FusedMatMul` in the order tfjs lists them (and calls their gradient thunks). */
const INPUTS = ['a', 'b', 'bias'] as const;
type InputName = (typeof INPUTS)[number];

/**
 * The gradient thunks of `_FusedMatMul` {a, b, bias} through SgmDenseGrad, or null when the native path does not
 * apply (a tape is recording the backward pass, the kernel is not registered on the active backend, an activation
 * it lacks, or batched operands); the caller then uses tfjs ops.
 *
 * Which gradients are needed: tfjs prunes from a tape node the inputs that do not lead to a requested gradient and
 * calls the thunks of the others in input order (tape.js, backpropagateGradients: `for (inputName in
 * node.inputs)`), so the first thunk called tells which inputs come before it unneeded: when it is b's, a (the
 * dense layer's data) needs no gradient and da is skipped, as the first encoder layer's is. Inputs after the first
 * are computed speculatively (a dense layer's W and bias are variables; an unused one is disposed with the
 * backward pass).
 *
 * Scopes: tfjs runs each thunk in its own tidy, which would dispose the gradients of the later thunks before they
 * are called. The kernel therefore runs in the scope that was active when the gradient function was called (the
 * backward pass's tidy, where the old path's dy·act'(y) lived too): its outputs are disposed with the backward
 * pass unless tfjs keeps them as gradients.
 */
export function denseGradThunks(
  dy: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  y: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
  activation: string,
): Record<InputName, () => tf.Tensor> | null {
  const engine = tf.engine();
  if (engine.isTapeOn() || ACTIVATION_CODES[activation] === undefined) return null;
  if (tf.getKernel(DENSE_GRAD_KERNEL, tf.getBackend()) === undefined) return null;
  if (sizes(a, b, transposeA, transposeB) === null || dy.dtype !== 'float32' || dy.size !== y.size) return null;
  const outer = engine.state.activeScope;
  const results = new Map<InputName, tf.Tensor>();
  const compute = (wanted: readonly InputName[]): void => {
    const attrs: DenseGradAttrs = {
      transposeA,
      transposeB,
      activation,
      needA: wanted.includes('a'),
      needB: wanted.includes('b'),
      needBias: wanted.includes('bias'),
    };
    const inner = engine.state.activeScope;
    engine.state.activeScope = outer;
    try {
      const outs = engine.runKernel(DENSE_GRAD_KERNEL, { dy, y, a, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      wanted.forEach((name, i) => results.set(name, outs[i]));
    } finally {
      engine.state.activeScope = inner;
    }
  };
  const thunk = (name: InputName) => (): tf.Tensor => {
    // The first call computes its gradient and those of the inputs after it; a call out of that order (not tfjs')
    // computes just its own.
    if (results.size === 0) compute(INPUTS.slice(INPUTS.indexOf(name)));
    else if (!results.has(name)) compute([name]);
    // The bias gradient is [n], as the tfjs-op path's; tfjs checks it against the bias's shape (dense biases are
    // rank 1).
    return results.get(name)!;
  };
  return { a: thunk('a'), b: thunk('b'), bias: thunk('bias') };
}
