/**
 * Values of scalar expressions at the initial parameters, at compile time: literals, hyperparameters, consts,
 * params with constant initialisers, and deterministic statements built from them with pure functions.
 * Used for warnings that depend on the starting point (GenGS truncation tail mass).
 */
import type * as A from '../syntax/ast.js';
import { CONSTANT_FUNCTIONS, foldBinary } from '../semantics/constant.js';
import type { CheckedModel } from '../semantics/types.js';

/** The initial value of a scalar expression, or undefined when it depends on data or samples. */
export function initialValue(model: CheckedModel, e: A.Expr, depth = 0): number | undefined {
  if (depth > 64) return undefined;
  const t = model.types.get(e);
  if (t?.kind === 'tensor' && typeof t.constant === 'number') return t.constant;
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'paren':
      return initialValue(model, e.inner, depth + 1);
    case 'unary': {
      const v = initialValue(model, e.operand, depth + 1);
      return v === undefined ? undefined : e.op === '-' ? -v : v;
    }
    case 'binary': {
      const a = initialValue(model, e.left, depth + 1);
      const b = initialValue(model, e.right, depth + 1);
      const v = a === undefined || b === undefined ? undefined : foldBinary(e.op, a, b);
      return typeof v === 'number' ? v : undefined;
    }
    case 'call': {
      const f = CONSTANT_FUNCTIONS[e.callee.text];
      const x = e.args[0];
      if (!f || e.args.length !== 1 || !x) return undefined;
      const v = initialValue(model, x.value, depth + 1);
      return v === undefined ? undefined : f(v);
    }
    case 'ident': {
      if (Object.hasOwn(model.hyperparameters, e.name)) return model.hyperparameters[e.name];
      const def = (model.definitions.get(e.name) ?? [])[0];
      const st = def?.statement;
      if (!st) return undefined;
      if (st.kind === 'param' && st.init) return initialValue(model, st.init, depth + 1);
      if (st.kind === 'const') return initialValue(model, st.value, depth + 1);
      if (st.kind === 'assign' && st.targets.length === 1) return initialValue(model, st.value, depth + 1);
      return undefined;
    }
    default:
      return undefined;
  }
}
