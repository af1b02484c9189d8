/**
 * Enumeration: the node's finite support is summed out exactly, each configuration weighted by its probability,
 * so the gradient is exact (runtime/estimators/enumeration.ts). Two modes (docs/math.md section 10 rule 2):
 * 'per_example' sums a latent with one value per data point out of the ELBO's generative terms (codegen's
 * objective writes that sum), 'joint' loops over every configuration of a variable without batch axis (flat
 * models, or a guide latent without batch axis): `jointObjective` below.
 *
 * Joint enumeration beside score-function nodes (TraceEnum_ELBO-style, Pyro): the objective is Σ_c q(c) f(c, n_c),
 * with one forward pass per configuration c drawing its own n_c ~ q(n | c). Its gradient is
 * Σ_c [∇q(c) f_c + q(c) (∇f_c + f_c ∇log q(n_c | c))]; the first two terms come from differentiating the
 * weighted sum, the last from each score-function node's surrogate in the 'enumerated' form, which holds the
 * weights constant: Σ_c stop(q(c)) · stop(f_c − b) · log q(n_c | c) (a differentiable q(c) would add
 * ∇q(c) · f_c · log q(n_c), which has no place in the gradient).
 *
 * A third mode, 'tiled', sums variables with one value per data point out by one evaluation on the batch repeated
 * once per joint configuration (codegen: emit-tiled.ts; runtime/estimators/tiled-enumeration.ts).
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { EnumerationPlan } from './decision.js';
import type { Decision, EstimatorModule, NodeFacts } from './estimator.js';

/** Largest number of configurations enumerated per objective evaluation (docs/math.md section 10 rule 2). */
export const ENUMERATION_LIMIT = 32;

/** A score-function-like node inside a joint enumeration: its arrays and its surrogate lines given them. */
export interface EnumeratedScoredNode {
  /** Identifier of the node's value (names its arrays `${prefix}_${id}_logq` / `_signal`). */
  readonly id: string;
  /** Code of log q of the node's draw in the current pass. */
  readonly logq: string;
  /** The node's surrogate lines, given the arrays of log q and signals and the probabilities (all code). */
  readonly terms: (logqs: string, signals: string, probs: string) => string[];
}

/** One joint enumeration as the generated objective writes it. */
export interface JointEnumeration {
  /** Identifier of the enumerated variable (its configurations are `${zid}_c` inside the loop). */
  readonly zid: string;
  readonly reason: string;
  /** Code of the list of configurations. */
  readonly configs: string;
  /** Lines (indented for the loop body) that evaluate the model at configuration `${zid}_c`. */
  readonly pass: readonly string[];
  /** The objective's value at the configuration, and q(configuration) (a probability). */
  readonly value: string;
  readonly probability: string;
  /** The learning signal of the score-function nodes at the configuration (a loss: lower is better). */
  readonly signal: string;
  /** The loss of an objective value (negated under maximize). */
  readonly loss: (value: string) => string;
}

/** ' per data point' for a per-data-point mode (the plan's text), '' for a joint one. */
function perPoint(mode: EnumerationPlan['mode']): string {
  return mode === 'per_example' ? ' per data point' : mode === 'tiled' ? ' per data point, the batch tiled' : '';
}

/** What is summed: configurations, or a mixture's components. */
const what = (e: EnumerationPlan | undefined) => (e?.component ? 'components' : 'configurations');

/** The plan entry of an enumerated node (a `with enumerate` clause or the automatic choice). */
function enumerationDecision(f: NodeFacts, enumeration: EnumerationPlan, reason: string, overridden: boolean): Decision {
  return { node: f.node, distribution: f.distribution, samples: 1, estimator: 'enumerate', enumeration, reason, overridden };
}

