/**
 * The model's functions inside `create`: `dimsOf(batch)`, `shared` (model-level values), `guide` q(latents | data)
 * and `generative` p(latents) p(data | latents), or `forward` for a flat model; one statement per source
 * statement with its line in a comment. A sampled node draws as its estimator module says (`draw`).
 */
import type * as A from '../syntax/ast.js';
import type { CheckedStatement, DistributionType, TensorType } from '../semantics/types.js';
import { estimatorModule } from '../estimators/registry.js';
import { Fn } from './fn.js';
import { latentRead, type ModelState } from './model-state.js';
import { commentText, propKey, str } from './names.js';

/** dimsOf(batch): every named dimension from the first data declaration that has it. */
export function emitDims(em: ModelState): void {
  const entries: string[] = [];
  for (const dim of em.model.runtimeDims) {
    let found: string | undefined;
    for (const { statement: st } of em.model.statements) {
      if (st.kind !== 'data') continue;
      const shape = em.model.variables.get(st.name.text)?.shape ?? [];
      const axis = shape.indexOf(dim);
      if (axis >= 0) {
        em.cx.imports.runtime.add('requireData');
        found = `requireData(batch, ${str(st.name.text)}).shape[${axis}]`;
        break;
      }
    }
    entries.push(`${propKey(dim)}: ${found ?? 'undefined'}`);
  }
  if (em.model.structure === 'blocks') em.cx.imports.stdlibTypes.add('Distribution');
  em.functions.push(
    `/** The run-time dimensions (${commentText(em.model.runtimeDims.join(', ')) || 'none'}), read from the shapes of the batch's data. */\nfunction dimsOf(batch: Batch): Dims {\n  return { ${entries.join(', ')} };\n}`,
  );
}

/** Resolves a source name not yet bound in a function: data from the batch, params, shared values. */
export function resolver(em: ModelState, kind: 'shared' | 'guide' | 'generative' | 'forward') {
  return (name: string, fn: Fn): string | undefined => {
    const defs = em.model.definitions.get(name) ?? [];
    const def = defs.find((d) => d.kind === 'data') ?? defs[0];
    if (!def) return undefined;
    if (def.kind === 'param') return em.names.source(name);
    if (def.kind === 'data') {
      const id = em.names.source(name);
      if (!fn.scope.hoisted.has(`data:${name}`)) {
        em.cx.imports.runtime.add('requireData');
        fn.scope.prelude.push(`const ${id} = requireData(batch, ${str(name)});`);
        fn.scope.hoisted.set(`data:${name}`, id);
      }
      return id;
    }
    if (def.block === 'model' && def.kind === 'det' && kind !== 'shared' && kind !== 'forward') return `s.${em.names.source(name)}`;
    return undefined;
  };
}

export function emitShared(em: ModelState): void {
  const fn = new Fn(em.cx, resolver(em, 'shared'));
  for (const s of em.sharedStatements()) emitStatement(em, fn, s, 'shared');
  em.recordTrace('shared', fn);
  const names = [...fn.returns.keys()];
  em.functions.push(
    `/** Model-level values, computed once per evaluation and read by guide and generative. */\nfunction shared(batch: Batch, ctx: StepContext, dims: Dims) {\n${fn.body()}\n}`,
  );
  void names;
}

export function emitGuide(em: ModelState): void {
  const fn = new Fn(em.cx, resolver(em, 'guide'));
  for (const s of em.model.statements.filter((x) => x.block === 'guide')) emitStatement(em, fn, s, 'guide');
  em.recordTrace('guide', fn);
  em.functions.push(
    `/** The guide q(${commentText(em.model.latents.join(', '))} | data), with each latent sampled by its planned estimator. */\nfunction guide(batch: Batch, ctx: StepContext, dims: Dims, s: Shared, fixed: Fixed = {}) {\n${fn.body()}\n}`,
  );
}

export function emitGenerative(em: ModelState): void {
  const fn = new Fn(em.cx, resolver(em, 'generative'));
  for (const s of em.model.statements.filter((x) => x.block === 'generative')) emitStatement(em, fn, s, 'generative');
  em.recordTrace('generative', fn);
  em.functions.push(
    `/**\n * The generative model p(${commentText(em.model.latents.join(', '))}) p(${commentText(em.model.observed.join(', '))} | ...): given the guide's latents (training), or\n * sampling them from their priors (latents = null, \`sample\`).\n */\nfunction generative(batch: Batch, ctx: StepContext, dims: Dims, s: Shared, latents: Latents | null) {\n${fn.body()}\n}`,
  );
}

export function emitForward(em: ModelState): void {
  const fn = new Fn(em.cx, resolver(em, 'forward'));
  for (const s of em.model.statements) emitStatement(em, fn, s, 'forward');
  em.recordTrace('forward', fn);
  em.functions.push(
    `/** Every statement in order, each stochastic node sampled by its planned estimator (or fixed). */\nfunction forward(batch: Batch, ctx: StepContext, dims: Dims, fixed: Fixed = {}) {\n${fn.body()}\n}`,
  );
}

