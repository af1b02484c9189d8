/**
 * Batch separability: whether a value is computed independently per data point (its leading axis is the
 * run-time batch axis and no operation on the way mixes data points). A separable objective `mean(e)` or
 * `sum(e)` gives per-data-point learning signals to score-function estimators (each sample is credited with
 * its own data point's loss, a Rao-Blackwellization over the batch) instead of the batch total.
 */
import type * as A from '../syntax/ast.js';
import { isNamedDim, normalizeAxis } from '../semantics/shape.js';
import type { CheckedModel, TensorType } from '../semantics/types.js';

const REDUCTIONS = new Set(['sum', 'mean', 'max', 'min', 'logsumexp', 'argmax', 'softmax', 'log_softmax']);

/** Decides separability of expressions of one model (memoised per variable). */
export class Separability {
  private readonly byName = new Map<string, boolean>();

  /** Decides every variable once, in source order (definitions precede uses), so no recursion follows names. */
  constructor(private readonly model: CheckedModel) {
    for (const { statement: st } of model.statements) {
      if (st.kind === 'assign') for (const t of st.targets) this.byName.set(t.text, (this.byName.get(t.text) ?? false) || this.mixes(st.value));
      if (st.kind === 'sample') this.byName.set(st.target.text, (this.byName.get(st.target.text) ?? false) || this.mixes(st.distribution));
    }
  }

  /** True when `e` keeps the batch axis first and never mixes data points. */
  separable(e: A.Expr): boolean {
    const t = this.model.types.get(e);
    return t?.kind === 'tensor' && leadingBatch(t) && !this.mixes(e);
  }

  /** Whether evaluating `e` mixes data points anywhere (including in the variables it reads). */
  private mixes(e: A.Expr): boolean {
    switch (e.kind) {
      case 'number':
      case 'bool':
      case 'error':
        return false;
      case 'ident':
        return this.nameMixes(e.name);
      case 'paren':
        return this.mixes(e.inner);
      case 'unary':
        return this.mixes(e.operand);
      case 'binary':
        return this.mixes(e.left) || this.mixes(e.right);
      case 'tensor':
        return e.elements.some((x) => this.mixes(x) || this.batched(x));
      case 'transition':
      case 'range':
        return false;
      case 'index': {
        if (this.mixes(e.target)) return true;
        const first = e.items[0];
        // Selecting along the batch axis (x[0], x[1:3]) mixes; `:` and `...` keep it.
        const keeps = !first || first.kind === 'ellipsis' || (first.kind === 'slice' && !first.start && !first.stop && !first.step);
        return this.batched(e.target) && !keeps;
      }
      case 'call': {
        const call = this.model.calls.get(e);
        for (const a of e.args) if (this.mixes(a.value)) return true;
        if (!call) return false;
        const x = call.args.get('x')?.expr ?? call.rest[0]?.expr;
        const axis = call.args.get('axis');
        const axisValue = axis?.type.kind === 'tensor' && typeof axis.type.constant === 'number' ? axis.type.constant : undefined;
        if (REDUCTIONS.has(call.name) && x && this.batched(x)) {
          const rank = this.type(x)?.shape?.length ?? 0;
          const dflt = call.name === 'argmax' || call.name === 'softmax' || call.name === 'log_softmax' ? -1 : undefined;
          const a = axisValue ?? dflt;
          return a === undefined || normalizeAxis(a, rank) === 0;
        }
        if ((call.name === 'concat' || call.name === 'split') && normalizeAxis(axisValue ?? -1, this.type(e)?.shape?.length ?? 1) === 0) return true;
        if (call.name === 'matmul') return this.batched(call.args.get('y')!.expr);
        if (call.name === 'elbo' || call.name === 'iwae' || call.name === 'loglik' || call.name === 'kl') return true;
        return false;
      }
    }
  }

  /** True when no stochastic statement of the model mixes data points (per-example ELBO terms are valid). */
  modelSeparable(): boolean {
    return this.model.statements.every(({ statement: st }) => st.kind !== 'sample' || !this.mixes(st.distribution));
  }

  private nameMixes(name: string): boolean {
    return this.byName.get(name) ?? false;
  }

  private type(e: A.Expr): TensorType | undefined {
    const t = this.model.types.get(e);
    return t?.kind === 'tensor' ? t : undefined;
  }

  private batched(e: A.Expr): boolean {
    const t = this.type(e);
    return t !== undefined && leadingBatch(t);
  }
}

function leadingBatch(t: TensorType): boolean {
  return t.shape !== null && t.shape.length > 0 && isNamedDim(t.shape[0]);
}

/** The per-data-point form of an objective `mean(e)` / `sum(e)` with separable e, or undefined. */
export function perExampleObjective(model: CheckedModel): { reduction: 'mean' | 'sum'; expr: A.Expr } | undefined {
  const o = model.objective;
  if (!o || o.expr.kind !== 'call') return undefined;
  const call = model.calls.get(o.expr);
  if (!call || (call.name !== 'mean' && call.name !== 'sum') || call.args.has('axis')) return undefined;
  const x = call.args.get('x')!.expr;
  return new Separability(model).separable(x) ? { reduction: call.name, expr: x } : undefined;
}
