/**
 * The objective and members of a flat model (no guide block): the objective expression over one `forward` pass,
 * its score-function and enumerated nodes, and the `trace`, `guide` and `sample` members.
 */
import type * as A from '../syntax/ast.js';
import type { ResolvedCall } from '../semantics/types.js';
import { flatEvaluateAt, jointEnumeration, objectiveMember, surrogate } from './emit-objective.js';
import { Fn } from './fn.js';
import type { ModelState } from './model-state.js';
import { propKey } from './names.js';

export function flatMembers(em: ModelState): string[] {
  const o = em.model.objective!;
  const enumerated = em.plan.estimators.find((e) => e.estimator === 'enumerate');
  const scored = em.scored();
  const samples = Math.max(1, ...scored.map((e) => e.samples));
  const perExample = em.plan.objective.perExample;
  const body: string[] = ['const dims = dimsOf(batch);'];
  const metrics: string[] = [];
  // The objective expression over a forward pass `r`.
  const valueOf = (r: string): { prelude: string[]; value: string; perExample?: string } => {
    // loglik(x) of an observed variable of a flat model: its likelihood at the data, averaged over the batch.
    const term = (call: ResolvedCall): string => {
      const v = call.args.get('variable')!.expr as A.Identifier;
      const shape = em.model.variables.get(v.name)?.shape ?? null;
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

  if (enumerated) {
    const zid = em.names.source(enumerated.node);
    const v = valueOf('r');
    const pass = [`  const r = forward(batch, ctx, dims, { ${zid}: ${zid}_c });`, ...v.prelude.map((l) => `  ${l}`)];
    const signal = v.perExample ? lossOf(v.perExample) : lossOf(v.value);
    body.push(...jointEnumeration(em, enumerated, pass, v.value, 'r', signal, lossOf, scored));
  } else if (samples === 1) {
    body.push('const r = forward(batch, ctx, dims);');
    const v = valueOf('r');
    body.push(...v.prelude, `const value = ${v.value} as tf.Scalar;`, `let loss = ${lossOf('value')} as tf.Scalar;`);
    for (const e of scored) {
      const signal = v.perExample ? lossOf(v.perExample) : lossOf('value');
      const logq = em.batchLogq(`r.${em.ids.get(`${e.node}.logq`)}`, Boolean(v.perExample));
      body.push(...surrogate(em, e, 'single', { logq, signal, perExample: Boolean(v.perExample), pass: (id) => `r.${id}`, evaluateAt: (fixed) => flatEvaluateAt(em, valueOf, lossOf, fixed) }, metrics));
    }
    if (scored.length === 0) body[body.length - 1] = body[body.length - 1].replace('let loss', 'const loss');
  } else {
    body.push(`const runs = Array.from({ length: ${samples} }, () => {`, '  const r = forward(batch, ctx, dims);');
    const v = valueOf('r');
    body.push(...v.prelude.map((l) => `  ${l}`), `  const value = ${v.value};`);
    body.push(`  return { value${v.perExample ? `, perExample: ${v.perExample}` : ''}, ${em.runFields(scored, 'r')} };`, '});');
    body.push('const value = tf.mean(tf.stack(runs.map((r) => r.value))) as tf.Scalar;', `let loss = ${lossOf('value')} as tf.Scalar;`);
    for (const e of scored) {
      const signal = v.perExample ? `(r) => ${lossOf('r.perExample')}` : `(r) => ${lossOf('r.value')}`;
      const logq = `runs.map((r) => ${em.batchLogq(`r.${em.ids.get(`${e.node}.logq`)}`, Boolean(v.perExample))})`;
      body.push(...surrogate(em, e, 'samples', { logq, signal: `runs.map(${signal})`, perExample: Boolean(v.perExample), samples, pass: (id) => `runs.map((r) => r.${id})` }, metrics));
    }
  }
  metrics.push('objective: value');
  const stochastic = em.model.statements.filter((s) => s.statement.kind === 'sample' && s.role !== 'likelihood').map((s) => (s.statement as A.Sample).target.text);
  const observed = em.model.observed.map((x) => `${propKey(x)}: r.${em.ids.get(`${x}.p`)}.sample(ctx.rng)`);
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
      `  const r = forward({}, ctx, { ${batchDim ? `${propKey(batchDim)}: n` : ''} });`,
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