/** One statement inside a function. */
export function emitStatement(em: ModelState, fn: Fn, s: CheckedStatement, where: 'shared' | 'guide' | 'generative' | 'forward'): void {
  const st = s.statement;
  const at = `line ${em.line(st.span)}: ${em.src(st.span)}`;
  switch (st.kind) {
    case 'data':
    case 'param':
    case 'const':
    case 'kl_override':
      return;
    case 'assign': {
      if (st.targets.length > 1) {
        const ids = st.targets.map((t) => em.names.source(t.text));
        fn.lines.push(`const [${ids.join(', ')}] = ${fn.emit.expr(st.value)}; // ${commentText(at)}`);
        for (const [i, t] of st.targets.entries()) {
          fn.scope.values.set(t.text, ids[i]);
          fn.returns.set(ids[i], ids[i]);
        }
        return;
      }
      const id = em.names.source(st.targets[0].text);
      // A statement that is a schedule (`Cd = ramp(...)`) computes the number in place.
      const call = st.value.kind === 'call' ? em.model.calls.get(st.value) : undefined;
      const isSchedule = call !== undefined && (call.name === 'anneal' || call.name === 'ramp');
      fn.bind(id, isSchedule ? fn.emit.scheduleCall(call) : fn.emit.expr(st.value), at);
      fn.scope.values.set(st.targets[0].text, id);
      return;
    }
    case 'sample':
      return emitSample(em, fn, st, s.role ?? 'sample', where, at);
  }
}

export function emitSample(em: ModelState, fn: Fn, st: A.Sample, role: NonNullable<CheckedStatement['role']>, where: string, at: string): void {
  const name = st.target.text;
  const d = em.distType(st)!;
  const id = em.names.source(name);
  const full = em.model.variables.get(name)?.shape ?? null;
  const generativeFlow = em.ids.get(`${name}.p.flow`);
  const pExtra: Record<string, string> = generativeFlow && d.sig.ownParams === 'planar_flow' && d.call.name !== 'fit_prior' ? { flow: `${generativeFlow}.flow` } : {};
  if (role === 'prior') {
    const pid = em.id(`${name}.p`, name, 'p');
    fn.bind(pid, d.call.name === 'fit_prior' ? priorCode(em, fn, st, d) : fn.emit.distribution(d.call, pExtra), at);
    fn.bind(id, `latents ? ${latentRead(name)} : ${pid}.sample(ctx.rng${em.sampleShape(d.sampleShape, full)})`, 'the guide\'s sample in training; a prior draw in `sample`');
    fn.scope.values.set(name, id);
    return;
  }
  if (role === 'likelihood') {
    fn.bind(em.id(`${name}.p`, name, 'p'), fn.emit.distribution(d.call, pExtra), at);
    return;
  }
  // A sampled node (guide latent or flat stochastic variable): its estimator module decides how it is drawn.
  const est = em.estimator(name);
  const module = est ? estimatorModule(est.estimator) : undefined;
  const qid = em.id(`${name}.q`, name, role === 'posterior' ? 'q' : 'dist');
  const family = d.sig.name;
  const extra: Record<string, string> = {};
  if (d.sig.ownParams === 'planar_flow') extra.flow = `${em.ids.get(`${name}.flow`)}.flow`;
  if (est && module?.distributionOptions) Object.assign(extra, module.distributionOptions(est, family, d.sig));
  fn.bind(qid, fn.emit.distribution(d.call, extra), at);
  const ss = em.sampleShape(d.sampleShape, full);
  if (!est || !module) {
    fn.bind(id, `${qid}.rsample(ctx.rng${ss})`);
    fn.scope.values.set(name, id);
    return;
  }
  const roles: string[] = [];
  em.bound.set(name, roles);
  const drawn = module.draw(est, {
    ...em.codeText(),
    id: em.nodeId(name),
    q: qid,
    value: id,
    sampleArgs: `ctx.rng${ss}`,
    fixed: `fixed.${id}`,
    fixedRole: (r) => `fixed.${em.nodeId(name)(r)}`,
    family,
    sig: d.sig,
    relaxed: d.sig.measure.startsWith('relaxed_'),
    perExample: (code) => `${em.perExampleReducer(full)}(${code})`,
    bindValue: (code, comment) => fn.bind(id, code, comment),
    bind: (r, code, comment) => {
      const rid = em.nodeId(name)(r);
      fn.bind(rid, code, comment);
      roles.push(r);
      return rid;
    },
  });
  if (drawn === 'summed_out') return;
  fn.scope.values.set(name, id);
  void where;
}

/** The prior's distribution: fit_prior uses the fitted Gaussian parameters from `create`. */
export function priorCode(em: ModelState, fn: Fn, st: A.Sample, d: DistributionType): string {
  if (d.call.name !== 'fit_prior') return fn.emit.distribution(d.call);
  const name = st.target.text;
  const family = d.sig.name;
  em.cx.imports.stdlib.add(family);
  const tau = fn.emit.expr(d.call.args.get('tau')!.expr);
  const delta = d.call.args.get('delta');
  if ((d.call.args.get('tau')!.type as TensorType).schedule) return `${em.ids.get(`${name}.fit`)}.at(${tau}${delta ? `, ${fn.emit.expr(delta.expr)}` : ''})`;
  return `new ${family}({ mu: ${em.ids.get(`${name}.prior.mu`)}, sigma: ${em.ids.get(`${name}.prior.sigma`)}, tau: ${tau}${delta ? `, delta: ${fn.emit.expr(delta.expr)}` : ''} })`;
}
