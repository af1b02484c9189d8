/**
 * MuProp (Gu, Levine, Sutskever, Mnih 2016, arXiv:1511.05176, section 3 and Algorithm 1): the score function
 * minus a first-order Taylor control variate g(z) = f̄ + f̄'ᵀ(z − z̄) around the mean-field pass, plus the control
 * variate's expectation in closed form f̄'ᵀ ∇μ_φ (runtime/estimators/muprop.ts; docs/math.md section 11). The
 * mean-field pass is one extra evaluation of the model shared by every MuProp node: each takes its mean given its
 * parents' mean-field values, plus an offset the slope is taken against (the total derivative through the later
 * nodes); other nodes are drawn afresh. So f̄, f̄' and z̄ never depend on this step's draws. Needs a number-valued
 * latent whose mean the model can take (Bernoulli, OneHotCategorical) and a per-data-point objective. Never chosen
 * automatically: it costs one more forward and backward pass per step.
 */
import { familyNames, meanIsAValue } from '../../stdlib/signatures/index.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import { singlePassPlanProblem, type EstimatorModule } from './estimator.js';
import { truncatedCountHelp } from './rebar.js';
import { baselineOption, baselineText, createEmaBaseline } from './reinforce.js';

export const muprop: EstimatorModule<'muprop'> = {
  kind: 'muprop',
  statefulStep: true,
  summary: 'score function with a first-order Taylor control variate around the mean-field pass (MuProp)',
  syntax: {
    doc: 'score function with a first-order Taylor control variate around the mean-field pass and its analytic correction (MuProp: Gu, Levine, Sutskever, Mnih 2016, arXiv:1511.05176); Bernoulli and OneHotCategorical nodes',
    params: [
      { name: 'baseline', kind: 'baseline', optional: true, doc: 'ema(decay) (default, 0.9) or none, subtracted from the residual f - g' },
    ],
  },
  display: { fill: '#c8553d', border: '#6e2a1c', label: 'score function + Taylor control variate (MuProp)' },

  fromClause(f, clause) {
    const family = f.dist.sig.name;
    const problem = !meanIsAValue(f.dist.sig)
      ? `MuProp replaces a draw by its mean, which needs a number-valued latent (${familyNames(meanIsAValue).join(', ')}); ${family} is not one`
      : !f.objective.perExample
        ? 'MuProp needs an objective that decomposes per data point (elbo, or mean/sum of per-data-point terms)'
        : undefined;
    if (problem) {
      const help = f.dist.sig.relaxationFamily === 'gengs' ? truncatedCountHelp('muprop') : "use 'with nvil' or 'with reinforce'";
      f.diagnostics.push(makeDiagnostic('SGM5001', f.clauseSpan, problem, { label: 'muprop does not apply', help }));
      return undefined;
    }
    const { baseline, decay } = baselineOption(clause, 'ema');
    if (baseline === 'loo') {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, 'muprop draws one sample per step: the leave-one-out baseline needs several', {
          label: 'loo with one sample',
          help: 'use muprop(baseline = ema(0.9)) or muprop(baseline = none)',
        }),
      );
      return undefined;
    }
    return {
      node: f.node,
      distribution: f.distribution,
      samples: 1,
      estimator: 'muprop',
      baseline,
      ...(decay === undefined ? {} : { decay }),
      reason: `requested with muprop: score function minus a first-order Taylor control variate around the mean-field pass, its expectation added back (Gu et al. 2016); ${baselineText(baseline, decay)} of the residual`,
      overridden: true,
    };
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'under iwae a discrete latent takes vimco' : undefined;
  },

  planProblem(_d, all) {
    return singlePassPlanProblem("muprop's mean-field pass", all);
  },

  label(d) {
    return `muprop (${d.baseline === 'ema' ? `ema ${d.decay}` : 'no baseline'})`;
  },

  create: createEmaBaseline,

  draw(d, cx) {
    // In the mean-field pass the caller gives an offset instead of a value: the node is then its mean given its
    // (mean-field) parents plus the offset, marked so that log-probabilities accept it (stdlib mean-field.ts).
    cx.importStdlib('asMeanField');
    const offset = cx.fixedRole('meanfield');
    cx.bindValue(`${cx.fixed} ?? (${offset} ? asMeanField(tf.add(${cx.q}.mean(), ${offset})) : ${cx.q}.sample(${cx.sampleArgs}))`, `${d.estimator}: ${d.reason}`);
    cx.bind('logq', cx.perExample(`${cx.q}.logProb(${cx.value})`), 'log q of the draw, for the score-function term');
    cx.bind('mean', `${cx.q}.mean()`, "E[draw | its parents], for MuProp's closed-form term");
    return 'drawn';
  },

  surrogate(d, cx) {
    if (cx.form !== 'single' || !cx.evaluateAt) throw new Error(`internal: muprop in the '${cx.form}' form (the analysis rejects it)`);
    cx.importRuntime('mupropSurrogate');
    const peers = cx.decisions.filter((e) => e.estimator === 'muprop');
    const index = peers.findIndex((e) => e.node === d.node);
    const pass = cx.idOf(peers[0].node, 'meanfield_pass');
    const lines: string[] = [];
    if (index === 0) {
      // One mean-field pass for every MuProp node (paper Algorithm 1), with the slope of the loss at it.
      cx.importRuntime('meanFieldExpansion');
      const at = cx.evaluateAt(Object.fromEntries(peers.map((e, i) => [cx.idOf(e.node, 'meanfield'), `offsets[${i}]`])));
      lines.push(
        `const ${pass} = meanFieldExpansion((offsets) => { // MuProp's mean-field pass: ${cx.comment(peers.map((e) => e.node).join(', '))} at their means`,
        ...at.lines.map((l) => `  ${l}`),
        `  return { signal: ${at.signal}, points: [${peers.map((e) => at.valueOf(e.node)).join(', ')}] };`,
        `}, [${peers.map((e) => `${cx.valueOf(e.node)}.shape`).join(', ')}]);`,
      );
    }
    const t = cx.id('muprop');
    const baseline = d.baseline === 'ema' ? `, baseline: ${cx.id('baseline')}.variable` : '';
    lines.push(
      `const ${t} = mupropSurrogate({ logq: ${cx.logq}, signal: ${cx.signal}, meanFieldSignal: ${pass}.value, slope: ${pass}.slopes[${index}], sample: ${cx.valueOf(d.node)}, meanField: ${pass}.points[${index}], mean: ${cx.value('mean')}${baseline} });`,
      `loss = tf.add(loss, ${t}.term) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`,
    );
    if (d.baseline === 'ema') lines.push(`${cx.id('baseline')}.observe(${t}.residual);`);
    return lines;
  },
};
