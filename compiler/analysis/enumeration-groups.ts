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
 * - A tiled enumeration runs the model on the tiled rows, so a score-function node draws once per copy: a one-sample
 *   `reinforce` under a per-data-point objective is credited per copy (its row's weight times its row's signal);
 *   beside another score-function estimator (whose extra passes or learned baselines see the untiled batch) an
 *   explicit `with enumerate` is SGM5003, an automatic one falls back.
 * - In a flat model the tiled variable is summed out of `loglik` terms (log Σ_y p(y) p(x | y)); another stochastic
 *   variable of the model would be drawn once per configuration inside that sum, which is no longer exact.
 */
import type { Diagnostic, RelatedSpan } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import { childExprs } from '../syntax/names-read.js';
import type { CheckedModel, DistributionType } from '../semantics/types.js';
import { estimatorModule } from '../estimators/registry.js';
import type { EstimatorDecision, KlDecision } from './plan.js';

/** Default limit on the product of the supports of the variables enumerated per data point (rows per data point). */
export const ENUMERATION_PRODUCT_LIMIT = 4096;

const perPoint = (d: EstimatorDecision) => d.estimator === 'enumerate' && (d.enumeration?.mode === 'per_example' || d.enumeration?.mode === 'tiled');

/** The estimators with tiled enumerations grouped, limited and reconciled with their neighbours. */
export function groupEnumerations(
  model: CheckedModel,
  estimators: readonly EstimatorDecision[],
  options: { limit: number; defaultDecay: number; perExample: boolean },
  diagnostics: Diagnostic[],
): EstimatorDecision[] {
  const { limit, defaultDecay, perExample } = options;
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
  if (out.filter(perPoint).length > 1) {
    const tiledReason = (r: string) => (r.includes('the batch tiled') ? r : r.replace(' per data point', ' per data point, jointly with the other enumerated latents, the batch tiled'));
    out = out.map((d) => (perPoint(d) ? { ...d, enumeration: { ...d.enumeration!, mode: 'tiled' as const }, reason: tiledReason(d.reason) } : d));
  }

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
  // 3. Score-function-like nodes beside a tiled enumeration (after the limit, whose fallbacks are such nodes): a
  // one-sample `reinforce` under a per-data-point objective is generated (each copy's draw credited with its row's
  // weighted signal, compiler/codegen/emit-tiled.ts); other score-function estimators are not.
  const scored = out.find((d) => estimatorModule(d.estimator).surrogate !== undefined && d.estimator !== 'enumerate' && !(d.estimator === 'reinforce' && d.samples === 1 && perExample));
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

/** The mixture Categorical of a mixture family (its `mixture` argument), or undefined for any other family. */
export function mixtureOf(d: DistributionType): DistributionType | undefined {
  if (d.sig.event.kind !== 'mixture') return undefined;
  const m = d.call.args.get('mixture')?.type;
  return m?.kind === 'distribution' ? m : undefined;
}

/**
 * Why a mixture variable's component cannot be enumerated, or undefined: only a guide latent under `maximize elbo`
 * (Σ_k w_k E_{p_k}[log p(x, z) − log q(z)], each component drawn pathwise). In a flat model the loglik terms of a
 * tiled pass are log-sum-exps over the copies, which over continuous draws would not be the model's value.
 */
export function mixtureComponentProblem(role: 'posterior' | 'prior' | 'likelihood' | 'sample', elbo: boolean): string | undefined {
  if (role !== 'posterior') return "a mixture's component is enumerated for a guide latent only";
  if (!elbo) return "a mixture's component is enumerated under `maximize elbo` only";
  return undefined;
}

/**
 * The KL decision of a latent summed out by a tiled enumeration (not a mixture's component): its term is the exact
 * Σ_y q(y) (log q(y) − log p(y)) of the enumeration (compiler/codegen/emit-tiled.ts), whatever rule or sample
 * count the KL plan chose, so the plan says so.
 */
export function klOfTiled(kl: KlDecision, estimators: readonly EstimatorDecision[]): KlDecision {
  const e = estimators.find((d) => d.node === kl.latent);
  if (e?.enumeration?.mode !== 'tiled' || e.enumeration.component) return kl;
  return { ...kl, method: 'closed_form', samples: 1, reason: `exact, with the enumeration: Σ_y q(y) (log q(y) − log p(y)) over its ${e.enumeration.size} values per data point` };
}
