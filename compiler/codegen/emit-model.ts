/**
 * Emits the body of a generated model module (docs/language.md, "Generated code"): weights and parameters created once in
 * `create`, one function per part of the model (`shared` model-level values, `guide` q(latents | data),
 * `generative` p(latents) p(data | latents), or `forward` for a flat graph), and the objective that applies the
 * analysis plan's estimators. Each emitted statement carries a comment with its source line.
 */
import { straightThroughByHardFlag } from '../../stdlib/signatures/index.js';
import type * as A from '../syntax/ast.js';
import { flattenConst } from '../semantics/constant.js';
import { isNamedDim, type Dim } from '../semantics/shape.js';
import type { CheckedModel, CheckedStatement, DistributionType, ResolvedCall, TensorType } from '../semantics/types.js';
import type { EstimatorDecision, KlDecision, Plan } from '../analysis/plan.js';
import { EmitContext, ExprEmitter, literal, type Scope } from './emit-expr.js';
import { jointEnumerationLines, type ScoredNode } from './enumerate-score.js';
import { commentText, member, NameTable, propKey, str } from './names.js';

/** The pieces of the module, assembled by generate.ts. */
export interface ModelCode {
  readonly hyper: ReadonlyArray<[string, number]>;
  /** Statements of `create` before the functions (weights, params, priors, baselines). */
  readonly setup: readonly string[];
  /** Entries of the variables map: expressions yielding [name, tf.Variable] pairs, spread into the Map. */
  readonly variableEntries: readonly string[];
  /** Local function declarations inside `create`. */
  readonly functions: readonly string[];
  /** The returned ModelInstance object literal's members. */
  readonly members: readonly string[];
  readonly imports: { stdlib: string[]; runtime: string[] };
  /** Identifiers of the EMA baselines, updated after each optimizer step. */
  readonly baselines: readonly string[];
}

/** A generated function under construction. */
class Fn {
  readonly lines: string[] = [];
  readonly returns = new Map<string, string>();
  readonly scope: Scope;
  readonly emit: ExprEmitter;

  constructor(
    cx: EmitContext,
    resolve: (name: string, fn: Fn) => string | undefined,
    objectiveTerm?: (call: ResolvedCall) => string,
  ) {
    const prelude: string[] = [];
    this.scope = { values: new Map(), prelude, hoisted: new Map(), resolve: (n) => resolve(n, this) };
    this.emit = new ExprEmitter(cx, this.scope, objectiveTerm);
  }

  /** Adds `const id = code;` with a trailing comment (made comment-safe), and records the value for the return object. */
  bind(id: string, code: string, comment?: string, returned = true): void {
    this.lines.push(`const ${id} = ${code};${comment ? ` // ${commentText(comment)}` : ''}`);
    if (returned) this.returns.set(id, id);
  }

  /** The function body: prelude (data, schedules), statements, return. */
  body(extraReturn: string[] = []): string {
    const ret = [...[...this.returns.keys()].map((k) => (this.returns.get(k) === k ? k : `${k}: ${this.returns.get(k)}`)), ...extraReturn];
    return [...this.scope.prelude, ...this.lines, `return { ${ret.join(', ')} };`].join('\n');
  }
}

/** Emits the model. */
export class ModelEmitter {
  private readonly names = new NameTable();
  private readonly cx: EmitContext;
  private readonly setup: string[] = [];
  private readonly variableEntries: string[] = [];
  private readonly functions: string[] = [];
  private readonly ids = new Map<string, string>();
  private readonly usedHyper = new Set<string>();
  /** Source names each model function returns, in statement order, with their identifiers (for `trace`). */
  private readonly traced = new Map<'shared' | 'guide' | 'generative' | 'forward', Array<[string, string]>>();
  /** Objective terms that are scalars (KL of a latent without batch axis), which tf.addN cannot add to [B] terms. */
  private readonly scalarTerms = new Set<string>();

  constructor(
    private readonly model: CheckedModel,
    private readonly plan: Plan,
  ) {
    this.names.reserveSource([...model.definitions.keys()]);
    this.cx = new EmitContext(model, this.names);
  }

  /** The identifier derived from source name `name` for a purpose key (e.g. 'z.q' -> `z$q`), allocated once. */
  private id(key: string, name: string, role: string): string {
    let id = this.ids.get(key);
    if (!id) {
      id = this.names.derived(name, role);
      this.ids.set(key, id);
    }
    return id;
  }

  private line(span: A.Expr['span'] | { start: number }): number {
    return this.model.file.position(span.start).line;
  }

  /** Source text for a comment: whitespace collapsed, comment-safe. */
  private src(span: { start: number; end: number }): string {
    return commentText(this.model.file.slice(span).replace(/\s+/g, ' '));
  }

  private estimator(node: string): EstimatorDecision | undefined {
    return this.plan.estimators.find((e) => e.node === node);
  }

  private klOf(latent: string): KlDecision | undefined {
    return this.plan.kl.find((k) => k.latent === latent);
  }

  /** Records the source names a function returns (for `trace`). */
  private recordTrace(kind: 'shared' | 'guide' | 'generative' | 'forward', fn: Fn): void {
    this.traced.set(kind, [...fn.scope.values].filter(([, id]) => fn.returns.has(id)));
  }

  /** `trace`'s list: [source name, value] of every source name the functions return, in order. */
  private traceList(parts: ReadonlyArray<['shared' | 'guide' | 'generative' | 'forward', string]>): string {
    // A latent appears in guide and generative with the same value (the guide's draw): listed once.
    const seen = new Set<string>();
    const entries = parts.flatMap(([kind, v]) =>
      (this.traced.get(kind) ?? []).filter(([name]) => !seen.has(name) && seen.add(name)).map(([name, id]) => `[${str(name)}, ${v}.${id}]`),
    );
    return `[${entries.join(', ')}]`;
  }

  /** Emits everything. */
  emitModel(): ModelCode {
    this.allocateLayers();
    this.emitParams();
    this.emitPriors();
    this.emitBaselines();
    this.emitDims();
    const structure = this.model.structure;
    if (structure === 'blocks') {
      if (this.sharedStatements().length > 0) this.emitShared();
      this.emitGuide();
      this.emitGenerative();
    } else {
      this.emitForward();
    }
    const members = this.emitObjective();
    return {
      hyper: Object.entries(this.model.hyperparameters),
      setup: [...this.cx.constants.map((c) => `const ${c.id} = ${c.code};`), ...this.setup],
      variableEntries: this.variableEntries,
      functions: this.functions,
      members: [...members, this.emitDispose()],
      imports: { stdlib: [...this.cx.imports.stdlib].sort(), runtime: [...this.cx.imports.runtime].sort() },
      baselines: this.plan.estimators.filter((e) => e.estimator === 'reinforce' && e.baseline === 'ema').map((e) => this.ids.get(`${e.node}.baseline`)!),
    };
  }

  // ── create(): weights, params, priors, baselines ───────────────────────────────────────────────

  /** Weights of every dense/mlp call site, named after the statement (and argument) it appears in. */
  private allocateLayers(): void {
    const taken = new Set<string>();
    for (const { statement: st } of this.model.statements) {
      const roots: Array<[string, A.Expr]> =
        st.kind === 'assign'
          ? [[st.targets[0].text, st.value]]
          : st.kind === 'sample'
            ? this.distributionArgs(st).map(([p, e]) => [`${st.target.text}${this.model.latents.includes(st.target.text) && this.isPrior(st) ? ':prior' : ''}.${p}`, e])
            : [];
      for (const [base, root] of roots) {
        const visit = (e: A.Expr): void => {
          if (e.kind === 'call') {
            const call = this.model.calls.get(e);
            if (call && (call.name === 'dense' || call.name === 'mlp')) this.addLayer(e, call, base, taken);
            e.args.forEach((a) => visit(a.value));
          } else if (e.kind === 'binary') {
            visit(e.left);
            visit(e.right);
          } else if (e.kind === 'unary') visit(e.operand);
          else if (e.kind === 'paren') visit(e.inner);
          else if (e.kind === 'index') visit(e.target);
          else if (e.kind === 'tensor') e.elements.forEach(visit);
        };
        visit(root);
      }
    }
    if (this.cx.layers.size > 0) this.setup.unshift('const init = new RandomStream(options.seed); // weights are drawn in this order');
    else if (this.needsInitRng()) this.setup.unshift('const init = new RandomStream(options.seed);');
  }

