/**
 * `fuse(inputs, build)`: a chain of elementwise ops as one `SgmFused` kernel (FUSION-SPEC.md). The program of a
 * build function is compiled once and cached on the function (a WeakMap; pass a module-level function in hot code);
 * each call computes the broadcast shape and each input's mode (FULL, SCALAR, ROW, COL; other broadcasts are
 * materialised with tf.broadcastTo first), then runs the kernel registered for the active backend
 * (runtime/backend/fused-kernel.ts: the JS evaluator on CPU/WASM, the native addon's when loaded) or, where none is
 * registered or fusion is switched off (SGM_FUSION=0), the same program as ordinary tfjs ops.
 */
import { tf } from '../tf.js';
import { FExpr, inputExpr } from './expr.js';
import { Mode } from './evaluate.js';
import { compileProgram, type Program } from './program.js';
import { runWithTfjsOps } from './tfjs-ops.js';

/** The kernel's name in the tfjs registry. */
export const FUSED_KERNEL = 'SgmFused';

/** The attributes of an SgmFused call: the program and the output shape. */
export interface FusedAttrs {
  readonly program: Program;
  readonly shape: readonly number[];
  /** Per input: 1 when it may need a gradient (a trainable variable or a result of a taped op), else 0. */
  readonly taped: readonly number[];
}

// SGM_FUSION=0 runs every fused program as tfjs ops (the unfused computation); read where an environment exists.
// The switch lives on globalThis so that every copy of this module agrees (a generated model imported under
// tsx's namespaced loader gets its own copy of stdlib; the benchmark toggles fusion for it too).
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const SWITCH = Symbol.for('sgm.fusion.enabled');
const globalSwitch = globalThis as unknown as Record<symbol, boolean | undefined>;
globalSwitch[SWITCH] ??= env?.SGM_FUSION !== '0';

/** Whether fuse() uses the SgmFused kernel where one is registered (default: unless SGM_FUSION=0). */
export function fusionEnabled(): boolean {
  return globalSwitch[SWITCH] !== false;
}

/** Switches the SgmFused kernel on or off for this process (benchmarks compare both in one run). */
export function setFusionEnabled(on: boolean): void {
  globalSwitch[SWITCH] = on;
}

/** Whether runProgram will use the SgmFused kernel on the active backend. */
export function fusedKernelActive(): boolean {
  return fusionEnabled() && tf.getKernel(FUSED_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * The mode [mode, p] of an input of shape `inShape` in an output of shape `outShape`, or null when the
 * evaluators cannot read it in place (it must be broadcast first).
 */
export function inputMode(inShape: readonly number[], outShape: readonly number[]): [number, number] | null {
  const n = outShape.reduce((p, d) => p * d, 1);
  const size = inShape.reduce((p, d) => p * d, 1);
  if (size === n) return [Mode.FULL, 0];
  if (size === 1) return [Mode.SCALAR, 0];
  const r = outShape.length;
  if (inShape.length > r) return null;
  const padded = [...new Array<number>(r - inShape.length).fill(1), ...inShape];
  // The non-1 dimensions of the input: [lo, hi). ROW: they end the shape; COL: they start it.
  let lo = 0;
  while (lo < r && padded[lo] === 1) lo++;
  let hi = r;
  while (hi > lo && padded[hi - 1] === 1) hi--;
  for (let i = lo; i < hi; i++) if (padded[i] !== outShape[i]) return null;
  if (hi === r) return [Mode.ROW, size];
  if (lo === 0) return [Mode.COL, outShape.slice(hi).reduce((p, d) => p * d, 1)];
  return null;
}

/** Whether `t` may be on a gradient path: a trainable variable, or the output of an op recorded on the tape. */
const tapeOutputs = new WeakMap<object, { length: number; ids: Set<number> }>();
function mayNeedGradient(t: tf.Tensor): boolean {
  if (t instanceof tf.Variable) return t.trainable;
  const tape = (tf.engine().state as unknown as { activeTape: { outputs: tf.Tensor[] }[] | null }).activeTape;
  if (tape == null) return false;
  let seen = tapeOutputs.get(tape);
  if (seen === undefined) tapeOutputs.set(tape, (seen = { length: 0, ids: new Set() }));
  for (; seen.length < tape.length; seen.length++) for (const o of tape[seen.length].outputs) seen.ids.add(o.id);
  return seen.ids.has(t.id);
}

/**
 * Runs a compiled program on float32 inputs whose shapes all have a mode in `shape` (callers broadcast the
 * others): the SgmFused kernel where active, else tfjs ops. One tensor per program output.
 */
export function runProgram(program: Program, inputs: readonly tf.Tensor[], shape: readonly number[]): tf.Tensor[] {
  if (!fusedKernelActive()) return runWithTfjsOps(program.outputs, inputs, shape);
  // An array of inputs (keys '0', '1', ...), as tfjs' AddN passes them: the gradient's saveAllInputs needs one.
  const named = [...inputs] as unknown as tf.NamedTensorMap;
  const taped = tf.engine().isTapeOn() ? inputs.map((t) => (mayNeedGradient(t) ? 1 : 0)) : inputs.map(() => 0);
  const attrs: FusedAttrs = { program, shape, taped };
  // tfjs passes attributes through to the kernel and the gradient unchanged; its Attribute type has no slot for
  // an object, hence the cast.
  return tf.engine().runKernel(FUSED_KERNEL, named, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

interface Compiled {
  readonly program: Program;
  readonly single: boolean;
}

const cache = new WeakMap<object, Map<number, Compiled>>();

function compiled(build: (...xs: FExpr[]) => FExpr | readonly FExpr[], nIn: number): Compiled {
  let byArity = cache.get(build);
  if (byArity === undefined) cache.set(build, (byArity = new Map()));
  let c = byArity.get(nIn);
  if (c === undefined) {
    const out = build(...Array.from({ length: nIn }, (_, k) => inputExpr(k)));
    const single = out instanceof FExpr;
    const outputs = single ? [out] : [...(out as readonly FExpr[])];
    if (outputs.length === 0) throw new Error('fuse: build returned no outputs');
    c = { program: compileProgram(outputs, nIn), single };
    byArity.set(nIn, c);
  }
  return c;
}

type FuseResult<R> = R extends FExpr ? tf.Tensor : tf.Tensor[];

/**
 * The elementwise expression `build` of `inputs` (tensors or numbers), in one pass: shape = broadcast of the
 * inputs, dtype float32. `build` gets one FExpr per input and returns one FExpr or an array (several outputs of
 * the same shape). Differentiable (SgmFused's gradient, gradient.ts), to any order.
 */
export function fuse<R extends FExpr | readonly FExpr[]>(inputs: readonly (tf.Tensor | number)[], build: (...xs: FExpr[]) => R): FuseResult<R> {
  const { program, single } = compiled(build, inputs.length);
  const outs = tf.tidy(() => {
    const tensors = inputs.map((t) => (typeof t === 'number' ? tf.scalar(t) : t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
    const shape = tensors.reduce<number[]>((s, t) => tf.broadcast_util.assertAndGetBroadcastShape(s, t.shape), []);
    if (!fusedKernelActive()) return runWithTfjsOps(program.outputs, tensors, shape);
    const ready = tensors.map((t) => (inputMode(t.shape, shape) === null ? tf.broadcastTo(t, shape) : t));
    return runProgram(program, ready, shape);
  });
  return (single ? outs[0] : outs) as FuseResult<R>;
}
