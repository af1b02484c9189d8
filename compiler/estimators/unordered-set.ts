/**
 * The unordered set estimator (Kool, van Hoof, Welling 2020, "Estimating Gradients for Discrete Random Variables
 * by Sampling without Replacement", arXiv:2002.06043, eq. 13): per data point, k distinct values of the node's
 * categorical event drawn without replacement by Gumbel-top-k (Kool et al. 2019, arXiv:1903.06059), the model
 * evaluated at each, and the score function of each weighted by p(s) R(S, s) with the built-in baseline from the
 * other values of the set (runtime/estimators/unordered-set.ts holds the sampling, the leave-one-out ratios by
 * numerical integration and the surrogate; docs/math.md section 11). Never chosen automatically: it evaluates the
 * model k times per step, which a user asks for.
 *
 * Applies to a latent of a finite support with a static number U of events per data point: one event (a
 * Categorical or OneHotCategorical over K cells, a single Bernoulli unit) draws its set by Gumbel-top-k over the K
 * values; a vector of independent units (the [B, H] Bernoulli layer of a sigmoid belief net) by stochastic beam
 * search over the units (runtime/estimators/stochastic-beam.ts), k ≤ K^U.
 *
 * Generated code: the node's draw scores every value of its event (q.logProb of each of the K cells), draws the set
 * and binds the first member as the node's value (a draw from q, so the pass itself is the objective at a sample);
 * the surrogate evaluates the model k − 1 more times with the node fixed to the other members (earlier
 * score-function nodes fixed to their values) and adds the estimator's term.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { DistributionType } from '../semantics/types.js';
import type { Decision, EstimatorModule, NodeFacts } from './estimator.js';
import { constantOption, singlePassPlanProblem } from './estimator.js';

/** Default set size (the paper's experiments use k = 4 for the categorical VAE, Table 2, and 2-8 elsewhere). */
export const UNORDERED_SET_DEFAULT_SAMPLES = 4;
/** The most values per data point one step evaluates (each is a pass of the model in the generated step). */
export const UNORDERED_SET_MAX_SAMPLES = 64;

/** Estimators whose nodes draw afresh in an extra evaluation (they do not read a fixed value). */
const DRAW_AFRESH = new Set(['pathwise', 'straight_through', 'enumerate']);

/** The number of values of one event (K), read from the signature table's enumeration facts; undefined if unknown. */
function valuesPerEvent(d: DistributionType): number | undefined {
  if (d.sig.enumerationSize === 'two') return 2;
  if (d.sig.enumerationSize !== 'last_dim') return undefined;
  const p = d.call.args.get('probs') ?? d.call.args.get('logits');
  const shape = p?.type.kind === 'tensor' ? p.type.shape : null;
  const k = shape && shape.length > 0 ? shape[shape.length - 1] : undefined;
  return typeof k === 'number' ? k : undefined;
}

/** Events per data point: the node's static dims after the batch axis, without its event dims; undefined if unknown. */
function eventsPerPoint(f: NodeFacts): number | undefined {
  const shape = f.model.variables.get(f.node)?.shape;
  if (!shape) return undefined;
  const batched = shape.length > 0 && typeof shape[0] !== 'number';
  const dims = shape.slice(batched ? 1 : 0, shape.length - f.dist.eventRank);
  if (dims.some((d) => typeof d !== 'number')) return undefined;
  return dims.reduce((p: number, d) => p * (d as number), 1);
}

function reject(f: NodeFacts, message: string, label: string, help: string): undefined {
  f.diagnostics.push(makeDiagnostic('SGM5001', f.clauseSpan, message, { label, help }));
  return undefined;
}

function decision(f: NodeFacts, k: number, cells: number, units: number): Decision {
  const oneHot = f.dist.sig.support === 'one_hot';
  const how = units === 1 ? `${k} of ${cells} values drawn without replacement (Gumbel-top-k)` : `${k} configurations of ${units} ${f.dist.sig.name} units drawn without replacement (stochastic beam search)`;
  return {
    node: f.node,
    distribution: f.distribution,
    samples: 1,
    estimator: 'unordered_set',
    options: { samples: k, cells, units, oneHot, direct: f.objective.form === 'elbo' },
    reason: `requested with unordered_set: ${how}, the score function of each weighted by p(s) R(S, s) with the built-in baseline of the others (Kool et al. 2020); ${k} evaluations of the model per step${units === 1 && k === cells ? '; k = K: the exact gradient' : ''}`,
    overridden: true,
  };
}