  private needsInitRng(): boolean {
    return this.model.statements.some(
      ({ statement: st }) =>
        (st.kind === 'param' && st.init?.kind === 'call' && this.model.calls.get(st.init)?.name === 'randn') ||
        (st.kind === 'sample' && this.distType(st)?.sig.ownParams === 'planar_flow'),
    );
  }

  private isPrior(st: A.Sample): boolean {
    return this.model.statements.some((s) => s.statement === st && s.role === 'prior');
  }

  /** The top-level arguments of a distribution statement, by parameter name (nested bases flattened). */
  private distributionArgs(st: A.Sample): Array<[string, A.Expr]> {
    const call = this.model.calls.get(st.distribution);
    if (!call) return [];
    const out: Array<[string, A.Expr]> = [];
    const walk = (c: ResolvedCall, prefix: string) => {
      for (const [name, a] of c.args) {
        if (a.type.kind === 'distribution') walk(a.type.call, `${prefix}${name}.`);
        else out.push([`${prefix}${name}`, a.expr]);
      }
    };
    walk(call, '');
    return out;
  }

  private addLayer(e: A.Call, call: ResolvedCall, base: string, taken: Set<string>): void {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    const x = this.model.types.get(call.args.get('x')!.expr) as TensorType;
    const fanIn = x.shape![x.shape!.length - 1] as number;
    const sizes = flattenConst((call.args.get(call.name === 'mlp' ? 'sizes' : 'units')!.type as TensorType).constant!);
    const bias = call.name === 'dense' ? call.args.get('bias')?.type : undefined;
    const hasBias = !(bias?.kind === 'tensor' && bias.constant === false);
    const id = this.names.derived(name, call.name === 'mlp' ? 'layers' : 'layer');
    this.cx.layers.set(e, { id, kind: call.name as 'dense' | 'mlp', name, sizes, bias: hasBias });
    const line = this.line(e.span);
    if (call.name === 'mlp') {
      this.cx.imports.runtime.add('initMlp');
      this.setup.push(`const ${id} = initMlp(init, ${str(name)}, [${[fanIn, ...sizes].map(literal).join(', ')}]); // line ${line}: ${this.src(e.span)}`);
    } else {
      this.cx.imports.runtime.add('initDense');
      const out = sizes.reduce((a, b) => a * b, 1);
      this.setup.push(`const ${id} = initDense(init, ${str(name)}, ${literal(fanIn)}, ${literal(out)}${hasBias ? '' : ', { bias: false }'}); // line ${line}: ${this.src(e.span)}`);
    }
    this.cx.imports.runtime.add('variablesOf');
    this.variableEntries.push(`...variablesOf(${id})`);
  }

  private emitParams(): void {
    for (const { statement: st } of this.model.statements) {
      if (st.kind !== 'param') continue;
      const name = st.name.text;
      const id = this.names.source(name);
      const shape = (this.model.variables.get(name)?.shape ?? []) as number[];
      const dims = shape.map(literal).join(', ');
      let init = `tf.zeros([${dims}])`;
      if (st.init) {
        const call = st.init.kind === 'call' ? this.model.calls.get(st.init) : undefined;
        if (call?.name === 'randn') {
          const std = call.args.get('std');
          const s = std?.type.kind === 'tensor' && typeof std.type.constant === 'number' ? std.type.constant : 0.01;
          init = `tf.mul(init.normal([${dims}]), ${literal(s)})`;
        } else {
          const t = this.model.types.get(st.init) as TensorType;
          const v = t.constant!;
          init = typeof v === 'number' ? `tf.fill([${dims}], ${literal(v)})` : `tf.broadcastTo(tf.tensor(${literal(v)}), [${dims}])`;
        }
      }
      this.setup.push(`const ${id} = tf.variable(tf.tidy(() => ${init}), true); // line ${this.line(st.span)}: ${this.src(st.span)}`);
      this.variableEntries.push(`[${str(name)}, ${id}]`);
    }
    // The learned planar flow of each IGR_Planar statement. A latent's guide and prior statements each own one,
    // so a prior's or likelihood's flow is keyed (and its variables named) apart: `<z>.p/flow/...`.
    for (const { statement: st, role } of this.model.statements) {
      if (st.kind !== 'sample') continue;
      const d = this.distType(st);
      if (d?.sig.ownParams !== 'planar_flow' || d.call.name === 'fit_prior') continue;
      const mu = this.model.types.get(d.call.args.get('mu')!.expr) as TensorType;
      const dim = mu.shape![mu.shape!.length - 1] as number;
      const layersArg = d.call.args.get('layers');
      const layers = layersArg?.type.kind === 'tensor' && typeof layersArg.type.constant === 'number' ? layersArg.type.constant : 2;
      const generative = role === 'prior' || role === 'likelihood';
      const owner = generative ? `${st.target.text}.p` : st.target.text;
      const id = this.id(`${owner}.flow`, st.target.text, generative ? 'p_flow' : 'flow');
      this.cx.imports.runtime.add('planarFlowVariables');
      this.setup.push(`const ${id} = planarFlowVariables(init, ${str(owner)}, ${literal(dim)}, ${literal(layers)}); // line ${this.line(st.span)}: learned planar flow`);
      this.variableEntries.push(`...${id}.variables`);
    }
  }

  private distType(st: A.Sample): DistributionType | undefined {
    const t = this.model.types.get(st.distribution);
    return t?.kind === 'distribution' ? t : undefined;
  }

  /** fit_prior statements: the moment-matched Gaussian parameters, fitted once and cached on disk. */
  private emitPriors(): void {
    for (const { statement: st } of this.model.statements) {
      if (st.kind !== 'sample') continue;
      const d = this.distType(st);
      if (!d || d.call.name !== 'fit_prior') continue;
      const call = d.call;
      const family = (call.args.get('family')!.type as { name: string }).name;
      const target = call.args.get('target')!.type as DistributionType;
      const probs = target.call.args.get('probs') ?? target.call.args.get('logits')!;
      let p = flattenConst((probs.type as TensorType).constant!);
      if (!target.call.args.has('probs')) {
        const m = Math.max(...p);
        const e = p.map((l) => Math.exp(l - m));
        const z = e.reduce((a, b) => a + b, 0);
        p = e.map((x) => x / z);
      }
      const tau = (call.args.get('tau')!.type as TensorType).constant as number;
      const delta = call.args.get('delta');
      const deltaValue = delta?.type.kind === 'tensor' && typeof delta.type.constant === 'number' ? delta.type.constant : 1;
      const fitTau = call.args.get('fit_tau');
      const fitTauOption = fitTau?.type.kind === 'tensor' && typeof fitTau.type.constant === 'number' ? `, fitTau: ${literal(fitTau.type.constant)}` : '';
      const fit = this.id(`${st.target.text}.fit`, st.target.text, 'fit');
      this.cx.imports.stdlib.add('fitPrior');
      this.setup.push(
        `// line ${this.line(st.span)}: ${this.src(st.distribution.span)}: moment-matched once to the target, cached on disk`,
        `const ${fit} = fitPrior(${str(family)}, [${p.map(literal).join(', ')}], ${literal(tau)}, { delta: ${literal(deltaValue)}${fitTauOption}, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.log ? { log: options.log } : {}) });`,
        `const ${this.id(`${st.target.text}.prior.mu`, st.target.text, 'prior_mu')} = tf.tensor1d(${fit}.mu);`,
        `const ${this.id(`${st.target.text}.prior.sigma`, st.target.text, 'prior_sigma')} = tf.tensor1d(${fit}.sigma);`,
      );
    }
  }

