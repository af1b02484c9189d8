/**
 * The objective and members of a model with guide and generative blocks: the ELBO's terms per data point
 * (log-likelihoods and KL terms), per-data-point enumeration, `iwae`, custom objective expressions, and the
 * `trace`, `guide`, `posterior`, `prior`, `logLikelihood` and `sample` members.
 */
import type { ResolvedCall } from '../semantics/types.js';
import { estimatorModule } from '../estimators/registry.js';
import { literal } from './emit-expr.js';
import { monteCarloObjective, objectiveMember, surrogate, type PassBuilder } from './emit-objective.js';
import { tiledElbo, tiledEnumeration } from './emit-tiled.js';
import { Fn } from './fn.js';
import type { ModelState } from './model-state.js';
import { commentText, propKey, str } from './names.js';

/** One evaluation of a blocks model (guide, generative, terms) inside the objective, its identifiers suffixed. */
type Evaluation = (
  suffix: string,
  fixed?: string,
) => { lines: string[]; perExample?: string; value: string; loglik: Map<string, string>; kl: Map<string, string>; g: string; rowSignal?: string };

/** Objective terms of a blocks model: loglik per observed, KL per latent, per data point. */
export function termLines(em: ModelState, g: string, m: string, latentsFrom: Map<string, string> | undefined, batch = 'batch'): { lines: string[]; loglik: Map<string, string>; kl: Map<string, string>; statements: Map<string, string> } {
  const lines: string[] = [];
  const loglik = new Map<string, string>();
  const kl = new Map<string, string>();
  // The statement of each term, by its identifier (a caller keeps some terms only).
  const statements = new Map<string, string>();
  const add = (id: string, line: string) => {
    lines.push(line);
    statements.set(id, line);
  };
  for (const x of em.model.observed) {
    const id = em.names.derived(x, 'loglik');
    const data = em.data(x, batch);
    const shape = em.model.variables.get(x)?.shape ?? null;
    add(id, `const ${id} = ${em.perExampleReducer(shape)}(${m}.${em.ids.get(`${x}.p`)}.logProb(${data})); // log p(${commentText(x)} | ...), per data point`);
    loglik.set(x, id);
  }
  for (const z of em.model.latents) {
    const k = em.klOf(z);
    if (!k) continue;
    const id = em.names.derived(z, 'kl');
    const q = `${g}.${em.ids.get(`${z}.q`)}`;
    const p = `${m}.${em.ids.get(`${z}.p`)}`;
    const shape = em.model.variables.get(z)?.shape ?? null;
    const est = em.estimator(z);
    const value = latentsFrom?.get(z) ?? `${g}.${em.names.source(z)}`;
    const discrete = est && (estimatorModule(est.estimator).surrogate !== undefined || est.estimator === 'enumerate'); // drawn without a gradient path
    if (k.rule === 'sampled-log-ratio') {
      // The prior reads a latent the guide drew given this one: log q - log p at the guide's own draw, each
      // density taken from the draw's log-space representation (exact at any τ; stdlib log-space.ts).
      em.cx.imports.stdlib.add('logProbOfSample');
      add(id, `const ${id} = ${em.logRatio(z, em.perExampleReducer(shape), `logProbOfSample(${q}, ${value})`, `logProbOfSample(${p}, ${value})`)}; // KL(${commentText(z)}): ${commentText(k.reason)}`);
    } else if (k.method === 'mc' && discrete) {
      // A discrete posterior has no reparameterized draw: its Monte Carlo KL is log q - log p at the
      // model's own draw, whose score-function (or enumeration) credit covers the gradient. A relaxed family
      // under `with reinforce` is scored from its draw's log-space representation (exact at any τ).
      const guideSt = em.model.statements.find((x) => x.role === 'posterior' && x.statement.kind === 'sample' && x.statement.target.text === z)?.statement;
      // rebar/relax: inside a control variate's relaxed pass the value is a relaxed point of the simplex, whose
      // log-mass is the formula's extension (logProbOfSample -> relaxedLogProb), not the one-hot mask's -inf.
      const relaxed = (guideSt?.kind === 'sample' && em.distType(guideSt)?.sig.measure.startsWith('relaxed_') === true) || est?.estimator === 'rebar' || est?.estimator === 'relax';
      if (relaxed) em.cx.imports.stdlib.add('logProbOfSample');
      const lp = (d: string) => (relaxed ? `logProbOfSample(${d}, ${value})` : `${d}.logProb(${value})`);
      add(id, `const ${id} = ${em.logRatio(z, em.perExampleReducer(shape), lp(q), lp(p))}; // KL(${commentText(z)}): ${commentText(k.reason)}`);
    } else {
      em.cx.imports.stdlib.add('KL_COMPUTE');
      add(id, `const ${id} = ${em.perExampleReducer(shape)}(KL_COMPUTE[${str(k.rule)}](${q}, ${p}, { rng: ctx.rng, samples: ${literal(k.samples)} })); // KL(${commentText(z)}): ${commentText(k.reason)}`);
    }
    kl.set(z, id);
    if (em.perExampleReducer(shape) === 'tf.sum') em.scalarTerms.add(id);
  }
  return { lines, loglik, kl, statements };
}