export const enumerate: EstimatorModule<'enumerate'> & { jointObjective(j: JointEnumeration, scored: readonly EnumeratedScoredNode[]): string[] } = {
  kind: 'enumerate',
  summary: 'exact expectation by summing over the finite support',
  syntax: {
    doc: 'exact expectation by summing over the finite support (per data point: the batch tiled once per value, several enumerated variables over the product of their supports, at most 4096; a mixture latent: its component)',
    params: [],
  },
  display: { fill: '#8e6bbf', border: '#4b2f73', label: 'enumeration' },

  fromClause(f) {
    if (typeof f.enumeration === 'string') {
      const sig = f.dist.sig;
      f.diagnostics.push(
        makeDiagnostic('SGM5003', f.clauseSpan, `cannot enumerate '${f.node}': ${f.enumeration}`, {
          label: 'enumeration not possible',
          ...(sig.suggestRelaxation ? { help: `or use ${sig.suggestRelaxation}` } : {}),
        }),
      );
      return undefined;
    }
    const e = f.enumeration;
    return enumerationDecision(f, e, `requested with enumerate: exact sum over ${e.size} ${what(e)}${perPoint(e.mode)}`, true);
  },

  automatic(f) {
    if (typeof f.enumeration === 'string') return undefined;
    const e = f.enumeration;
    const why = e.component ? "the mixture's component index has a finite support, and each component a pathwise draw" : 'finite support';
    return enumerationDecision(f, e, `${why}: exact sum over ${e.size} ${what(e)}${perPoint(e.mode)} (limit ${ENUMERATION_LIMIT})`, false);
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'iwae needs reparameterized latents' : undefined;
  },

  label(d) {
    return `enumerate (${d.enumeration?.size}${d.enumeration?.component ? ' components' : ''}${d.enumeration ? perPoint(d.enumeration.mode) : ''})`;
  },

  draw(d, cx) {
    if (d.enumeration?.mode === 'per_example') return 'summed_out'; // summed out in the objective
    // 'joint' and 'tiled': the objective fixes the value (one configuration, or one per copy of the tiled batch);
    // elsewhere (trace, guide, sample) the node draws.
    if (d.enumeration?.component) {
      // A mixture latent whose component the objective fixes per copy: a pathwise draw from that component.
      const k = cx.fixedRole('component');
      cx.bindValue(`${k} !== undefined ? ${cx.q}.rsampleComponent(${k}, ${cx.sampleArgs}) : ${cx.q}.sample(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
      return 'drawn';
    }
    cx.bindValue(`${cx.fixed} ?? ${cx.q}.sample(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
    return 'drawn';
  },

  /** The objective body of a joint enumeration: value = Σ_c q(c) value_c, loss, and the score-function surrogates. */
  jointObjective(j: JointEnumeration, scored: readonly EnumeratedScoredNode[]): string[] {
    const { zid } = j;
    const arrays = (n: EnumeratedScoredNode) => [`${zid}_${n.id}_logq`, `${zid}_${n.id}_signal`] as const;
    return [
      `// ${zid}: ${j.reason}`,
      `const ${zid}_configs = ${j.configs};`,
      `const ${zid}_values: tf.Tensor[] = [];`,
      `const ${zid}_probs: tf.Tensor[] = [];`,
      ...scored.flatMap((n) => arrays(n).map((a) => `const ${a}: tf.Tensor[] = [];`)),
      `for (const ${zid}_c of ${zid}_configs) {`,
      ...j.pass,
      `  ${zid}_values.push(${j.value});`,
      `  ${zid}_probs.push(${j.probability});`,
      ...scored.flatMap((n) => [`  ${arrays(n)[0]}.push(${n.logq});`, `  ${arrays(n)[1]}.push(${j.signal});`]),
      '}',
      `const value = expectation(${zid}_values, ${zid}_probs) as tf.Scalar;`,
      `${scored.length > 0 ? 'let' : 'const'} loss = ${j.loss('value')} as tf.Scalar;`,
      ...scored.flatMap((n) => n.terms(...arrays(n), `${zid}_probs`)),
    ];
  },
};
