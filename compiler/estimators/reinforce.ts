/**
 * The score-function estimator (REINFORCE, Williams 1992): the node is drawn without a gradient path and the
 * surrogate loss gains mean((f − b) · log q(z)) with the learning signal f and the baseline b held constant, whose
 * gradient is an unbiased estimate of the node's contribution (runtime/estimators/score-function.ts). Baselines:
 * an exponential moving average of the signal (`ema(decay)`, the default, Pyro's decaying average; state in
 * runtime/estimators/baselines.ts), the leave-one-out mean of the other samples (`loo`, needs samples > 1; Kool
 * et al. 2019, "Buy 4 REINFORCE samples, get a baseline for free!"), or `none`. The automatic choice for a
 * discrete node without relaxation that cannot be enumerated, with the SGM4007 variance warning.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { ResolvedCall } from '../semantics/types.js';
import type { BaselineKind, EstimatorDecision } from './decision.js';
import { constantOption, type CreateContext, type EstimatorModule } from './estimator.js';
import { scoreFunctionDraw } from './score-draw.js';

/** Default decay of the exponential-moving-average baseline (Pyro's decaying average uses 0.90). */
export const DEFAULT_EMA_DECAY = 0.9;

/** The baseline in words, as the plan's reasons say it. */
export function baselineText(b: BaselineKind, decay: number | undefined): string {
  return b === 'ema' ? `EMA baseline (decay ${decay})` : b === 'loo' ? 'leave-one-out baseline' : 'no baseline';
}

/** The `baseline = ...` option of a clause (`fallback` when absent) and the EMA's decay (undefined for other kinds). */
export function baselineOption(clause: ResolvedCall, fallback: BaselineKind): { baseline: BaselineKind; decay: number | undefined } {
  const b = clause.args.get('baseline');
  const bCall = b?.type.kind === 'directive' ? b.type.call : undefined;
  const baseline = (bCall?.name ?? fallback) as BaselineKind;
  const decay = baseline === 'ema' ? (bCall ? (constantOption(bCall, 'decay') ?? DEFAULT_EMA_DECAY) : DEFAULT_EMA_DECAY) : undefined;
  return { baseline, decay };
}

/** Creates the node's EMA baseline (its variables and after-step update) when the decision has one. */
export function createEmaBaseline(d: EstimatorDecision, cx: CreateContext): void {
  if (d.baseline !== 'ema') return;
  const id = cx.id('baseline');
  cx.importRuntime('EmaBaseline');
  cx.setup(`const ${id} = new EmaBaseline(${cx.str(`baseline/${d.node}`)}, ${cx.literal(d.decay ?? DEFAULT_EMA_DECAY)}); // line ${d.line}: ${cx.comment(d.reason)}`);
  cx.variables(`...${id}.variables()`);
  cx.afterStep(`${id}.update();`);
}

/** The baseline term of the surrogate: the EMA's current value, or 0. */
function baselineValue(d: EstimatorDecision, id: (role: string) => string): string {
  return d.baseline === 'ema' ? `${id('baseline')}.variable` : '0';
}

