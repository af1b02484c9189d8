/**
 * The objective's parts shared by blocks and flat models: each scored node's surrogate terms from its estimator
 * module (compiler/estimators/estimator.ts), extra evaluations at fixed values, joint enumeration, the
 * `objective` member with the schedules as metrics, and `dispose`.
 */
import type * as A from '../syntax/ast.js';
import type { DistributionType } from '../semantics/types.js';
import type { EstimatorDecision } from '../analysis/plan.js';
import { enumerate, type EnumeratedScoredNode } from '../estimators/enumerate.js';
import type { EstimatorModule, SurrogateContext } from '../estimators/estimator.js';
import { estimatorModule } from '../estimators/registry.js';
import { literal } from './emit-expr.js';
import { Fn } from './fn.js';
import type { ModelState } from './model-state.js';
import { propKey } from './names.js';

/**
 * A node's surrogate terms from its estimator module. `pass(id)` reads a per-pass quantity bound by its draw
 * (the identifier inside the guide or forward function) in this evaluation.
 */
export function surrogate(em: ModelState, 
  e: EstimatorDecision,
  form: SurrogateContext['form'],
  parts: { logq: string; signal: string; perExample: boolean; samples?: number; probs?: string; pass: (id: string) => string; evaluateAt?: SurrogateContext['evaluateAt'] },
  metrics?: string[],
): string[] {
  const module: EstimatorModule = estimatorModule(e.estimator);
  if (!module.surrogate) return [];
  const id = em.nodeId(e.node);
  return module.surrogate(e, {
    ...em.codeText(),
    id,
    form,
    logq: parts.logq,
    signal: parts.signal,
    perExample: parts.perExample,
    samples: parts.samples ?? 1,
    ...(parts.probs !== undefined ? { probs: parts.probs } : {}),
    nodeId: em.names.source(e.node),
    value: (role) => parts.pass(id(role)),
    ...(parts.evaluateAt ? { evaluateAt: parts.evaluateAt } : {}),
    metric: (name, code) => void metrics?.push(`${propKey(name)}: ${code}`),
  });
}

/**
 * One Monte Carlo pass of the model inside the objective: a blocks model's guide, generative and terms
 * (emit-blocks.ts) or a flat model's `forward` (emit-flat.ts). The objective code below is the same for both.
 */
export interface Pass {
  /** Statements of the pass (unindented). */
  readonly lines: readonly string[];
  /** The object holding the sampled nodes' per-pass values (`g`: the guide's result; `r`: forward's). */
  readonly ref: string;
  /** The objective's value at this pass (a scalar). */
  readonly value: string;
  /** The learning signal per data point (a loss), bound in the pass, when the objective decomposes over the batch. */
  readonly signal?: string;
  /** In a run of several passes: the extra field each run returns, and its per-data-point signal read from run `r`. */
  readonly runField?: string;
  readonly runSignal?: string;
  /** Metrics of the objective evaluated by this kind of pass. */
  readonly metrics: readonly string[];
}

/**
 * Builds a pass: 'single' (the objective's one pass), 'run' (one of several independent passes), 'config' (one
 * configuration of a joint enumeration; `fixed` fixes the enumerated node), 'at' (an estimator's extra evaluation
 * with nodes fixed, SurrogateContext.evaluateAt; identifiers suffixed to stay apart).
 */
export type PassBuilder = (mode: 'single' | 'run' | 'config' | 'at', fixed?: string) => Pass;

const indent = (l: string) => `  ${l}`;

/**
 * The Monte Carlo objective of blocks and flat models: a joint enumeration (one pass per configuration), one pass,
 * or several independent passes when a score-function node asks for several samples; each scored node's surrogate
 * terms come from its estimator module. Appends the objective's statements to `body` and its metrics to `metrics`.
 */
