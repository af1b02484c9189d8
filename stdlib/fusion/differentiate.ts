/**
 * Symbolic reverse-mode differentiation of a program's expression DAG. For outputs y_j (expressions of inputs
 * x_0 .. x_{n-1}) and cotangents dy_j (new inputs n .. n+m-1), the gradient of input k is the expression
 *   g_k = Σ_j dy_j · ∂y_j/∂x_k,
 * built by walking the DAG once from the outputs down (nodes in decreasing id order are a reverse topological
 * order) and accumulating each node's adjoint. The local derivatives are the ones tfjs' gradients use, in the same
 * grouping (so a fused gradient rounds like tfjs' own, e.g. sigmoid: dy · (y · (1 - y))):
 *   exp: dy·y; log: dy/x; log1p: dy/(x+1); expm1: dy·exp(x); softplus: dy·sigmoid(x); sigmoid: dy·(y·(1-y));
 *   relu: dy·step(x); step, greater: 0; square: dy·(x·2); sqrt: dy/(y·2); tanh: (1-y²)·dy; abs: dy·(2·step(x)-1)
 *   (tf.step(x, -1): -1 at 0 as tfjs); recip: dy/-(x²); div: dy/b and -(dy·a/b²); max: a gets dy where a ≥ b
 *   (1 - greater(b, a)), b where a < b; min: a where a ≤ b, b where a > b.
 * Gradient expressions are themselves programs over [x, dy], so they can be differentiated again (second order).
 */
import { F, FExpr, INPUT, Op, inputExpr } from './expr.js';
import { reachable } from './program.js';

/** Adjoint contributions of node e (with adjoint g) to its operands: [to a, to b]. */
function localGradients(e: FExpr, g: FExpr): [FExpr | null, FExpr | null] {
  const a = e.a!;
  const b = e.b;
  switch (e.op) {
    case Op.ADD: return [g, g];
    case Op.SUB: return [g, F.neg(g)];
    case Op.MUL: return [F.mul(g, b!), F.mul(g, a)];
    case Op.DIV: return [F.div(g, b!), F.neg(F.div(F.mul(g, a), F.square(b!)))];
    case Op.NEG: return [F.neg(g), null];
    case Op.EXP: return [F.mul(g, e), null];
    case Op.LOG: return [F.div(g, a), null];
    case Op.LOG1P: return [F.div(g, F.add(a, 1)), null];
    case Op.EXPM1: return [F.mul(g, F.exp(a)), null];
    case Op.SOFTPLUS: return [F.mul(g, F.sigmoid(a)), null];
    case Op.SIGMOID: return [F.mul(g, F.mul(e, F.sub(1, e))), null];
    case Op.RELU: return [F.mul(g, F.step(a)), null];
    case Op.STEP: return [null, null];
    case Op.SQUARE: return [F.mul(g, F.mul(a, 2)), null];
    case Op.SQRT: return [F.div(g, F.mul(e, 2)), null];
    case Op.MAX: {
      const bWins = F.greater(b!, a);
      return [F.mul(g, F.sub(1, bWins)), F.mul(g, bWins)];
    }
    case Op.MIN: {
      const bWins = F.greater(a, b!);
      return [F.mul(g, F.sub(1, bWins)), F.mul(g, bWins)];
    }
    case Op.TANH: return [F.mul(F.sub(1, F.square(e)), g), null];
    case Op.ABS: return [F.mul(g, F.sub(F.mul(F.step(a), 2), 1)), null];
    case Op.GREATER: return [null, null];
    case Op.RECIP: return [F.div(g, F.neg(F.square(a))), null];
    default: throw new Error(`fusion: cannot differentiate opcode ${e.op}`);
  }
}

/**
 * Gradient expressions of every input: result[k] is g_k over inputs 0 .. nIn-1 (the same leaves as `outputs`)
 * and the cotangents nIn .. nIn+m-1 (m = outputs.length), or null when no output depends on input k.
 */
export function differentiate(outputs: readonly FExpr[], nIn: number): (FExpr | null)[] {
  const nodes = reachable(outputs);
  // Which nodes depend on some input (constants' adjoints are never needed).
  const live = new Set<FExpr>();
  for (const e of nodes) {
    if (e.op === INPUT || (e.a !== null && live.has(e.a)) || (e.b !== null && live.has(e.b))) live.add(e);
  }
  const adjoint = new Map<FExpr, FExpr>();
  const accumulate = (e: FExpr, g: FExpr | null): void => {
    if (g === null || !live.has(e)) return;
    const prev = adjoint.get(e);
    adjoint.set(e, prev === undefined ? g : F.add(prev, g));
  };
  outputs.forEach((o, j) => accumulate(o, inputExpr(nIn + j)));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const e = nodes[i];
    const g = adjoint.get(e);
    if (g === undefined || e.op === INPUT || e.op === Op.CONST) continue;
    const [ga, gb] = localGradients(e, g);
    accumulate(e.a!, ga);
    if (e.b !== null) accumulate(e.b, gb);
  }
  const grads: (FExpr | null)[] = new Array<FExpr | null>(nIn).fill(null);
  for (const e of nodes) {
    if (e.op === INPUT) {
      const g = adjoint.get(e);
      if (g !== undefined) grads[e.value] = g;
    }
  }
  return grads;
}
