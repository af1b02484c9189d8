/**
 * Per-data-point enumeration by tiling (docs/math.md section 10 rule 2, mode 'tiled' of EnumerationPlan): the
 * variables summed out together, the limit on the product of their supports, and the combinations the code
 * generator does not write. Runs after every node has its decision (compiler/analysis/analyze.ts).
 *
 * - Several per-data-point enumerated variables are summed out jointly: every one becomes 'tiled', the batch is
 *   tiled once per joint configuration (the product of their supports), and that product is at most the
 *   enumeration limit per data point (`enumerationLimit`, default ENUMERATION_PRODUCT_LIMIT). Past it, an explicit
 *   `with enumerate` is SGM5007 (its span, and the variables already counted as related spans); an automatic
 *   choice falls back to the score function with the reason.
 * - A tiled enumeration runs the model on the tiled rows, so a score-function node would draw once per copy and
 *   its surrogate would need per-copy signals, which are not generated: beside one, an explicit `with enumerate`
 *   is SGM5003, an automatic one falls back (a single 'per_example' enumeration is kept: it is generated with
 *   score-function nodes, compiler/analysis/enumeration-with-score.ts).
 * - In a flat model the tiled variable is summed out of `loglik` terms (log Σ_y p(y) p(x | y)); another stochastic
 *   variable of the model would be drawn once per configuration inside that sum, which is no longer exact.
 */
import type { Diagnostic, RelatedSpan } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import { childExprs } from '../syntax/names-read.js';
import type { CheckedModel } from '../semantics/types.js';
import { estimatorModule } from '../estimators/registry.js';
import type { EstimatorDecision } from './plan.js';

/** Default limit on the product of the supports of the variables enumerated per data point (rows per data point). */
export const ENUMERATION_PRODUCT_LIMIT = 4096;

const perPoint = (d: EstimatorDecision) => d.estimator === 'enumerate' && (d.enumeration?.mode === 'per_example' || d.enumeration?.mode === 'tiled');