export function monteCarloObjective(em: ModelState, build: PassBuilder, joint: EstimatorDecision | undefined, body: string[], metrics: string[]): void {
  const scored = em.scored();
  const samples = Math.max(1, ...scored.map((e) => e.samples));
  const lossOf = (v: string) => (em.model.objective!.sense === 'maximize' ? `tf.neg(${v})` : v);
  const declareLoss = `${scored.length > 0 ? 'let' : 'const'} loss = ${lossOf('value')} as tf.Scalar;`;
  const logqOf = (e: EstimatorDecision, from: string) => `${from}.${em.ids.get(`${e.node}.logq`)}`;
  if (joint) {
    // A variable without batch axis, summed over its joint configurations: one pass per configuration (the pass
    // fixes the variable), weighted by q (compiler/estimators/enumerate.ts). The analysis keeps
    // reinforce(samples > 1) away from this case.
    const zid = em.names.source(joint.node);
    const p = build('config', `{ ${zid}: ${zid}_c }`);
    body.push(...jointEnumeration(em, joint, p.lines.map(indent), p.value, p.ref, p.signal ?? lossOf(p.value), lossOf, scored));
    metrics.push(...p.metrics);
  } else if (samples === 1) {
    const p = build('single');
    body.push(...p.lines, `const value = ${p.value} as tf.Scalar;`, declareLoss);
    const perExample = p.signal !== undefined;
    const evaluateAt = (fixed: Readonly<Record<string, string>>) => {
      const at = build('at', em.fixedLiteral(fixed));
      return { lines: at.lines, signal: at.signal ?? lossOf(at.value) };
    };
    for (const e of scored) {
      const parts = { logq: em.batchLogq(logqOf(e, p.ref), perExample), signal: p.signal ?? lossOf('value'), perExample, pass: (id: string) => `${p.ref}.${id}`, evaluateAt };
      body.push(...surrogate(em, e, 'single', parts, metrics));
    }
    metrics.push(...p.metrics);
  } else {
    // Several samples per data point: leave-one-out baselines use the other samples (Kool et al. 2019).
    const p = build('run');
    const returned = ['value', ...(p.runField ? [p.runField] : []), em.runFields(scored, p.ref)].filter((f) => f !== '');
    body.push(`const runs = Array.from({ length: ${samples} }, () => {`, ...p.lines.map(indent), `  const value = ${p.value};`, `  return { ${returned.join(', ')} };`, '});');
    body.push('const value = tf.mean(tf.stack(runs.map((r) => r.value))) as tf.Scalar;', declareLoss);
    const perExample = p.runSignal !== undefined;
    for (const e of scored) {
      const parts = {
        logq: `runs.map((r) => ${em.batchLogq(logqOf(e, 'r'), perExample)})`,
        signal: `runs.map((r) => ${p.runSignal ?? lossOf('r.value')})`,
        perExample,
        samples,
        pass: (id: string) => `runs.map((r) => r.${id})`,
      };
      body.push(...surrogate(em, e, 'samples', parts, metrics));
    }
    metrics.push(...p.metrics);
  }
}

export function objectiveMember(em: ModelState, body: string[], metrics: string[]): string {
  const schedules = scheduleMetrics(em);
  return [
    'objective(batch: Batch, ctx: StepContext): ObjectiveResult {',
    ...body.map((l) => `  ${l}`),
    `  return { loss, value, metrics: { ${[...metrics, ...schedules].join(', ')} } };`,
    '},',
  ].join('\n');
}

/** Every schedule of the model as a reported metric (a number per step, as the progress bar shows). */
export function scheduleMetrics(em: ModelState): string[] {
  const out = new Map<string, string>();
  const emitter = new Fn(em.cx, () => undefined).emit;
  for (const [node, call] of em.model.calls) {
    if (call.name !== 'anneal' && call.name !== 'ramp') continue;
    const key = propKey(scheduleName(em, node));
    const code = `tf.scalar(${emitter.scheduleCall(call)})`;
    if (!out.has(key)) out.set(key, `${key}: ${code}`);
  }
  return [...out.values()];
}