export const reinforce: EstimatorModule<'reinforce'> = {
  kind: 'reinforce',
  summary: 'score-function gradient (REINFORCE) with a baseline',
  syntax: {
    aliases: ['score_function'],
    doc: 'score-function gradient (REINFORCE) with a baseline',
    params: [
      { name: 'baseline', kind: 'baseline', optional: true, doc: 'ema(decay) (default, 0.9), loo (leave-one-out, needs samples > 1) or none' },
      { name: 'samples', kind: 'constant', constraint: 'positive_integer', optional: true, default: 1, doc: 'samples per data point' },
    ],
  },
  display: { fill: '#d1495b', border: '#7a1f2b', label: 'score function (REINFORCE)' },

  fromClause(f, clause) {
    const samples = constantOption(clause, 'samples') ?? 1;
    const { baseline, decay } = baselineOption(clause, samples > 1 ? 'loo' : 'ema');
    if (baseline === 'loo' && samples < 2) {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, 'the leave-one-out baseline needs samples >= 2', {
          label: 'loo with one sample',
          help: 'write reinforce(baseline = loo, samples = 4), or use baseline = ema(0.9)',
        }),
      );
      return undefined;
    }
    return {
      node: f.node,
      distribution: f.distribution,
      samples,
      estimator: 'reinforce',
      baseline,
      ...(decay === undefined ? {} : { decay }),
      reason: `requested with reinforce: score function, ${baselineText(baseline, decay)}${samples > 1 ? `, ${samples} samples` : ''}`,
      overridden: true,
    };
  },

  automatic(f) {
    const sig = f.dist.sig;
    const why = typeof f.enumeration === 'string' ? f.enumeration : 'enumerable';
    const relax = sig.suggestRelaxation ? `; use ${sig.suggestRelaxation} for lower variance` : '';
    f.diagnostics.push(
      makeDiagnostic('SGM4007', f.statement.distribution.span, `'${f.node}' gets score-function (REINFORCE) gradients, which have high variance`, {
        label: `${sig.name} has no reparameterized sampler; ${why}`,
        ...(sig.suggestRelaxation ? { help: `use ${sig.suggestRelaxation}, or silence this with 'with reinforce'` } : {}),
      }),
    );
    return {
      node: f.node,
      distribution: f.distribution,
      samples: 1,
      estimator: 'reinforce',
      baseline: 'ema',
      decay: DEFAULT_EMA_DECAY,
      reason: `${sig.discrete ? 'discrete without relaxation' : 'no reparameterized sampler'} and not enumerable (${why}): score function, ${baselineText('ema', DEFAULT_EMA_DECAY)}${relax}`,
      overridden: false,
    };
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'iwae needs reparameterized latents' : undefined;
  },

  label(d) {
    return `reinforce (${d.baseline === 'ema' ? `ema ${d.decay}` : d.baseline}${d.samples > 1 ? `, ${d.samples} samples` : ''})`;
  },

  create: createEmaBaseline,

  draw(d, cx) {
    return scoreFunctionDraw(d, cx, 'score-function term');
  },

  surrogate(d, cx) {
    cx.importRuntime('scoreFunctionTerm');
    const ema = d.baseline === 'ema' ? cx.id('baseline') : undefined;
    if (cx.form === 'single') {
      const lines = [`loss = tf.add(loss, scoreFunctionTerm(${cx.logq}, ${cx.signal}, ${baselineValue(d, cx.id)})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`];
      if (ema) lines.push(`${ema}.observe(${cx.signal});`);
      return lines;
    }
    if (cx.form === 'enumerated') {
      // Per configuration c: stop(q(c)) · scoreFunctionTerm(log q(n_c | c), f_c, b) (compiler/estimators/enumerate.ts).
      for (const f of ['stopGradient', 'expectation']) cx.importRuntime(f);
      const lines = [
        `loss = tf.add(loss, tf.addN(${cx.logq}.map((lq, k) => tf.mul(stopGradient(${cx.probs}[k]), scoreFunctionTerm(lq, ${cx.signal}[k], ${baselineValue(d, cx.id)}))))) as tf.Scalar; // ${cx.nodeId}: ${d.reason}, per enumerated configuration`,
      ];
      if (ema) lines.push(`${ema}.observe(expectation(${cx.signal}, ${cx.probs}));`);
      return lines;
    }
    // Several samples per data point: leave-one-out baselines use the other samples (Kool et al. 2019).
    const sig = cx.id('signals');
    const lines = [`const ${sig} = tf.stack(${cx.signal});`];
    let baseline = '0';
    if (d.baseline === 'loo') {
      cx.importRuntime('leaveOneOut');
      baseline = `leaveOneOut(${sig})`;
    } else if (ema) {
      baseline = `${ema}.variable`;
      lines.push(`${ema}.observe(${sig});`);
    }
    lines.push(`loss = tf.add(loss, scoreFunctionTerm(tf.stack(${cx.logq}), ${sig}, ${baseline})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`);
    return lines;
  },
};