/** The estimators with tiled enumerations grouped, limited and reconciled with their neighbours. */
export function groupEnumerations(model: CheckedModel, estimators: readonly EstimatorDecision[], limit: number, defaultDecay: number, diagnostics: Diagnostic[]): EstimatorDecision[] {
  const statementOf = (node: string) => model.statements.find((s) => s.statement.kind === 'sample' && s.statement.target.text === node && s.role !== 'prior')?.statement as A.Sample | undefined;
  const spanOf = (d: EstimatorDecision) => {
    const st = statementOf(d.node);
    return st?.estimator?.span ?? st?.distribution.span ?? model.decl.name.span;
  };
  const fallback = (d: EstimatorDecision, why: string): EstimatorDecision => {
    const st = statementOf(d.node);
    if (st) {
      diagnostics.push(
        makeDiagnostic('SGM4007', st.distribution.span, `'${d.node}' gets score-function (REINFORCE) gradients, which have high variance`, {
          label: `enumerable, but ${why}`,
          help: `silence this with 'with reinforce', or write 'with enumerate' to see why it cannot be enumerated`,
        }),
      );
    }
    return { node: d.node, distribution: d.distribution, estimator: 'reinforce', baseline: 'ema', decay: defaultDecay, samples: 1, reason: `enumerable, but ${why}: score function, EMA baseline (decay ${defaultDecay})`, overridden: false, line: d.line };
  };
  const refuse = (d: EstimatorDecision, why: string, help: string) =>
    diagnostics.push(makeDiagnostic('SGM5003', spanOf(d), `cannot enumerate '${d.node}': ${why}`, { label: 'enumeration not possible here', help }));

  let out = [...estimators];
  // 1. Several per-data-point enumerations are summed out jointly, by tiling.
  if (out.filter(perPoint).length > 1) out = out.map((d) => (perPoint(d) ? { ...d, enumeration: { size: d.enumeration!.size, mode: 'tiled' as const } } : d));

  // 2. The product of the supports, in statement order.
  let product = 1;
  const counted: EstimatorDecision[] = [];
  out = out.flatMap((d): EstimatorDecision[] => {
    if (d.enumeration?.mode !== 'tiled') return [d];
    const next = product * d.enumeration.size;
    if (next <= limit) {
      product = next;
      counted.push(d);
      return [d];
    }
    const why = `the ${[...counted, d].map((c) => c.enumeration!.size).join(' × ')} = ${next} joint configurations per data point exceed the enumeration limit ${limit}`;
    if (!d.overridden) return [fallback(d, why)];
    const related: RelatedSpan[] = counted.map((c) => ({ span: spanOf(c), message: `'${c.node}' is enumerated with ${c.enumeration!.size} values` }));
    diagnostics.push(
      makeDiagnostic('SGM5007', spanOf(d), `cannot enumerate '${d.node}': ${why}`, {
        label: `${d.enumeration.size} more values per configuration`,
        related,
        help: `raise the limit (compile option enumerationLimit; SGM_ENUMERATION_LIMIT for the CLI), or use 'with reinforce' or a relaxation on '${d.node}'`,
      }),
    );
    return [];
  });
  // 3. Score-function-like nodes beside a tiled enumeration (after the limit, whose fallbacks are such nodes).
  const scored = out.find((d) => estimatorModule(d.estimator).surrogate !== undefined && d.estimator !== 'enumerate');
  if (scored && out.some((d) => d.enumeration?.mode === 'tiled')) {
    const why = `'${scored.node}' uses ${scored.estimator}, whose draws a per-data-point enumeration by tiling the batch does not credit per copy`;
    const kept: EstimatorDecision[] = [];
    for (const d of out) {
      if (d.enumeration?.mode !== 'tiled') kept.push(d);
      else if (d.overridden) refuse(d, why, `use a relaxation or 'with reinforce' on '${scored.node}', or 'with reinforce' on '${d.node}'`);
      else kept.push(fallback(d, why));
    }
    out = kept;
  }

  // 4. Flat models: the other stochastic variables would be drawn once per configuration.
  if (model.structure === 'flat') {
    const tiled = out.filter((d) => d.enumeration?.mode === 'tiled');
    const other = out.find((d) => d.enumeration?.mode !== 'tiled');
    if (tiled.length > 0 && other) {
      const why = `'${other.node}' would be drawn once per configuration inside the sum over '${tiled[0].node}', which is then no longer exact`;
      out = out.flatMap((d) => {
        if (d.enumeration?.mode !== 'tiled') return [d];
        if (d.overridden) {
          refuse(d, why, `enumerate '${other.node}' too, or use 'with reinforce' on '${d.node}'`);
          return [];
        }
        return [fallback(d, why)];
      });
    }
  }
  return out;
}

/**
 * Why a flat model's variable with one value per data point cannot be summed out of its `loglik` terms, or
 * undefined: the objective must read it (and the values computed from it) only through `loglik(x)`, and the
 * model observes one variable (each `loglik(x)` is then log p(x) with the variable summed out; of two observed
 * variables the joint log p(x1, x2) would not be a sum of loglik terms).
 */
export function flatEnumerationProblem(model: CheckedModel): string | undefined {
  if (model.structure !== 'flat') return 'a variable with a batch axis is enumerated per data point only under `maximize elbo` or in a flat model';
  if (model.observed.length !== 1) return `a flat model's enumerated variable is summed out of one observed variable's loglik; this model observes ${model.observed.length}`;
  const e = model.objective?.expr;
  if (!e) return 'the model has no objective';
  const read = new Set<string>();
  const visit = (x: A.Expr): void => {
    const call = x.kind === 'call' ? model.calls.get(x) : undefined;
    if (call?.name === 'loglik') return; // its argument is the observed variable, scored with the sum inside
    if (x.kind === 'ident') read.add(x.name);
    for (const c of childExprs(x)) visit(c);
  };
  visit(e);
  const perPass = [...read].find((n) => (model.definitions.get(n) ?? []).some((d) => d.kind === 'det' || d.kind === 'stochastic'));
  if (perPass !== undefined) return `the objective reads '${perPass}' outside loglik(...), a value of one configuration`;
  return undefined;
}