/** A metric name for a schedule: the statement it defines, or `<statement>.<argument>`. */
export function scheduleName(em: ModelState, node: A.Expr): string {
  for (const { statement: st } of em.model.statements) {
    if (st.span.start > node.span.start || st.span.end < node.span.end) continue;
    if (st.kind === 'assign' && st.value === node) return st.targets[0].text;
    if (st.kind === 'sample') {
      const call = em.model.calls.get(st.distribution);
      for (const [p, a] of call?.args ?? []) if (a.expr === node) return `${st.target.text}.${p}`;
      return `${st.target.text}.schedule`;
    }
    if (st.kind === 'assign') return `${st.targets[0].text}.schedule`;
  }
  return 'schedule';
}

/** Every joint configuration of an enumerated variable without batch axis, as constant tensors. */
export function enumerationConfigs(em: ModelState, d: DistributionType, shape: number[], elements: number): string {
  em.cx.imports.runtime.add('jointConfigurations');
  const k = d.sig.enumerationSize === 'two' ? 2 : undefined;
  const size = k ?? Math.round(Math.pow(em.plan.estimators.find((e) => e.estimator === 'enumerate')!.enumeration!.size, 1 / Math.max(1, elements)));
  const eventRank = d.eventRank;
  const valueShape = shape.slice(0, shape.length - eventRank);
  const toValue = eventRank === 1 ? `tf.cast(tf.oneHot(tf.tensor(row, [${valueShape.map(literal).join(', ')}], 'int32'), ${literal(size)}), 'float32')` : `tf.tensor(row, [${valueShape.map(literal).join(', ')}])`;
  const id = em.cx.constant('configurations', `jointConfigurations(${literal(size)}, ${literal(elements)}).map((row) => ${toValue})`, 'tensors');
  return id;
}

/**
 * The objective body of a joint enumeration of `e` (compiler/estimators/enumerate.ts): `pass` evaluates the model at the
 * configuration `${zid}_c`, with the latent's distribution and the score-function nodes' log q in `r`.
 */
export function jointEnumeration(em: ModelState, 
  e: EstimatorDecision,
  pass: readonly string[],
  value: string,
  r: string,
  signal: string,
  lossOf: (v: string) => string,
  scored: readonly EstimatorDecision[],
): string[] {
  const zid = em.names.source(e.node);
  const shape = em.model.variables.get(e.node)?.shape ?? [];
  const st = em.model.statements.find((c) => c.statement.kind === 'sample' && c.statement.target.text === e.node && c.role !== 'prior')!.statement as A.Sample;
  const d = em.distType(st)!;
  const elements = shape.slice(0, shape.length - d.eventRank).reduce((a: number, b) => a * (b as number), 1);
  em.cx.imports.runtime.add('expectation');
  const perExample = em.plan.objective.perExample;
  const nodes: EnumeratedScoredNode[] = scored.map((n) => ({
    id: em.names.source(n.node),
    logq: `${r}.${em.ids.get(`${n.node}.logq`)}`,
    terms: (logqs, signals, probs) =>
      surrogate(em, n, 'enumerated', {
        logq: logqs,
        signal: signals,
        perExample,
        probs,
        pass: () => {
          throw new Error(`internal: per-pass values of '${n.node}' are not collected in a joint enumeration`);
        },
      }),
  }));
  return enumerate.jointObjective(
    {
      zid,
      reason: e.reason,
      configs: enumerationConfigs(em, d, shape as number[], elements),
      pass,
      value,
      probability: `tf.exp(tf.sum(${r}.${em.ids.get(`${e.node}.q`)}.logProb(${zid}_c)))`,
      signal,
      loss: lossOf,
    },
    nodes,
  );
}

export function emitDispose(): string {
  return [
    'dispose(): void {',
    '  for (const v of variables.values()) v.dispose();',
    '  tf.dispose(constants);',
    '},',
  ].join('\n');
}