export function blocksMembers(em: ModelState): string[] {
  const members: string[] = [];
  const hasShared = em.model.structure === 'blocks' && em.sharedStatements().length > 0;
  const sharedCall = sharedValues(hasShared, 'dims');
  const o = em.plan.objective;
  const enumerated = em.plan.estimators.find((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'per_example');
  const scored = em.scored();
  const body: string[] = ['const dims = dimsOf(batch);', `const s = ${sharedCall};`];
  const metrics: string[] = [];

  if (o.form === 'iwae') {
    const k = o.iwaeSamples ?? 1;
    // Score-function-like nodes under iwae (a multi-sample estimator such as VIMCO): each quantity their draws
    // bound is collected over the k samples, and their surrogates see the k log weights.
    const collected = scored.map((e) => ({ e, roles: (em.bound.get(e.node) ?? []).map((role) => [role, em.nodeId(e.node)(role), em.id(`${e.node}.iwae.${role}`, e.node, `${role}_samples`)] as const) }));
    body.push(
      `// iwae(samples = ${k}): log (1/k) Σ_i p(x, z_i) / q(z_i | x), per data point (Burda et al. 2016)`,
      'const logWeights: tf.Tensor[] = [];',
      ...collected.flatMap(({ roles }) => roles.map(([, , arr]) => `const ${arr}: tf.Tensor[] = [];`)),
      `for (let i = 0; i < ${k}; i++) {`,
      '  const g = guide(batch, ctx, dims, s);',
      ...collected.flatMap(({ roles }) => roles.map(([, id, arr]) => `  ${arr}.push(g.${id});`)),
      `  const m = generative(batch, ctx, dims, s, ${em.latentsLiteral('g')});`,
      `  const terms = [${[
        ...em.model.observed.map((x) => `${em.perExampleReducer(em.model.variables.get(x)?.shape ?? null)}(m.${em.ids.get(`${x}.p`)}.logProb(${em.data(x)}))`),
        ...em.model.latents.map((z) => {
          const zid = `g.${em.names.source(z)}`;
          // Densities of the relaxed draw from its log-space representation: exact at any τ (stdlib log-space.ts).
          em.cx.imports.stdlib.add('logProbOfSample');
          return em.logRatio(z, em.perExampleReducer(em.model.variables.get(z)?.shape ?? null), `logProbOfSample(m.${em.ids.get(`${z}.p`)}, ${zid})`, `logProbOfSample(g.${em.ids.get(`${z}.q`)}, ${zid})`);
        }),
      ].join(', ')}];`,
      '  logWeights.push(tf.addN(terms));',
      '}',
      `const bound = tf.sub(tf.logSumExp(tf.stack(logWeights), 0), Math.log(${k}));`,
      'const value = tf.mean(bound) as tf.Scalar;',
      `${scored.length > 0 ? 'let' : 'const'} loss = tf.neg(value) as tf.Scalar;`,
    );
    for (const { e, roles } of collected) {
      const arrays = new Map(roles.map(([role, , arr]) => [em.nodeId(e.node)(role), arr]));
      const logq = arrays.get(em.nodeId(e.node)('logq')) ?? '[]';
      body.push(...surrogate(em, e, 'iwae', { logq, signal: 'logWeights', perExample: true, samples: k, pass: (id) => arrays.get(id) ?? '[]' }, metrics));
    }
    metrics.push(`iwae: value`);
    members.push(objectiveMember(em, body, metrics));
    members.push(...blocksCommon(em, hasShared));
    return members;
  }

  // One evaluation: guide, generative, terms; the per-data-point elbo and the expression value.
  const evaluation: Evaluation = (suffix, fixed) => {
    if (tiledEnumeration(em)) {
      // Latents summed out by tiling the batch (emit-tiled.ts): one evaluation at every configuration.
      const sharedTiled = hasShared ? 'shared(tiledBatch, ctx, tiledDims)' : undefined;
      const ev = tiledElbo(em, (g, m, b) => termLines(em, g, m, undefined, b), sharedTiled);
      return { lines: ev.lines, perExample: ev.perExample, value: `tf.mean(elbo${suffix})`, loglik: ev.loglik, kl: ev.kl, g: ev.g, rowSignal: ev.rowSignal };
    }
    const g = `g${suffix}`;
    const m = `m${suffix}`;
    const lines = [`const ${g} = guide(batch, ctx, dims, s${fixed ? `, ${fixed}` : ''});`];
    if (enumerated) {
      // Per-data-point enumeration: E_q[log p(x | z)] = Σ_k q(k | x) log p(x | k), exactly.
      const z = enumerated.node;
      const [support, values, probs, value, expected] = ['support', 'values', 'probs', 'k', 'expected'].map((role) => em.id(`${z}.enum${suffix}.${role}`, z, role));
      const q = `${g}.${em.ids.get(`${z}.q`)}`;
      em.cx.imports.runtime.add('expectation');
      lines.push(
        `const ${support} = tf.unstack(${q}.enumerateSupport()); // ${enumerated.enumeration?.size} values per data point`,
        `const ${values}: tf.Tensor[] = [];`,
        `const ${probs}: tf.Tensor[] = [];`,
        `for (const ${value} of ${support}) {`,
        `  const ${m} = generative(batch, ctx, dims, s, { ${em.model.latents.map((l) => `${propKey(l)}: ${l === z ? value : em.latentValue(l, g)}`).join(', ')} });`,
      );
      const inner = termLines(em, g, m, new Map([[z, value]]));
      // Every KL term but z's own closed form depends on z's value (z's sampled log-ratio, or a prior that reads
      // z: log p(e | z) of a latent e): it belongs inside the sum, Σ_k q(k) [log p(x | k) - KL_k]. Terms that do
      // not depend on z are unchanged by the weighting (Σ_k q(k) = 1). Their expectations are the KL metrics.
      const zClosed = em.klOf(z)?.method !== 'mc';
      const innerKl = [...inner.kl].filter(([l]) => !(l === z && zClosed));
      const perK = innerKl.map(([l, id]) => ({ l, id, arr: em.id(`${l}.enum${suffix}.kl`, l, 'kls') }));
      // The per-configuration KL arrays are declared before the loop (above its `for` line and first statement).
      lines.splice(lines.length - 2, 0, ...perK.map((k) => `const ${k.arr}: tf.Tensor[] = [];`));
      // Inside the sum: every log-likelihood and every KL term that depends on z's value.
      lines.push(...[...inner.loglik.values(), ...innerKl.map(([, id]) => id)].map((id) => `  ${inner.statements.get(id)!}`));
      const logliks = [...inner.loglik.values()];
      const inside = innerKl.length > 0 ? `tf.sub(${em.sum(logliks)}, ${em.sum(innerKl.map(([, id]) => id))})` : em.sum(logliks);
      // q(k | x) per data point: a variable with axes beyond the batch ([B, 1]) takes k on all of them at once, so
      // its log-probability is summed over them first (else [B, 1] probabilities broadcast against [B] values).
      const reduce = em.perExampleReducer(em.model.variables.get(z)?.shape ?? null);
      lines.push(`  ${values}.push(${inside});`, ...perK.map((k) => `  ${k.arr}.push(${k.id});`), `  ${probs}.push(tf.exp(${reduce}(${q}.logProb(${value}))));`, '}');
      lines.push(`const ${expected} = expectation(${values}, ${probs});`);
      lines.push(...perK.map((k) => `const ${k.id} = expectation(${k.arr}, ${probs});`));
      // z's closed-form KL does not depend on its value: computed once, outside the sum.
      const mOut = `${m}_out`;
      const outer = termLines(em, g, mOut, undefined);
      const outerKl = [...outer.kl].filter(([l]) => l === z && zClosed);
      if (outerKl.length > 0) {
        lines.push(`const ${mOut} = generative(batch, ctx, dims, s, { ${em.model.latents.map((l) => `${propKey(l)}: ${l === z ? `${support}[0]` : em.latentValue(l, g)}`).join(', ')} });`);
        lines.push(...outerKl.map(([, id]) => outer.statements.get(id)!));
      }
      const perExample = outerKl.length > 0 ? `tf.sub(${expected}, ${em.sum(outerKl.map(([, id]) => id))})` : expected;
      const kl = new Map([...perK.map((k): [string, string] => [k.l, k.id]), ...outerKl]);
      return { lines, perExample, value: `tf.mean(${perExample})`, loglik: new Map(), kl, g };
    }
    lines.push(`const ${m} = generative(batch, ctx, dims, s, ${em.latentsLiteral(g)});`);
    const t = termLines(em, g, m, undefined);
    lines.push(...t.lines);
    const elboPerExample = t.kl.size > 0 ? `tf.sub(${em.sum([...t.loglik.values()])}, ${em.sum([...t.kl.values()])})` : em.sum([...t.loglik.values()]);
    if (o.form === 'elbo') return { lines, perExample: elboPerExample, value: `tf.mean(elbo${suffix})`, loglik: t.loglik, kl: t.kl, g };
    // A custom expression of loglik(x), kl(z), elbo and the model's names.
    const termFn = (call: ResolvedCall): string => {
      const v = call.args.get('variable');
      const n = v?.expr.kind === 'ident' ? v.expr.name : '';
      if (call.name === 'loglik') return `tf.mean(${t.loglik.get(n)})`;
      if (call.name === 'kl') return `tf.mean(${t.kl.get(n)})`;
      return `tf.mean(${elboPerExample})`;
    };
    const exprFn = new Fn(em.cx, (n) => objectiveName(em, n, g, m), termFn);
    const valueCode = exprFn.emit.expr(em.model.objective!.expr);
    lines.push(...exprFn.scope.prelude);
    return { lines, value: valueCode, loglik: t.loglik, kl: t.kl, g };
  };

  // A pass: one evaluation, with the per-data-point ELBO bound as `elbo` (the signal of score-function nodes when
  // the objective decomposes over the batch).
  const perData = o.perExample;
  const bodyMetrics = [o.form === 'elbo' ? 'elbo: value' : 'objective: value'];
  const build: PassBuilder = (mode, fixed) => {
    const suffix = mode === 'at' ? `_at${++em.extraEvaluations}` : '';
    const ev = evaluation(suffix, fixed);
    const elbo = `elbo${suffix}`;
    const comment = { single: ' // per data point', run: '', config: ' // per data point, at this configuration', at: ' // per data point, at the fixed values' }[mode];
    const lines = [...ev.lines, ...(ev.perExample ? [`const ${elbo} = ${ev.perExample};${comment}`] : [])];
    const metrics =
      mode === 'single'
        ? [...(ev.perExample ? ['elbo: value'] : []), ...[...ev.loglik].map(([x, id]) => `${propKey(`loglik_${x}`)}: tf.mean(${id})`), ...[...ev.kl].map(([z, id]) => `${propKey(`kl_${z}`)}: tf.mean(${id})`)]
        : bodyMetrics;
    return {
      lines,
      ref: ev.g,
      value: ev.value,
      // A tiled enumeration's score-function nodes draw per row: their signal is per row (emit-tiled.ts).
      ...(ev.perExample && perData ? { signal: ev.rowSignal ?? `tf.neg(${elbo})`, runSignal: `tf.neg(r.${elbo})` } : {}),
      ...(ev.perExample ? { runField: elbo } : {}),
      metrics,
    };
  };
  const joint = em.plan.estimators.find((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'joint');
  monteCarloObjective(em, build, joint, body, metrics);
  members.push(objectiveMember(em, body, metrics));
  members.push(...blocksCommon(em, hasShared));
  return members;
}

/** How a source name reads inside the objective expression of a blocks model. */
export function objectiveName(em: ModelState, name: string, g: string, m: string): string | undefined {
  const defs = em.model.definitions.get(name) ?? [];
  const def = defs.find((d) => d.kind === 'data') ?? defs[0];
  if (!def) return undefined;
  if (def.kind === 'param') return em.names.source(name);
  if (def.kind === 'data') return em.data(name);
  if (def.block === 'model') return `s.${em.names.source(name)}`;
  return `${def.block === 'guide' ? g : m}.${em.names.source(name)}`;
}

/** The model-level values passed to guide and generative: `shared(...)` with the run-time dimensions `dims`, or none. */
function sharedValues(hasShared: boolean, dims: string): string {
  return hasShared ? `shared(batch, ctx, ${dims})` : '{}';
}

/** trace, guide, posterior, prior, logLikelihood and sample of a blocks model. */
export function blocksCommon(em: ModelState, hasShared: boolean): string[] {
  const sharedCall = sharedValues(hasShared, 'dims');
  const guideLatents = em.model.latents.map((z) => `${propKey(z)}: ${em.latentValue(z, 'g')}`);
  const observedSamples = em.model.observed.map((x) => `${propKey(x)}: m.${em.ids.get(`${x}.p`)}.sample(${em.observedSampleArgs(x)})`);
  const batchDim = em.model.runtimeDims[0];
  return [
    [
      'trace(batch: Batch, ctx: StepContext): Array<[string, tf.Tensor]> {',
      '  const dims = dimsOf(batch);',
      `  const s = ${sharedCall};`,
      '  const g = guide(batch, ctx, dims, s);',
      `  const m = generative(batch, ctx, dims, s, ${em.latentsLiteral('g')});`,
      `  const values: Array<[string, unknown]> = ${em.traceList([['shared', 's'], ['guide', 'g'], ['generative', 'm']])};`,
      '  return values.filter((e): e is [string, tf.Tensor] => e[1] instanceof tf.Tensor);',
      '},',
    ].join('\n'),
    [
      'guide(batch: Batch, ctx: StepContext): Record<string, tf.Tensor> {',
      '  const dims = dimsOf(batch);',
      `  const g = guide(batch, ctx, dims, ${sharedCall});`,
      `  return { ${guideLatents.join(', ')} };`,
      '},',
    ].join('\n'),
    [
      'posterior(batch: Batch, ctx: StepContext): Record<string, Distribution> {',
      `  const g = guide(batch, ctx, dimsOf(batch), ${sharedValues(hasShared, 'dimsOf(batch)')});`,
      `  return { ${em.model.latents.map((z) => `${propKey(z)}: g.${em.ids.get(`${z}.q`)}`).join(', ')} };`,
      '},',
    ].join('\n'),
    [
      'prior(batch: Batch, ctx: StepContext): Record<string, Distribution> {',
      '  const dims = dimsOf(batch);',
      `  const s = ${sharedCall};`,
      '  const g = guide(batch, ctx, dims, s);',
      `  const m = generative(batch, ctx, dims, s, ${em.latentsLiteral('g')});`,
      `  return { ${em.model.latents.map((z) => `${propKey(z)}: m.${em.ids.get(`${z}.p`)}`).join(', ')} };`,
      '},',
    ].join('\n'),
    [
      'logLikelihood(batch: Batch, ctx: StepContext, latents: Latents): tf.Tensor {',
      '  const dims = dimsOf(batch);',
      `  const m = generative(batch, ctx, dims, ${sharedCall}, latents);`,
      `  return ${em.sum(em.model.observed.map((x) => `${em.perExampleReducer(em.model.variables.get(x)?.shape ?? null)}(m.${em.ids.get(`${x}.p`)}.logProb(${em.data(x)}))`))};`,
      '},',
    ].join('\n'),
    [
      'sample(n: number, ctx: StepContext): Record<string, tf.Tensor> {',
      `  const dims: Dims = { ${batchDim ? `${propKey(batchDim)}: n` : ''} };`,
      '  const batch: Batch = {};',
      `  const m = generative(batch, ctx, dims, ${sharedCall}, null);`,
      `  return { ${[...em.model.latents.map((z) => `${propKey(z)}: m.${em.names.source(z)}`), ...observedSamples].join(', ')} };`,
      '},',
    ].join('\n'),
  ];
}
