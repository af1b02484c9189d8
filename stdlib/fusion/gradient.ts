/**
 * The gradient of `SgmFused` (registered globally on import: tfjs keeps one gradient per kernel name, for every
 * backend). The program is differentiated symbolically once (differentiate.ts); the gradient of input k is a
 * program over [x_0 .. x_{n-1}, dy_0 .. dy_{m-1}] with the forward's output shape, then summed over the axes along
 * which input k was broadcast and reshaped to its shape.
 *
 * - Tape off during the backward pass (a plain gradient: tf.grad, optimizer.minimize): ONE multi-output SgmFused
 *   computes the gradients of every input that may need one (marked at the forward call: a trainable variable or
 *   the output of a taped op), in one pass; an input outside that set whose gradient tfjs still asks for (a plain
 *   tensor passed to tf.grad as x) gets its own single-output call. The multi-output call runs eagerly in the
 *   gradient function, so its outputs belong to the backward pass's tidy scope and are freed with it even when
 *   tfjs does not ask for one of them.
 * - Tape on (a higher-order gradient is being recorded: REBAR/RELAX differentiate through gradients): each
 *   requested input's gradient is its own single-output SgmFused, itself differentiable by this same function.
 *
 * A multi-output forward is differentiable too: tfjs passes one dy per output (zeros for outputs nothing used).
 */
import { tf } from '../tf.js';
import { differentiate } from './differentiate.js';
import { FUSED_KERNEL, runProgram, type FusedAttrs } from './fuse.js';
import { compileProgram, type Program } from './program.js';
import type { FExpr } from './expr.js';

interface GradientCache {
  /** Gradient expression of each input, null where the outputs do not depend on it. */
  readonly exprs: (FExpr | null)[];
  /** Compiled gradient programs by the list of inputs they compute ("0,2"). */
  readonly programs: Map<string, Program>;
}

const gradientCache = new WeakMap<Program, GradientCache>();

/** The program computing the gradients of `which` (inputs whose gradient expression is not null). */
export function gradientProgram(program: Program, which: readonly number[]): Program {
  let c = gradientCache.get(program);
  if (c === undefined) {
    c = { exprs: differentiate(program.outputs, program.nIn), programs: new Map() };
    gradientCache.set(program, c);
  }
  const key = which.join(',');
  let p = c.programs.get(key);
  if (p === undefined) {
    const exprs = c.exprs;
    p = compileProgram(which.map((k) => exprs[k]!), program.nIn + program.outputs.length);
    c.programs.set(key, p);
  }
  return p;
}

/** The inputs of `program` whose gradient is not identically zero. */
export function differentiableInputs(program: Program): number[] {
  gradientProgram(program, []);
  const exprs = gradientCache.get(program)!.exprs;
  return exprs.flatMap((e, k) => (e === null ? [] : [k]));
}

/** Sums g (the output's shape) over the axes along which `shape` was broadcast, and reshapes it to `shape`. */
export function reduceToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (tf.util.arraysEqual(g.shape, shape as number[])) return g;
  const axes = tf.broadcast_util.getReductionAxes(shape as number[], g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape as number[]);
}

let registered = false;

/** Registers SgmFused's gradient (idempotent; done when stdlib/fusion is imported). */
export function registerFusedGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: FUSED_KERNEL,
    saveAllInputs: true,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: unknown) => {
      const { program, shape, taped } = attrs as FusedAttrs;
      const dys = Array.isArray(dy) ? dy : [dy];
      const xs = saved.slice(0, program.nIn);
      const inputs = [...xs, ...dys];
      const live = new Set(differentiableInputs(program));
      const ready = new Map<number, tf.Tensor>();
      if (!tf.engine().isTapeOn()) {
        const batch = [...live].filter((k) => taped[k] === 1);
        if (batch.length > 0) {
          const outs = runProgram(gradientProgram(program, batch), inputs, shape);
          batch.forEach((k, j) => ready.set(k, outs[j]));
        }
      }
      const grads: Record<string, () => tf.Tensor> = {};
      for (let k = 0; k < program.nIn; k++) {
        grads[String(k)] = () => {
          if (!live.has(k)) return tf.zerosLike(xs[k]);
          const g = ready.get(k) ?? runProgram(gradientProgram(program, [k]), inputs, shape)[0];
          return reduceToShape(g, xs[k].shape);
        };
      }
      return grads;
    },
  });
}