  private emitBaselines(): void {
    for (const e of this.plan.estimators) {
      if (e.estimator !== 'reinforce' || e.baseline !== 'ema') continue;
      const id = this.id(`${e.node}.baseline`, e.node, 'baseline');
      this.cx.imports.runtime.add('EmaBaseline');
      this.setup.push(`const ${id} = new EmaBaseline(${str(`baseline/${e.node}`)}, ${literal(e.decay ?? 0.9)}); // line ${e.line}: ${commentText(e.reason)}`);
      this.variableEntries.push(`...${id}.variables()`);
    }
  }

  // ── run-time dimensions ───────────────────────────────────────────────────────────────────────

  /** dimsOf(batch): every named dimension from the first data declaration that has it. */
  private emitDims(): void {
    const entries: string[] = [];
    for (const dim of this.model.runtimeDims) {
      let found: string | undefined;
      for (const { statement: st } of this.model.statements) {
        if (st.kind !== 'data') continue;
        const shape = this.model.variables.get(st.name.text)?.shape ?? [];
        const axis = shape.indexOf(dim);
        if (axis >= 0) {
          this.cx.imports.runtime.add('requireData');
          found = `requireData(batch, ${str(st.name.text)}).shape[${axis}]`;
          break;
        }
      }
      entries.push(`${propKey(dim)}: ${found ?? 'undefined'}`);
    }
    this.cx.imports.runtime.add('type Batch');
    if (this.model.structure === 'blocks') this.cx.imports.stdlib.add('type Distribution');
    this.functions.push(
      `/** The run-time dimensions (${commentText(this.model.runtimeDims.join(', ')) || 'none'}), read from the shapes of the batch's data. */\nfunction dimsOf(batch: Batch): Dims {\n  return { ${entries.join(', ')} };\n}`,
    );
  }

  /** A dimension as code: a number, or the run-time dimension from `dims`. */
  private dimCode(d: Dim): string {
    if (typeof d === 'number') return String(d);
    if (isNamedDim(d)) {
      this.cx.imports.runtime.add('requireDim');
      return `requireDim(dims, ${str(d)})`;
    }
    throw new Error('internal: unknown dimension in generated shape');
  }

  /** Extra leading sample dimensions that make a distribution's natural shape the variable's shape. */
  private sampleShape(natural: readonly Dim[] | null, full: readonly Dim[] | null): string {
    if (!natural || !full || full.length <= natural.length) return '';
    return `, [${full.slice(0, full.length - natural.length).map((d) => this.dimCode(d)).join(', ')}]`;
  }

  // ── the model's functions ─────────────────────────────────────────────────────────────────────

  /** Resolves a source name not yet bound in a function: data from the batch, params, shared values. */
  private resolver(kind: 'shared' | 'guide' | 'generative' | 'forward') {
    return (name: string, fn: Fn): string | undefined => {
      const defs = this.model.definitions.get(name) ?? [];
      const def = defs.find((d) => d.kind === 'data') ?? defs[0];
      if (!def) return undefined;
      if (def.kind === 'param') return this.names.source(name);
      if (def.kind === 'data') {
        const id = this.names.source(name);
        if (!fn.scope.hoisted.has(`data:${name}`)) {
          this.cx.imports.runtime.add('requireData');
          fn.scope.prelude.push(`const ${id} = requireData(batch, ${str(name)});`);
          fn.scope.hoisted.set(`data:${name}`, id);
        }
        return id;
      }
      if (def.block === 'model' && def.kind === 'det' && kind !== 'shared' && kind !== 'forward') return `s.${this.names.source(name)}`;
      return undefined;
    };
  }

  private sharedStatements(): CheckedStatement[] {
    return this.model.statements.filter((s) => s.block === 'model' && s.statement.kind === 'assign');
  }

  private emitShared(): void {
    const fn = new Fn(this.cx, this.resolver('shared'));
    for (const s of this.sharedStatements()) this.emitStatement(fn, s, 'shared');
    this.recordTrace('shared', fn);
    const names = [...fn.returns.keys()];
    this.functions.push(
      `/** Model-level values, computed once per evaluation and read by guide and generative. */\nfunction shared(batch: Batch, ctx: StepContext, dims: Dims) {\n${fn.body()}\n}`,
    );
    void names;
  }

  private emitGuide(): void {
    const fn = new Fn(this.cx, this.resolver('guide'));
    for (const s of this.model.statements.filter((x) => x.block === 'guide')) this.emitStatement(fn, s, 'guide');
    this.recordTrace('guide', fn);
    this.cx.imports.runtime.add('type StepContext');
    this.functions.push(
      `/** The guide q(${commentText(this.model.latents.join(', '))} | data), with each latent sampled by its planned estimator. */\nfunction guide(batch: Batch, ctx: StepContext, dims: Dims, s: Shared, fixed: Fixed = {}) {\n${fn.body()}\n}`,
    );
  }

  private emitGenerative(): void {
    const fn = new Fn(this.cx, this.resolver('generative'));
    for (const s of this.model.statements.filter((x) => x.block === 'generative')) this.emitStatement(fn, s, 'generative');
    this.recordTrace('generative', fn);
    this.functions.push(
      `/**\n * The generative model p(${commentText(this.model.latents.join(', '))}) p(${commentText(this.model.observed.join(', '))} | ...): given the guide's latents (training), or\n * sampling them from their priors (latents = null, \`sample\`).\n */\nfunction generative(batch: Batch, ctx: StepContext, dims: Dims, s: Shared, latents: Latents | null) {\n${fn.body()}\n}`,
    );
  }

  private emitForward(): void {
    const fn = new Fn(this.cx, this.resolver('forward'));
    for (const s of this.model.statements) this.emitStatement(fn, s, 'forward');
    this.recordTrace('forward', fn);
    this.cx.imports.runtime.add('type StepContext');
    this.functions.push(
      `/** Every statement in order, each stochastic node sampled by its planned estimator (or fixed). */\nfunction forward(batch: Batch, ctx: StepContext, dims: Dims, fixed: Fixed = {}) {\n${fn.body()}\n}`,
    );
  }

  /** One statement inside a function. */
  private emitStatement(fn: Fn, s: CheckedStatement, where: 'shared' | 'guide' | 'generative' | 'forward'): void {
    const st = s.statement;
    const at = `line ${this.line(st.span)}: ${this.src(st.span)}`;
    switch (st.kind) {
      case 'data':
      case 'param':
      case 'const':
      case 'kl_override':
        return;
      case 'assign': {
        if (st.targets.length > 1) {
          const ids = st.targets.map((t) => this.names.source(t.text));
          fn.lines.push(`const [${ids.join(', ')}] = ${fn.emit.expr(st.value)}; // ${commentText(at)}`);
          for (const [i, t] of st.targets.entries()) {
            fn.scope.values.set(t.text, ids[i]);
            fn.returns.set(ids[i], ids[i]);
          }
          return;
        }
        const id = this.names.source(st.targets[0].text);
        // A statement that is a schedule (`Cd = ramp(...)`) computes the number in place.
        const call = st.value.kind === 'call' ? this.model.calls.get(st.value) : undefined;
        const isSchedule = call !== undefined && (call.name === 'anneal' || call.name === 'ramp');
        fn.bind(id, isSchedule ? fn.emit.scheduleCall(call) : fn.emit.expr(st.value), at);
        fn.scope.values.set(st.targets[0].text, id);
        return;
      }
      case 'sample':
        return this.emitSample(fn, st, s.role ?? 'sample', where, at);
    }
  }

