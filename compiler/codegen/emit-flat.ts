/**
 * The objective and members of a flat model (no guide block): the objective expression over one `forward` pass,
 * its score-function and enumerated nodes, and the `trace`, `guide` and `sample` members.
 */
import type * as A from '../syntax/ast.js';
import type { ResolvedCall } from '../semantics/types.js';
import { monteCarloObjective, objectiveMember, type PassBuilder } from './emit-objective.js';
import { tiledEnumeration, tiledFlatLoglik, tiledFlatPass } from './emit-tiled.js';
import { Fn } from './fn.js';
import type { ModelState } from './model-state.js';
import { propKey } from './names.js';

export function flatMembers(em: ModelState): string[] {
  const o = em.model.objective!;
  const enumerated = em.plan.estimators.find((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'joint');
  // Variables with one value per data point summed out of the loglik terms, by one pass on the tiled batch (emit-tiled.ts).
  const tiled = tiledEnumeration(em) !== undefined;
  const perExample = em.plan.objective.perExample;
  const body: string[] = ['const dims = dimsOf(batch);'];
  const metrics: string[] = [];
  // The objective expression over a forward pass `r`.
  const valueOf = (r: string): { prelude: string[]; value: string; perExample?: string } => {
    // loglik(x) of an observed variable of a flat model: its likelihood at the data, averaged over the batch.
    const term = (call: ResolvedCall): string => {
      const v = call.args.get('variable')!.expr as A.Identifier;
      const shape = em.model.variables.get(v.name)?.shape ?? null;
      if (tiled) return `tf.mean(${tiledFlatLoglik(em, r, v.name)})`; // log p(x) = log Σ_y p(y) p(x | y), per data point
      return `tf.mean(${em.perExampleReducer(shape)}(${r}.${em.ids.get(`${v.name}.p`)}.logProb(${em.data(v.name)})))`;
    };
    const fn = new Fn(em.cx, (n) => flatName(em, n, r), term);
    const value = fn.emit.expr(o.expr);
    let per: string | undefined;
    if (perExample && o.expr.kind === 'call') {
      const call = em.model.calls.get(o.expr)!;
      const inner = fn.emit.expr(call.args.get('x')!.expr);
      em.cx.imports.runtime.add('sumToBatch');
      per = call.name === 'mean' ? `sumToBatch(${inner})` : `sumToBatch(${inner})`;
    }
    return { prelude: fn.scope.prelude, value, ...(per ? { perExample: per } : {}) };
  };
  const lossOf = (v: string) => (o.sense === 'maximize' ? `tf.neg(${v})` : v);
  // A pass: one forward run `r` (or `r_atN` for an estimator's extra evaluation) and the objective over it.
  const build: PassBuilder = (mode, fixed) => {
    const r = mode === 'at' ? `r_at${++em.extraEvaluations}` : 'r';
    const tile = tiled ? tiledFlatPass(em) : undefined;
    const call = tile ? `const ${r} = forward(tiledBatch, ctx, tiledDims, ${tile.fixed});` : `const ${r} = forward(batch, ctx, dims${fixed ? `, ${fixed}` : ''});`;
    const v = valueOf(r);
    return {
      lines: [...(tile?.lines ?? []), call, ...v.prelude],
      ref: r,
      value: v.value,
      ...(v.perExample ? { signal: lossOf(v.perExample), runField: `perExample: ${v.perExample}`, runSignal: lossOf('r.perExample') } : {}),
      metrics: [],
    };
  };
  monteCarloObjective(em, build, enumerated, body, metrics);
  metrics.push('objective: value');
  const stochastic = em.model.statements.filter((s) => s.statement.kind === 'sample' && s.role !== 'likelihood').map((s) => (s.statement as A.Sample).target.text);
  const observed = em.model.observed.map((x) => `${propKey(x)}: r.${em.ids.get(`${x}.p`)}.sample(${em.observedSampleArgs(x)})`);
  const batchDim = em.model.runtimeDims[0];
  return [
    objectiveMember(em, body, metrics),
    [
      'trace(batch: Batch, ctx: StepContext): Array<[string, tf.Tensor]> {',
      '  const r = forward(batch, ctx, dimsOf(batch));',
      `  const values: Array<[string, unknown]> = ${em.traceList([['forward', 'r']])};`,
      '  return values.filter((e): e is [string, tf.Tensor] => e[1] instanceof tf.Tensor);',
      '},',
    ].join('\n'),
    [
      'guide(batch: Batch, ctx: StepContext): Record<string, tf.Tensor> {',
      '  const r = forward(batch, ctx, dimsOf(batch));',
      `  return { ${stochastic.map((n) => `${propKey(n)}: r.${em.names.source(n)}`).join(', ')} };`,
      '},',
    ].join('\n'),
    [
      'sample(n: number, ctx: StepContext): Record<string, tf.Tensor> {',
      `  const dims: Dims = { ${batchDim ? `${propKey(batchDim)}: n` : ''} };`,
      '  const r = forward({}, ctx, dims);',
      `  return { ${[...stochastic.map((n) => `${propKey(n)}: r.${em.names.source(n)}`), ...observed].join(', ')} };`,
      '},',
    ].join('\n'),
  ];
}

export function flatName(em: ModelState, name: string, r: string): string | undefined {
  const defs = em.model.definitions.get(name) ?? [];
  const def = defs.find((d) => d.kind === 'data') ?? defs[0];
  if (!def) return undefined;
  if (def.kind === 'param') return em.names.source(name);
  if (def.kind === 'data') return em.data(name);
  return `${r}.${em.names.source(name)}`;
}
