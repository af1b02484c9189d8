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
import type { Evaluation } from './emit-blocks.js';

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

/** An estimator's extra evaluation of a blocks model with nodes fixed (SurrogateContext.evaluateAt). */
export function blocksEvaluateAt(em: ModelState, evaluation: Evaluation, fixed: Readonly<Record<string, string>>, perExample: boolean): { lines: string[]; signal: string } {
  const suffix = `_at${++em.extraEvaluations}`;
  const ev = evaluation('', suffix);
  ev.lines[0] = `const ${ev.g} = guide(batch, ctx, dims, s, ${em.fixedLiteral(fixed)});`;
  const lines = [...ev.lines, ...(ev.perExample ? [`const elbo${suffix} = ${ev.perExample}; // per data point, at the fixed values`] : [])];
  const maximize = em.model.objective!.sense === 'maximize';
  const signal = perExample ? `tf.neg(elbo${suffix})` : maximize ? `tf.neg(${ev.value})` : ev.value;
  return { lines, signal };
}

/** An estimator's extra evaluation of a flat model with nodes fixed (SurrogateContext.evaluateAt). */
export function flatEvaluateAt(em: ModelState, 
  valueOf: (r: string) => { prelude: string[]; value: string; perExample?: string },
  lossOf: (v: string) => string,
  fixed: Readonly<Record<string, string>>,
): { lines: string[]; signal: string } {
  const r = `r_at${++em.extraEvaluations}`;
  const v = valueOf(r);
  const lines = [`const ${r} = forward(batch, ctx, dims, ${em.fixedLiteral(fixed)});`, ...v.prelude];
  return { lines, signal: v.perExample ? lossOf(v.perExample) : lossOf(v.value) };
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
  const out: string[] = [];
  const emitter = new Fn(em.cx, () => undefined).emit;
  for (const [node, call] of em.model.calls) {
    if (call.name !== 'anneal' && call.name !== 'ramp') continue;
    const key = scheduleName(em, node);
    const code = `tf.scalar(${emitter.scheduleCall(call)})`;
    if (!out.some((o) => o.startsWith(`${propKey(key)}:`))) out.push(`${propKey(key)}: ${code}`);
  }
  return out;
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

export function emitDispose(em: ModelState): string {
  return [
    'dispose(): void {',
    '  for (const v of variables.values()) v.dispose();',
    '  tf.dispose(constants);',
    '},',
  ].join('\n');
}