  private emitSample(fn: Fn, st: A.Sample, role: NonNullable<CheckedStatement['role']>, where: string, at: string): void {
    const name = st.target.text;
    const d = this.distType(st)!;
    const id = this.names.source(name);
    const full = this.model.variables.get(name)?.shape ?? null;
    const generativeFlow = this.ids.get(`${name}.p.flow`);
    const pExtra: Record<string, string> = generativeFlow && d.sig.ownParams === 'planar_flow' && d.call.name !== 'fit_prior' ? { flow: `${generativeFlow}.flow` } : {};
    if (role === 'prior') {
      const pid = this.id(`${name}.p`, name, 'p');
      fn.bind(pid, d.call.name === 'fit_prior' ? this.priorCode(fn, st, d) : fn.emit.distribution(d.call, pExtra), at);
      fn.bind(id, `latents ? ${latentRead(name)} : ${pid}.sample(ctx.rng${this.sampleShape(d.sampleShape, full)})`, 'the guide\'s sample in training; a prior draw in `sample`');
      fn.scope.values.set(name, id);
      return;
    }
    if (role === 'likelihood') {
      fn.bind(this.id(`${name}.p`, name, 'p'), fn.emit.distribution(d.call, pExtra), at);
      return;
    }
    // A sampled node (guide latent or flat stochastic variable): its estimator decides how it is drawn.
    const est = this.estimator(name);
    const qid = this.id(`${name}.q`, name, role === 'posterior' ? 'q' : 'dist');
    const extra: Record<string, string> = {};
    if (d.sig.ownParams === 'planar_flow') extra.flow = `${this.ids.get(`${name}.flow`)}.flow`;
    // Straight-through is `hard = true` for families with that parameter, rsampleStraightThrough for the others (IGR).
    const hardFlag = straightThroughByHardFlag(d.sig);
    if (est?.estimator === 'straight_through' && hardFlag) extra.hard = 'true';
    fn.bind(qid, fn.emit.distribution(d.call, extra), at);
    const ss = this.sampleShape(d.sampleShape, full);
    const comment = est ? `${est.estimator}: ${est.reason}` : undefined;
    switch (est?.estimator) {
      case 'straight_through':
        fn.bind(id, hardFlag ? `${qid}.rsample(ctx.rng${ss})` : `${qid}.rsampleStraightThrough(ctx.rng${ss})`, comment);
        break;
      case 'reinforce': {
        fn.bind(id, `fixed.${id} ?? ${qid}.sample(ctx.rng${ss})`, comment);
        const logq = this.id(`${name}.logq`, name, 'logq');
        // A relaxed draw's density is taken from its log-space representation (exact at any τ; stdlib log-space.ts).
        const relaxed = d.sig.measure.startsWith('relaxed_');
        if (relaxed) this.cx.imports.stdlib.add('logProbOfSample');
        const logqOf = relaxed ? `logProbOfSample(${qid}, ${id})` : `${qid}.logProb(${id})`;
        fn.bind(logq, `${this.perExampleReducer(full)}(${logqOf})`, 'log q of the draw, for the score-function term');
        break;
      }
      case 'enumerate':
        if (est.enumeration?.mode === 'per_example') return; // summed out in the objective
        fn.bind(id, `fixed.${id} ?? ${qid}.sample(ctx.rng${ss})`, comment);
        break;
      default:
        fn.bind(id, `${qid}.rsample(ctx.rng${ss})`, comment);
    }
    fn.scope.values.set(name, id);
    void where;
  }

  /** The prior's distribution: fit_prior uses the fitted Gaussian parameters from `create`. */
  private priorCode(fn: Fn, st: A.Sample, d: DistributionType): string {
    if (d.call.name !== 'fit_prior') return fn.emit.distribution(d.call);
    const name = st.target.text;
    const family = d.sig.name;
    this.cx.imports.stdlib.add(family);
    const tau = fn.emit.expr(d.call.args.get('tau')!.expr);
    const delta = d.call.args.get('delta');
    return `new ${family}({ mu: ${this.ids.get(`${name}.prior.mu`)}, sigma: ${this.ids.get(`${name}.prior.sigma`)}, tau: ${tau}${delta ? `, delta: ${fn.emit.expr(delta.expr)}` : ''} })`;
  }

  /** Reduces a term to per-data-point totals (a batch axis) or to a scalar. */
  private perExampleReducer(shape: readonly Dim[] | null): string {
    if (shape && shape.length > 0 && isNamedDim(shape[0])) {
      this.cx.imports.runtime.add('sumToBatch');
      return 'sumToBatch';
    }
    return 'tf.sum';
  }

  // ── the objective ─────────────────────────────────────────────────────────────────────────────

  /** The members of the returned ModelInstance that evaluate the model. */
  private emitObjective(): string[] {
    return this.model.structure === 'blocks' ? this.blocksMembers() : this.flatMembers();
  }

  private latentsLiteral(g: string): string {
    return `{ ${this.model.latents.map((z) => `${propKey(z)}: ${this.latentValue(z, g)}`).join(', ')} }`;
  }

  private latentValue(z: string, g: string): string {
    const est = this.estimator(z);
    const id = this.names.source(z);
    // A latent summed out per data point has no draw in the guide; the objective supplies its values.
    if (est?.enumeration?.mode === 'per_example') return `${g}.${this.ids.get(`${z}.q`)}.sample(ctx.rng)`;
    return `${g}.${id}`;
  }

  /** Objective terms of a blocks model: loglik per observed, KL per latent, per data point. */
  private termLines(g: string, m: string, latentsFrom: Map<string, string> | undefined): { lines: string[]; loglik: Map<string, string>; kl: Map<string, string> } {
    const lines: string[] = [];
    const loglik = new Map<string, string>();
    const kl = new Map<string, string>();
    for (const x of this.model.observed) {
      const id = this.names.derived(x, 'loglik');
      const data = this.data(x);
      const shape = this.model.variables.get(x)?.shape ?? null;
      lines.push(`const ${id} = ${this.perExampleReducer(shape)}(${m}.${this.ids.get(`${x}.p`)}.logProb(${data})); // log p(${commentText(x)} | ...), per data point`);
      loglik.set(x, id);
    }
    for (const z of this.model.latents) {
      const k = this.klOf(z);
      if (!k) continue;
      const id = this.names.derived(z, 'kl');
      const q = `${g}.${this.ids.get(`${z}.q`)}`;
      const p = `${m}.${this.ids.get(`${z}.p`)}`;
      const shape = this.model.variables.get(z)?.shape ?? null;
      const est = this.estimator(z);
      const value = latentsFrom?.get(z) ?? `${g}.${this.names.source(z)}`;
      const discrete = est && (est.estimator === 'reinforce' || est.estimator === 'enumerate');
      if (k.rule === 'sampled-log-ratio') {
        // The prior reads a latent the guide drew given this one: log q - log p at the guide's own draw, each
        // density taken from the draw's log-space representation (exact at any τ; stdlib log-space.ts).
        this.cx.imports.stdlib.add('logProbOfSample');
        lines.push(`const ${id} = ${this.perExampleReducer(shape)}(tf.sub(logProbOfSample(${q}, ${value}), logProbOfSample(${p}, ${value}))); // KL(${commentText(z)}): ${commentText(k.reason)}`);
      } else if (k.method === 'mc' && discrete) {
        // A discrete posterior has no reparameterized draw: its Monte Carlo KL is log q - log p at the
        // model's own draw, whose score-function (or enumeration) credit covers the gradient. A relaxed family
        // under `with reinforce` is scored from its draw's log-space representation (exact at any τ).
        const guideSt = this.model.statements.find((x) => x.role === 'posterior' && x.statement.kind === 'sample' && x.statement.target.text === z)?.statement;
        const relaxed = guideSt?.kind === 'sample' && this.distType(guideSt)?.sig.measure.startsWith('relaxed_') === true;
        if (relaxed) this.cx.imports.stdlib.add('logProbOfSample');
        const lp = (d: string) => (relaxed ? `logProbOfSample(${d}, ${value})` : `${d}.logProb(${value})`);
        lines.push(`const ${id} = ${this.perExampleReducer(shape)}(tf.sub(${lp(q)}, ${lp(p)})); // KL(${commentText(z)}): ${commentText(k.reason)}`);
      } else {
        this.cx.imports.stdlib.add('KL_COMPUTE');
        lines.push(`const ${id} = ${this.perExampleReducer(shape)}(KL_COMPUTE[${str(k.rule)}](${q}, ${p}, { rng: ctx.rng, samples: ${literal(k.samples)} })); // KL(${commentText(z)}): ${commentText(k.reason)}`);
      }
      kl.set(z, id);
      if (this.perExampleReducer(shape) === 'tf.sum') this.scalarTerms.add(id);
    }
    return { lines, loglik, kl };
  }

