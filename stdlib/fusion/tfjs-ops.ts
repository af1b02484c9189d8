/**
 * A program run as ordinary tfjs ops, one op per node: the fallback on backends without an SgmFused kernel
 * (WebGL, TensorFlow, or fusion switched off), the path tfjs differentiates by itself, and the reference the tests
 * compare the kernels with. Each node becomes the tfjs op of the same name, so with fusion off a fused formula
 * computes exactly what the unfused code it replaced computed (same ops, same order).
 */
import { detached } from '../stop-gradient.js';
import { tf } from '../tf.js';
import { FExpr, INPUT, Op } from './expr.js';
import { reachable } from './program.js';

function applyOp(e: FExpr, a: tf.Tensor, b: tf.Tensor | null): tf.Tensor {
  switch (e.op) {
    case Op.ADD: return tf.add(a, b!);
    case Op.SUB: return tf.sub(a, b!);
    case Op.MUL: return tf.mul(a, b!);
    case Op.DIV: return tf.div(a, b!);
    case Op.NEG: return tf.neg(a);
    case Op.EXP: return tf.exp(a);
    case Op.LOG: return tf.log(a);
    case Op.LOG1P: return tf.log1p(a);
    case Op.EXPM1: return tf.expm1(a);
    case Op.SOFTPLUS: return tf.softplus(a);
    case Op.SIGMOID: return tf.sigmoid(a);
    case Op.RELU: return tf.relu(a);
    case Op.STEP: return tf.step(a);
    case Op.SQUARE: return tf.square(a);
    case Op.SQRT: return tf.sqrt(a);
    case Op.MAX: return tf.maximum(a, b!);
    case Op.MIN: return tf.minimum(a, b!);
    case Op.TANH: return tf.tanh(a);
    case Op.ABS: return tf.abs(a);
    // tfjs registers no gradient for Greater: a comparison has gradient 0 almost everywhere, so it is detached.
    case Op.GREATER: return detached((u, v) => tf.cast(tf.greater(u, v), 'float32'), a, b!);
    case Op.RECIP: return tf.reciprocal(a);
    default: throw new Error(`fusion: no tfjs op for opcode ${e.op}`);
  }
}

/**
 * Evaluates `outputs` (expressions over `inputs`) with tfjs ops; each result is broadcast to `shape` (an output
 * that is a constant or a smaller input still has the program's output shape). Differentiable by tfjs.
 */
export function runWithTfjsOps(outputs: readonly FExpr[], inputs: readonly tf.Tensor[], shape: readonly number[]): tf.Tensor[] {
  return tf.tidy(() => {
    const value = new Map<FExpr, tf.Tensor>();
    for (const e of reachable(outputs)) {
      if (e.op === INPUT) value.set(e, inputs[e.value]);
      else if (e.op === Op.CONST) value.set(e, tf.scalar(e.value));
      else value.set(e, applyOp(e, value.get(e.a!)!, e.b === null ? null : value.get(e.b)!));
    }
    return outputs.map((o) => {
      const t = value.get(o)!;
      if (tf.util.arraysEqual(t.shape, shape as number[])) return t === inputs[o.value] && o.op === INPUT ? tf.clone(t) : t;
      return tf.broadcastTo(t, shape as number[]);
    });
  });
}