export const unorderedSet: EstimatorModule<'unordered_set'> = {
  kind: 'unordered_set',
  summary: 'score function over k values drawn without replacement, with the built-in baseline (unordered set estimator)',
  syntax: {
    doc: 'unordered set estimator (Kool, van Hoof, Welling 2020, arXiv:2002.06043): k distinct values of a categorical event per data point drawn without replacement (Gumbel-top-k), the model evaluated at each, each score weighted by p(s) R(S, s) with the baseline built from the other values; exact when k equals the number of values. One event per data point (Categorical, OneHotCategorical, a Bernoulli unit) draws its set by Gumbel-top-k, a vector of independent units (a [B, H] Bernoulli layer) by stochastic beam search over the units (Kool et al. 2019, arXiv:1903.06059)',
    params: [
      { name: 'samples', kind: 'constant', constraint: 'positive_integer', optional: true, default: UNORDERED_SET_DEFAULT_SAMPLES, aliases: ['k'], doc: 'values per data point, drawn without replacement: 2 or more, at most the number of values per data point (K for one event of K values, K^U for U units) and at most 64; k evaluations of the model per step' },
    ],
  },
  display: { fill: '#b5838d', border: '#5e3d44', label: 'score function over a set without replacement (unordered set)' },

  fromClause(f, clause) {
    const sig = f.dist.sig;
    const cells = sig.discrete && !sig.hasRsample ? valuesPerEvent(f.dist) : undefined;
    if (cells === undefined) {
      return reject(f, `unordered_set draws values of a categorical event without replacement; ${sig.name} has no finite set of values known at compile time`, 'unordered_set does not apply', sig.suggestRelaxation ? `relax it with ${sig.suggestRelaxation}, or use reinforce` : 'use reinforce (score function)');
    }
    const events = eventsPerPoint(f);
    if (events === undefined) {
      return reject(f, `unordered_set needs the number of ${sig.name} events per data point at compile time`, 'shape not known', 'give the latent static sizes after the batch axis');
    }
    const k = constantOption(clause, 'samples') ?? UNORDERED_SET_DEFAULT_SAMPLES;
    // K^U configurations per data point (compared in logs: 2^200 is no number).
    const logConfigs = events * Math.log(cells);
    if (k < 2 || Math.log(k) > logConfigs + 1e-9) {
      const most = Math.round(Math.exp(logConfigs));
      return reject(f, `unordered_set(samples = ${k}) needs 2 <= samples <= ${most}, the number of values of '${f.node}' per data point`, k < 2 ? 'its baseline leaves one value out' : `only ${most} distinct values`, `write unordered_set(samples = ${Math.min(most, Math.max(2, Math.min(k, UNORDERED_SET_DEFAULT_SAMPLES)))})`);
    }
    // Each of the k values is one model evaluation written out in the generated step: past 64 the module grows by
    // megabytes and the step by k passes, with little variance left to remove.
    if (k > UNORDERED_SET_MAX_SAMPLES) {
      return reject(f, `unordered_set(samples = ${k}) evaluates the model ${k} times per step; at most ${UNORDERED_SET_MAX_SAMPLES}`, 'too many evaluations per step', `write unordered_set(samples = ${UNORDERED_SET_MAX_SAMPLES}) or fewer`);
    }
    const shape = f.model.variables.get(f.node)?.shape ?? [];
    const batched = shape.length > 0 && typeof shape[0] !== 'number';
    // iwae has its own estimator for discrete latents; say so before the (also true) per-data-point reason.
    if (f.objective.form === 'iwae') {
      return reject(f, 'under maximize iwae a discrete latent takes vimco, not unordered_set', 'a multi-sample bound', 'write `with vimco`, or maximize elbo');
    }
    if (batched && !f.objective.perExample) {
      return reject(f, 'unordered_set weights each data point’s values by their own learning signal, but the objective does not decompose per data point', 'no per-data-point signal', 'maximize elbo, or a mean/sum of per-data-point terms');
    }
    return decision(f, k, cells, events);
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'under iwae a discrete latent takes vimco' : undefined;
  },

  planProblem(d, all) {
    const single = singlePassPlanProblem(`unordered_set's ${d.options?.samples} evaluations`, all);
    if (single) return single;
    const tiled = all.find((e) => e.enumeration?.mode === 'tiled');
    if (tiled) return `unordered_set is not generated beside the tiled enumeration of '${tiled.node}'`;
    const at = all.findIndex((e) => e.node === d.node);
    const afresh = all.slice(0, at).find((e) => DRAW_AFRESH.has(e.estimator));
    return afresh ? `'${afresh.node}' (${afresh.estimator}) is drawn before '${d.node}' and would be drawn afresh in each of unordered_set's evaluations` : undefined;
  },

  label(d) {
    return Number(d.options?.units) > 1 ? `unordered_set (${d.options?.samples}, beam over ${d.options?.units} units)` : `unordered_set (${d.options?.samples} of ${d.options?.cells})`;
  },

  draw(d, cx) {
    const o = d.options ?? {};
    cx.importRuntime('drawUnorderedSet');
    // Every value of each event scored by q (one logProb per value), the set drawn, its first member the value.
    // In another node's extra evaluation this node is either fixed or, drawn after it, marked `plain`: one draw of
    // q then, no set (its own set belongs to the objective's first pass).
    const plain = cx.fixedRole('plain');
    const set = cx.bind(
      'set',
      `${cx.fixed} === undefined && ${plain} === undefined ? drawUnorderedSet(${cx.q}.sample(${cx.sampleArgs}), ${cx.literal(Number(o.cells))}, ${o.oneHot ? 'true' : 'false'}, ${cx.literal(Number(o.units))}, (v: tf.Tensor) => ${cx.q}.logProb(v), ${cx.literal(Number(o.samples))}, ctx.rng) : undefined`,
      `${d.node}: ${Number(o.samples)} ${Number(o.units) > 1 ? 'configurations, by stochastic beam search over its units' : `of its ${Number(o.cells)} values (Gumbel-top-k)`}, without replacement`,
    );
    cx.bindValue(`${cx.fixed} ?? (${set} ? ${set}.member(0) : ${cx.q}.sample(${cx.sampleArgs}))`, `${d.estimator}: ${d.reason}`);
    cx.bind('logq', cx.perExample(`${cx.q}.logProb(${cx.value})`), 'log q of the draw');
    return 'drawn';
  },

  surrogate(d, cx) {
    if (cx.form !== 'single' || !cx.evaluateAt) throw new Error(`internal: unordered_set in the '${cx.form}' form (the analysis rejects it)`);
    const o = d.options ?? {};
    const k = Number(o.samples);
    const set = `${cx.value('set')}!`;
    // Earlier score-function nodes keep their values in the extra evaluations (planProblem keeps out earlier
    // nodes that would draw afresh); later nodes draw afresh given each member, as q(later | member) asks.
    const at = cx.decisions.findIndex((e) => e.node === d.node);
    const earlier = Object.fromEntries(cx.decisions.slice(0, at).map((e) => [e.node, cx.valueOf(e.node)]));
    const later = Object.fromEntries(cx.decisions.slice(at + 1).filter((e) => e.estimator === 'unordered_set').map((e) => [cx.idOf(e.node, 'plain'), 'tf.scalar(1)']));
    const lines: string[] = [];
    const signals = [cx.signal];
    for (let i = 1; i < k; i++) {
      const ev = cx.evaluateAt({ ...earlier, ...later, [d.node]: `${set}.member(${i})` });
      lines.push(`// ${cx.comment(`${d.node}: the model at member ${i} of the set`)}`, ...ev.lines);
      signals.push(ev.signal);
    }
    cx.importRuntime('unorderedSetSurrogate');
    const t = cx.id('unordered_set');
    const direct = o.direct ? `, tf.reshape(${cx.signal}, [-1])` : '';
    lines.push(
      `const ${t} = unorderedSetSurrogate(${set}.logp, ${set}.logRest, tf.reshape(tf.stack([${signals.join(', ')}], -1), [-1, ${cx.literal(k)}])${direct});`,
      `loss = tf.add(loss, ${t}.loss) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`,
    );
    return lines;
  },
};