  private blocksMembers(): string[] {
    const members: string[] = [];
    const hasShared = this.model.structure === 'blocks' && this.sharedStatements().length > 0;
    const sharedCall = hasShared ? 'shared(batch, ctx, dims)' : '{}';
    const o = this.plan.objective;
    const enumerated = this.plan.estimators.find((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'per_example');
    const scored = this.plan.estimators.filter((e) => e.estimator === 'reinforce');
    const samples = Math.max(1, ...scored.map((e) => e.samples));
    const body: string[] = ['const dims = dimsOf(batch);', `const s = ${sharedCall};`];
    const metrics: string[] = [];

    if (o.form === 'iwae') {
      const k = o.iwaeSamples ?? 1;
      body.push(
        `// iwae(samples = ${k}): log (1/k) Σ_i p(x, z_i) / q(z_i | x), per data point (Burda et al. 2016)`,
        'const logWeights: tf.Tensor[] = [];',
        `for (let i = 0; i < ${k}; i++) {`,
        '  const g = guide(batch, ctx, dims, s);',
        `  const m = generative(batch, ctx, dims, s, ${this.latentsLiteral('g')});`,
        `  const terms = [${[
          ...this.model.observed.map((x) => `${this.perExampleReducer(this.model.variables.get(x)?.shape ?? null)}(m.${this.ids.get(`${x}.p`)}.logProb(${this.data(x)}))`),
          ...this.model.latents.map((z) => {
            const zid = `g.${this.names.source(z)}`;
            // Densities of the relaxed draw from its log-space representation: exact at any τ (stdlib log-space.ts).
            this.cx.imports.stdlib.add('logProbOfSample');
            return `${this.perExampleReducer(this.model.variables.get(z)?.shape ?? null)}(tf.sub(logProbOfSample(m.${this.ids.get(`${z}.p`)}, ${zid}), logProbOfSample(g.${this.ids.get(`${z}.q`)}, ${zid})))`;
          }),
        ].join(', ')}];`,
        '  logWeights.push(tf.addN(terms));',
        '}',
        `const bound = tf.sub(tf.logSumExp(tf.stack(logWeights), 0), Math.log(${k}));`,
        'const value = tf.mean(bound) as tf.Scalar;',
        'const loss = tf.neg(value) as tf.Scalar;',
      );
      metrics.push(`iwae: value`);
      members.push(this.objectiveMember(body, metrics));
      members.push(...this.blocksCommon(sharedCall));
      return members;
    }

    // One evaluation: guide, generative, terms; the per-data-point elbo and the expression value.
    const evaluation = (indent: string, suffix: string): { lines: string[]; perExample?: string; value: string; loglik: Map<string, string>; kl: Map<string, string>; g: string } => {
      const g = `g${suffix}`;
      const m = `m${suffix}`;
      const lines = [`const ${g} = guide(batch, ctx, dims, s);`];
      if (enumerated) {
        // Per-data-point enumeration: E_q[log p(x | z)] = Σ_k q(k | x) log p(x | k), exactly.
        const z = enumerated.node;
        const [support, values, probs, value, expected] = ['support', 'values', 'probs', 'k', 'expected'].map((role) => this.id(`${z}.enum.${role}`, z, role));
        const q = `${g}.${this.ids.get(`${z}.q`)}`;
        this.cx.imports.runtime.add('expectation');
        lines.push(
          `const ${support} = tf.unstack(${q}.enumerateSupport()); // ${enumerated.enumeration?.size} values per data point`,
          `const ${values}: tf.Tensor[] = [];`,
          `const ${probs}: tf.Tensor[] = [];`,
          `for (const ${value} of ${support}) {`,
          `  const ${m} = generative(batch, ctx, dims, s, { ${this.model.latents.map((l) => `${propKey(l)}: ${l === z ? value : this.latentValue(l, g)}`).join(', ')} });`,
        );
        const inner = this.termLines(g, m, new Map([[z, value]]));
        // Every KL term but z's own closed form depends on z's value (z's sampled log-ratio, or a prior that reads
        // z: log p(e | z) of a latent e): it belongs inside the sum, Σ_k q(k) [log p(x | k) - KL_k]. Terms that do
        // not depend on z are unchanged by the weighting (Σ_k q(k) = 1). Their expectations are the KL metrics.
        const zClosed = this.klOf(z)?.method !== 'mc';
        const innerKl = [...inner.kl].filter(([l]) => !(l === z && zClosed));
        const isKl = (l: string) => [...inner.kl.values()].some((id) => l.startsWith(`const ${id} `));
        const perK = innerKl.map(([l, id]) => ({ l, id, arr: this.id(`${l}.enum.kl`, l, 'kls') }));
        lines.splice(lines.length - 2, 0, ...perK.map((k) => `const ${k.arr}: tf.Tensor[] = [];`));
        lines.push(...inner.lines.filter((l) => !isKl(l) || innerKl.some(([, id]) => l.startsWith(`const ${id} `))).map((l) => `  ${l}`));
        const logliks = [...inner.loglik.values()];
        const inside = innerKl.length > 0 ? `tf.sub(${this.sum(logliks)}, ${this.sum(innerKl.map(([, id]) => id))})` : this.sum(logliks);
        // q(k) of the configuration: the enumerated variable's log-probability summed over its per-data-point axes.
        const reduce = this.perExampleReducer(this.model.variables.get(z)?.shape ?? null);
        lines.push(`  ${values}.push(${inside});`, ...perK.map((k) => `  ${k.arr}.push(${k.id});`), `  ${probs}.push(tf.exp(${reduce}(${q}.logProb(${value}))));`, '}');
        lines.push(`const ${expected} = expectation(${values}, ${probs});`);
        lines.push(...perK.map((k) => `const ${k.id} = expectation(${k.arr}, ${probs});`));
        // z's closed-form KL does not depend on its value: computed once, outside the sum.
        const mOut = `${m}_out`;
        const outer = this.termLines(g, mOut, undefined);
        const outerKl = [...outer.kl].filter(([l]) => l === z && zClosed);
        if (outerKl.length > 0) {
          lines.push(`const ${mOut} = generative(batch, ctx, dims, s, { ${this.model.latents.map((l) => `${propKey(l)}: ${l === z ? `${support}[0]` : this.latentValue(l, g)}`).join(', ')} });`);
          lines.push(...outer.lines.filter((l) => outerKl.some(([, id]) => l.startsWith(`const ${id} `))));
        }
        const perExample = outerKl.length > 0 ? `tf.sub(${expected}, ${this.sum(outerKl.map(([, id]) => id))})` : expected;
        const kl = new Map([...perK.map((k): [string, string] => [k.l, k.id]), ...outerKl]);
        return { lines: lines.map((l) => indent + l), perExample, value: `tf.mean(${perExample})`, loglik: new Map([['(expected)', expected]]), kl, g };
      }
      lines.push(`const ${m} = generative(batch, ctx, dims, s, ${this.latentsLiteral(g)});`);
      const t = this.termLines(g, m, undefined);
      lines.push(...t.lines);
      const elboPerExample = t.kl.size > 0 ? `tf.sub(${this.sum([...t.loglik.values()])}, ${this.sum([...t.kl.values()])})` : this.sum([...t.loglik.values()]);
      if (o.form === 'elbo') return { lines: lines.map((l) => indent + l), perExample: elboPerExample, value: `tf.mean(elbo${suffix})`, loglik: t.loglik, kl: t.kl, g };
      // A custom expression of loglik(x), kl(z), elbo and the model's names.
      const termFn = (call: ResolvedCall): string => {
        const v = call.args.get('variable');
        const n = v?.expr.kind === 'ident' ? v.expr.name : '';
        if (call.name === 'loglik') return `tf.mean(${t.loglik.get(n)})`;
        if (call.name === 'kl') return `tf.mean(${t.kl.get(n)})`;
        return `tf.mean(${elboPerExample})`;
      };
      const exprFn = new Fn(this.cx, (n) => this.objectiveName(n, g, m), termFn);
      const valueCode = exprFn.emit.expr(this.model.objective!.expr);
      lines.push(...exprFn.scope.prelude);
      return { lines: lines.map((l) => indent + l), value: valueCode, loglik: t.loglik, kl: t.kl, g };
    };

    const sign = this.model.objective!.sense === 'maximize' ? '' : 'tf.neg';
    const joint = this.plan.estimators.find((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'joint');
    if (joint) {
      // A guide latent without batch axis, summed over its joint configurations: one guide and generative pass
      // per configuration (the guide fixes the latent), weighted by q (enumerate-score.ts). The analysis keeps
      // reinforce(samples > 1) away from this case.
      const zid = this.names.source(joint.node);
      const ev = evaluation('  ', '');
      ev.lines[0] = `  const ${ev.g} = guide(batch, ctx, dims, s, { ${zid}: ${zid}_c });`;
      const maximize = this.model.objective!.sense === 'maximize';
      const lossOf = (v: string) => (maximize ? `tf.neg(${v})` : v);
      const pass = [...ev.lines, ...(ev.perExample ? [`  const elbo = ${ev.perExample}; // per data point, at this configuration`] : [])];
      const signal = ev.perExample && o.perExample ? 'tf.neg(elbo)' : lossOf(ev.value);
      body.push(...this.jointEnumeration(joint, pass, ev.value, ev.g, signal, lossOf, scored));
      metrics.push(o.form === 'elbo' ? 'elbo: value' : 'objective: value');
    } else if (samples === 1) {
      const ev = evaluation('', '');
      body.push(...ev.lines);
      if (ev.perExample) body.push(`const elbo = ${ev.perExample}; // per data point`);
      body.push(`const value = ${ev.value} as tf.Scalar;`);
      body.push(`${scored.length > 0 ? 'let' : 'const'} loss = ${this.model.objective!.sense === 'maximize' ? 'tf.neg(value)' : 'value'} as tf.Scalar;`);
      for (const e of scored) {
        const perExample = Boolean(ev.perExample && o.perExample);
        const signal = perExample ? `tf.neg(elbo)` : this.model.objective!.sense === 'maximize' ? 'tf.neg(value)' : 'value';
        body.push(...this.scoreLines(e, [this.batchLogq(`${ev.g}.${this.ids.get(`${e.node}.logq`)}`, perExample)], [signal]));
      }
      if (ev.perExample) metrics.push('elbo: value');
      for (const [x, id] of ev.loglik) if (!x.startsWith('(')) metrics.push(`${propKey(`loglik_${x}`)}: tf.mean(${id})`);
      for (const [z, id] of ev.kl) metrics.push(`${propKey(`kl_${z}`)}: tf.mean(${id})`);
    } else {
      // Several samples per data point: leave-one-out baselines use the other samples (Kool et al. 2019).
      body.push(`const runs = Array.from({ length: ${samples} }, () => {`);
      const ev = evaluation('  ', '');
      body.push(...ev.lines);
      if (ev.perExample) body.push(`  const elbo = ${ev.perExample};`);
      body.push(`  const value = ${ev.value};`);
      body.push(`  return { value, ${ev.perExample ? 'elbo, ' : ''}${scored.map((e) => `${this.ids.get(`${e.node}.logq`)}: ${ev.g}.${this.ids.get(`${e.node}.logq`)}`).join(', ')} };`, '});');
      body.push(`const value = tf.mean(tf.stack(runs.map((r) => r.value))) as tf.Scalar;`);
      body.push(`${scored.length > 0 ? 'let' : 'const'} loss = ${this.model.objective!.sense === 'maximize' ? 'tf.neg(value)' : 'value'} as tf.Scalar;`);
      for (const e of scored) {
        const perExample = Boolean(ev.perExample && o.perExample);
        const signal = perExample ? '(r) => tf.neg(r.elbo)' : `(r) => ${this.model.objective!.sense === 'maximize' ? 'tf.neg(r.value)' : 'r.value'}`;
        body.push(...this.scoreLinesMulti(e, `runs.map((r) => ${this.batchLogq(`r.${this.ids.get(`${e.node}.logq`)}`, perExample)})`, `runs.map(${signal})`));
      }
      metrics.push(o.form === 'elbo' ? 'elbo: value' : 'objective: value');
    }
    void sign;
    members.push(this.objectiveMember(body, metrics));
    members.push(...this.blocksCommon(sharedCall));
    return members;
  }

  /** How a source name reads inside the objective expression of a blocks model. */
  private objectiveName(name: string, g: string, m: string): string | undefined {
    const defs = this.model.definitions.get(name) ?? [];
    const def = defs.find((d) => d.kind === 'data') ?? defs[0];
    if (!def) return undefined;
    if (def.kind === 'param') return this.names.source(name);
    if (def.kind === 'data') return this.data(name);
    if (def.block === 'model') return `s.${this.names.source(name)}`;
    return `${def.block === 'guide' ? g : m}.${this.names.source(name)}`;
  }

  /** A data tensor of the batch (a one-line error when the batch lacks it). */
  private data(name: string): string {
    this.cx.imports.runtime.add('requireData');
    return `requireData(batch, ${str(name)})`;
  }

  private sum(ids: readonly string[]): string {
    if (ids.length === 0) return 'tf.scalar(0)';
    if (ids.length === 1) return ids[0];
    // tf.addN needs equal shapes: a term of a latent without batch axis is a scalar next to per-data-point ones.
    if (ids.some((id) => this.scalarTerms.has(id))) return ids.slice(1).reduce((a, id) => `tf.add(${a}, ${id})`, ids[0]);
    return `tf.addN([${ids.join(', ')}])`;
  }

  /**
   * The log q a score-function term multiplies with its signal. A per-data-point signal pairs with log q(z_b) of
   * the same data point. A batch-total signal F(z_1..z_B) needs the log density of every draw it depends on:
   * ∇ E[F] = E[F ∇ Σ_b log q(z_b)] (the score of the product of independent draws), so log q is summed over the
   * batch (a scalar per run; stacked runs then match the stacked signals).
   */
  private batchLogq(logq: string, perExample: boolean): string {
    return perExample ? logq : `tf.sum(${logq})`;
  }

  /** Score-function terms of one node with one sample. */
  private scoreLines(e: EstimatorDecision, logq: string[], signal: string[]): string[] {
    this.cx.imports.runtime.add('scoreFunctionTerm');
    const baseline = e.baseline === 'ema' ? `${this.ids.get(`${e.node}.baseline`)}.variable` : '0';
    const lines = [`loss = tf.add(loss, scoreFunctionTerm(${logq[0]}, ${signal[0]}, ${baseline})) as tf.Scalar; // ${commentText(`${e.node}: ${e.reason}`)}`];
    if (e.baseline === 'ema') lines.push(`${this.ids.get(`${e.node}.baseline`)}.observe(${signal[0]});`);
    return lines;
  }

  /** Score-function terms of one node over several samples (loo, ema or no baseline). */
  private scoreLinesMulti(e: EstimatorDecision, logqs: string, signals: string): string[] {
    this.cx.imports.runtime.add('scoreFunctionTerm');
    const sig = this.names.derived(e.node, 'signals');
    const lines = [`const ${sig} = tf.stack(${signals});`];
    let baseline = '0';
    if (e.baseline === 'loo') {
      this.cx.imports.runtime.add('leaveOneOut');
      baseline = `leaveOneOut(${sig})`;
    } else if (e.baseline === 'ema') {
      baseline = `${this.ids.get(`${e.node}.baseline`)}.variable`;
      lines.push(`${this.ids.get(`${e.node}.baseline`)}.observe(${sig});`);
    }
    lines.push(`loss = tf.add(loss, scoreFunctionTerm(tf.stack(${logqs}), ${sig}, ${baseline})) as tf.Scalar; // ${commentText(`${e.node}: ${e.reason}`)}`);
    return lines;
  }

  private objectiveMember(body: string[], metrics: string[]): string {
    const schedules = this.scheduleMetrics();
    return [
      'objective(batch: Batch, ctx: StepContext): ObjectiveResult {',
      ...body.map((l) => `  ${l}`),
      `  return { loss, value, metrics: { ${[...metrics, ...schedules].join(', ')} } };`,
      '},',
    ].join('\n');
  }

  /** Every schedule of the model as a reported metric (a number per step, as the progress bar shows). */
  private scheduleMetrics(): string[] {
    const out: string[] = [];
    const emitter = new Fn(this.cx, () => undefined).emit;
    for (const [node, call] of this.model.calls) {
      if (call.name !== 'anneal' && call.name !== 'ramp') continue;
      const key = this.scheduleName(node);
      const code = `tf.scalar(${emitter.scheduleCall(call)})`;
      if (!out.some((o) => o.startsWith(`${propKey(key)}:`))) out.push(`${propKey(key)}: ${code}`);
    }
    return out;
  }

  /** A metric name for a schedule: the statement it defines, or `<statement>.<argument>`. */
  private scheduleName(node: A.Expr): string {
    for (const { statement: st } of this.model.statements) {
      if (st.span.start > node.span.start || st.span.end < node.span.end) continue;
      if (st.kind === 'assign' && st.value === node) return st.targets[0].text;
      if (st.kind === 'sample') {
        const call = this.model.calls.get(st.distribution);
        for (const [p, a] of call?.args ?? []) if (a.expr === node) return `${st.target.text}.${p}`;
        return `${st.target.text}.schedule`;
      }
      if (st.kind === 'assign') return `${st.targets[0].text}.schedule`;
    }
    return 'schedule';
  }

  /** trace, guide, sample of a blocks model. */
  private blocksCommon(sharedCall: string): string[] {
    const guideLatents = this.model.latents.map((z) => `${propKey(z)}: ${this.latentValue(z, 'g')}`);
    const observedSamples = this.model.observed.map((x) => `${propKey(x)}: m.${this.ids.get(`${x}.p`)}.sample(ctx.rng)`);
    const batchDim = this.model.runtimeDims[0];
    return [
      [
        'trace(batch: Batch, ctx: StepContext): Array<[string, tf.Tensor]> {',
        '  const dims = dimsOf(batch);',
        `  const s = ${sharedCall};`,
        '  const g = guide(batch, ctx, dims, s);',
        `  const m = generative(batch, ctx, dims, s, ${this.latentsLiteral('g')});`,
        `  const values: Array<[string, unknown]> = ${this.traceList([['shared', 's'], ['guide', 'g'], ['generative', 'm']])};`,
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
        `  const g = guide(batch, ctx, dimsOf(batch), ${sharedCall.replace('dims', 'dimsOf(batch)')});`,
        `  return { ${this.model.latents.map((z) => `${propKey(z)}: g.${this.ids.get(`${z}.q`)}`).join(', ')} };`,
        '},',
      ].join('\n'),
      [
        'prior(batch: Batch, ctx: StepContext): Record<string, Distribution> {',
        '  const dims = dimsOf(batch);',
        `  const s = ${sharedCall};`,
        '  const g = guide(batch, ctx, dims, s);',
        `  const m = generative(batch, ctx, dims, s, ${this.latentsLiteral('g')});`,
        `  return { ${this.model.latents.map((z) => `${propKey(z)}: m.${this.ids.get(`${z}.p`)}`).join(', ')} };`,
        '},',
      ].join('\n'),
      [
        'logLikelihood(batch: Batch, ctx: StepContext, latents: Latents): tf.Tensor {',
        '  const dims = dimsOf(batch);',
        `  const m = generative(batch, ctx, dims, ${sharedCall}, latents);`,
        `  return ${this.sum(this.model.observed.map((x) => `${this.perExampleReducer(this.model.variables.get(x)?.shape ?? null)}(m.${this.ids.get(`${x}.p`)}.logProb(${this.data(x)}))`))};`,
        '},',
      ].join('\n'),
      [
        'sample(n: number, ctx: StepContext): Record<string, tf.Tensor> {',
        `  const dims: Dims = { ${batchDim ? `${propKey(batchDim)}: n` : ''} };`,
        '  const batch: Batch = {};',
        `  const m = generative(batch, ctx, dims, ${sharedCall}, null);`,
        `  return { ${[...this.model.latents.map((z) => `${propKey(z)}: m.${this.names.source(z)}`), ...observedSamples].join(', ')} };`,
        '},',
      ].join('\n'),
    ];
  }

  // ── flat models ───────────────────────────────────────────────────────────────────────────────

  private flatMembers(): string[] {
    const o = this.model.objective!;
    const enumerated = this.plan.estimators.find((e) => e.estimator === 'enumerate');
    const scored = this.plan.estimators.filter((e) => e.estimator === 'reinforce');
    const samples = Math.max(1, ...scored.map((e) => e.samples));
    const perExample = this.plan.objective.perExample;
    const body: string[] = ['const dims = dimsOf(batch);'];
    const metrics: string[] = [];
    // The objective expression over a forward pass `r`.
    const valueOf = (r: string): { prelude: string[]; value: string; perExample?: string } => {
      // loglik(x) of an observed variable of a flat model: its likelihood at the data, averaged over the batch.
      const term = (call: ResolvedCall): string => {
        const v = call.args.get('variable')!.expr as A.Identifier;
        const shape = this.model.variables.get(v.name)?.shape ?? null;
        return `tf.mean(${this.perExampleReducer(shape)}(${r}.${this.ids.get(`${v.name}.p`)}.logProb(${this.data(v.name)})))`;
      };
      const fn = new Fn(this.cx, (n) => this.flatName(n, r), term);
      const value = fn.emit.expr(o.expr);
      let per: string | undefined;
      if (perExample && o.expr.kind === 'call') {
        const call = this.model.calls.get(o.expr)!;
        const inner = fn.emit.expr(call.args.get('x')!.expr);
        this.cx.imports.runtime.add('sumToBatch');
        per = call.name === 'mean' ? `sumToBatch(${inner})` : `sumToBatch(${inner})`;
      }
      return { prelude: fn.scope.prelude, value, ...(per ? { perExample: per } : {}) };
    };
    const lossOf = (v: string) => (o.sense === 'maximize' ? `tf.neg(${v})` : v);

    if (enumerated) {
      const zid = this.names.source(enumerated.node);
      const v = valueOf('r');
      const pass = [`  const r = forward(batch, ctx, dims, { ${zid}: ${zid}_c });`, ...v.prelude.map((l) => `  ${l}`)];
      const signal = v.perExample ? lossOf(v.perExample) : lossOf(v.value);
      body.push(...this.jointEnumeration(enumerated, pass, v.value, 'r', signal, lossOf, scored));
    } else if (samples === 1) {
      body.push('const r = forward(batch, ctx, dims);');
      const v = valueOf('r');
      body.push(...v.prelude, `const value = ${v.value} as tf.Scalar;`, `let loss = ${lossOf('value')} as tf.Scalar;`);
      for (const e of scored) {
        const signal = v.perExample ? lossOf(v.perExample) : lossOf('value');
        body.push(...this.scoreLines(e, [this.batchLogq(`r.${this.ids.get(`${e.node}.logq`)}`, Boolean(v.perExample))], [signal]));
      }
      if (scored.length === 0) body[body.length - 1] = body[body.length - 1].replace('let loss', 'const loss');
    } else {
      body.push(`const runs = Array.from({ length: ${samples} }, () => {`, '  const r = forward(batch, ctx, dims);');
      const v = valueOf('r');
      body.push(...v.prelude.map((l) => `  ${l}`), `  const value = ${v.value};`);
      body.push(`  return { value${v.perExample ? `, perExample: ${v.perExample}` : ''}, ${scored.map((e) => `${this.ids.get(`${e.node}.logq`)}: r.${this.ids.get(`${e.node}.logq`)}`).join(', ')} };`, '});');
      body.push('const value = tf.mean(tf.stack(runs.map((r) => r.value))) as tf.Scalar;', `let loss = ${lossOf('value')} as tf.Scalar;`);
      for (const e of scored) {
        const signal = v.perExample ? `(r) => ${lossOf('r.perExample')}` : `(r) => ${lossOf('r.value')}`;
        body.push(...this.scoreLinesMulti(e, `runs.map((r) => ${this.batchLogq(`r.${this.ids.get(`${e.node}.logq`)}`, Boolean(v.perExample))})`, `runs.map(${signal})`));
      }
    }
    metrics.push('objective: value');
    const stochastic = this.model.statements.filter((s) => s.statement.kind === 'sample' && s.role !== 'likelihood').map((s) => (s.statement as A.Sample).target.text);
    const observed = this.model.observed.map((x) => `${propKey(x)}: r.${this.ids.get(`${x}.p`)}.sample(ctx.rng)`);
    const batchDim = this.model.runtimeDims[0];
    return [
      this.objectiveMember(body, metrics),
      [
        'trace(batch: Batch, ctx: StepContext): Array<[string, tf.Tensor]> {',
        '  const r = forward(batch, ctx, dimsOf(batch));',
        `  const values: Array<[string, unknown]> = ${this.traceList([['forward', 'r']])};`,
        '  return values.filter((e): e is [string, tf.Tensor] => e[1] instanceof tf.Tensor);',
        '},',
      ].join('\n'),
      [
        'guide(batch: Batch, ctx: StepContext): Record<string, tf.Tensor> {',
        '  const r = forward(batch, ctx, dimsOf(batch));',
        `  return { ${stochastic.map((n) => `${propKey(n)}: r.${this.names.source(n)}`).join(', ')} };`,
        '},',
      ].join('\n'),
      [
        'sample(n: number, ctx: StepContext): Record<string, tf.Tensor> {',
        `  const r = forward({}, ctx, { ${batchDim ? `${propKey(batchDim)}: n` : ''} });`,
        `  return { ${[...stochastic.map((n) => `${propKey(n)}: r.${this.names.source(n)}`), ...observed].join(', ')} };`,
        '},',
      ].join('\n'),
    ];
  }

  /** Every joint configuration of an enumerated variable without batch axis, as constant tensors. */
  private enumerationConfigs(d: DistributionType, shape: number[], elements: number): string {
    this.cx.imports.runtime.add('jointConfigurations');
    const k = d.sig.enumerationSize === 'two' ? 2 : undefined;
    const size = k ?? Math.round(Math.pow(this.plan.estimators.find((e) => e.estimator === 'enumerate')!.enumeration!.size, 1 / Math.max(1, elements)));
    const eventRank = d.eventRank;
    const valueShape = shape.slice(0, shape.length - eventRank);
    const toValue = eventRank === 1 ? `tf.cast(tf.oneHot(tf.tensor(row, [${valueShape.map(literal).join(', ')}], 'int32'), ${literal(size)}), 'float32')` : `tf.tensor(row, [${valueShape.map(literal).join(', ')}])`;
    const id = this.cx.constant('configurations', `jointConfigurations(${literal(size)}, ${literal(elements)}).map((row) => ${toValue})`);
    return id;
  }

  /**
   * The objective body of a joint enumeration of `e` (enumerate-score.ts): `pass` evaluates the model at the
   * configuration `${zid}_c`, with the latent's distribution and the score-function nodes' log q in `r`.
   */
  private jointEnumeration(
    e: EstimatorDecision,
    pass: readonly string[],
    value: string,
    r: string,
    signal: string,
    lossOf: (v: string) => string,
    scored: readonly EstimatorDecision[],
  ): string[] {
    const zid = this.names.source(e.node);
    const shape = this.model.variables.get(e.node)?.shape ?? [];
    const st = this.model.statements.find((c) => c.statement.kind === 'sample' && c.statement.target.text === e.node && c.role !== 'prior')!.statement as A.Sample;
    const d = this.distType(st)!;
    const elements = shape.slice(0, shape.length - d.eventRank).reduce((a: number, b) => a * (b as number), 1);
    this.cx.imports.runtime.add('expectation');
    if (scored.length > 0) for (const f of ['scoreFunctionTerm', 'stopGradient']) this.cx.imports.runtime.add(f);
    const nodes: ScoredNode[] = scored.map((n) => ({
      node: this.names.source(n.node),
      logq: `${r}.${this.ids.get(`${n.node}.logq`)}`,
      ...(n.baseline === 'ema' ? { emaBaseline: this.ids.get(`${n.node}.baseline`)! } : {}),
      reason: n.reason,
    }));
    return jointEnumerationLines(
      {
        zid,
        reason: e.reason,
        configs: this.enumerationConfigs(d, shape as number[], elements),
        pass,
        value,
        probability: `tf.exp(tf.sum(${r}.${this.ids.get(`${e.node}.q`)}.logProb(${zid}_c)))`,
        signal,
        loss: lossOf,
      },
      nodes,
    );
  }

  private flatName(name: string, r: string): string | undefined {
    const defs = this.model.definitions.get(name) ?? [];
    const def = defs.find((d) => d.kind === 'data') ?? defs[0];
    if (!def) return undefined;
    if (def.kind === 'param') return this.names.source(name);
    if (def.kind === 'data') return this.data(name);
    return `${r}.${this.names.source(name)}`;
  }

  private emitDispose(): string {
    return [
      'dispose(): void {',
      '  for (const v of variables.values()) v.dispose();',
      '  tf.dispose(constants);',
      '},',
    ].join('\n');
  }
}

/**
 * Reads latent `name` from the `latents` record. TypeScript types a property named like a member of
 * Object.prototype (`constructor`, `toString`, ...) as that member even on a string-indexed record, so such a
 * name is read with a cast; at run time the record holds it as an own property.
 */
function latentRead(name: string): string {
  return name in Object.prototype ? `(latents[${str(name)}] as unknown as tf.Tensor)` : member('latents', name);
}
