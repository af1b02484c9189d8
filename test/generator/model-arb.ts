/**
 * fast-check arbitrary of random well-typed .sgm models, built from the signature table: every distribution
 * (as latent, prior, likelihood, flat stochastic node, GenGS base), its relaxations and estimator overrides,
 * the objectives (elbo, iwae, loglik - kl, minimize, capacity), block layouts (guide/generative, flat), chains
 * of latents (hierarchy depth), deterministic layers and data declarations. Each model comes with the
 * description of its data, so the runner can build a batch in the support of every observed variable.
 */
import fc from 'fast-check';
import { checkSource } from '../../compiler/pipeline.js';
import type { DistributionSig } from '../../stdlib/signatures/index.js';
import { DEFAULT_CONFIG, type GeneratorConfig } from './config.js';
import { buildDistribution, type BuildContext, type Dim, type SampleInfo, type Source } from './dist-builder.js';
import { Draw } from './draw.js';
import { featuresOf, layerStack, type Features, type StatementSink } from './layers.js';
import { estimatorOverride, objectiveFor, predictEstimator, priorFor, type Stochastic } from './model-parts.js';
import { latentFamilies, likelihoodFamilies } from './table.js';

/** A `data` declaration and what its values must satisfy. */
export interface DataDecl {
  readonly name: string;
  readonly shape: readonly Dim[];
  readonly support: SampleInfo['support'] | 'real';
  readonly K?: number;
  readonly total?: number;
  readonly cells?: number;
  readonly lo?: number;
}

export interface GeneratedModel {
  readonly name: string;
  readonly text: string;
  readonly data: readonly DataDecl[];
  /** Layout and features, for summaries. */
  readonly tags: readonly string[];
}

/** Names the generated module (or JavaScript) also uses: drawn only when 'colliding-names' is not excluded. */
const RISKY_NAMES = ['s', 'latents', 'tf', 'hyper', 'metadata', 'create', 'options', 'batch', 'ctx', 'rng', 'params', 'out', 'loss', 'value', 'metrics', 'Math', 'Object', 'undefined', 'NaN', 'Infinity', 'arguments', 'constructor', 'prototype', 'self', 'shared', 'dims', 'fixed', 'Dims', 'Fixed', 'Shared', 'Latents'];
const PLAIN_PREFIXES: Record<string, readonly string[]> = {
  z: ['z', 'c', 'e', 'u', 'ζ'],
  h: ['h', 'a', 'feat', 'η'],
  x: ['x', 'y', 'obs', 'ξ'],
};

/** State of one model under construction. */
export class ModelBuilder implements BuildContext, StatementSink {
  readonly decls: string[] = [];
  readonly modelLevel: string[] = [];
  readonly blocks: Record<'guide' | 'generative' | 'flat', string[]> = { guide: [], generative: [], flat: [] };
  readonly data: DataDecl[] = [];
  readonly stochastic: Stochastic[] = [];
  readonly klOverrides: string[] = [];
  readonly tags: string[] = [];
  current: 'guide' | 'generative' | 'flat' = 'flat';
  private readonly used = new Set<string>();
  private counter = 0;
  readonly hyper: { K: number; N: number; tau: number };

  constructor(
    readonly draw: Draw,
    readonly cfg: GeneratorConfig,
    hyper?: { K: number; N: number; tau: number },
  ) {
    this.hyper = hyper ?? { K: draw.int(2, 4), N: draw.int(1, 3), tau: draw.pick([0.3, 0.5, 1]) };
    for (const n of ['K', 'N', 'tau', 'B']) this.used.add(n);
  }

  fresh(prefix: string): string {
    const d = this.draw;
    if (!this.cfg.exclude.has('colliding-names') && d.bool(0.15)) {
      const risky = RISKY_NAMES.filter((n) => !this.used.has(n));
      if (risky.length > 0) return this.take(d.pick(risky));
    }
    const base = d.pick(PLAIN_PREFIXES[prefix] ?? [prefix]);
    return this.take(`${base}${++this.counter}`);
  }

  private take(name: string): string {
    this.used.add(name);
    return name;
  }

  declareParam(prefix: string, shape: readonly number[], init: string): string {
    const name = this.fresh(prefix);
    this.decls.push(`param ${name}: [${shape.map((s) => this.dim(s)).join(', ')}] = ${init}`);
    return name;
  }

  dim(n: number): string {
    const d = this.draw;
    if (n === this.hyper.K && d.bool(0.5)) return 'K';
    if (n === this.hyper.K - 1 && n > 0 && d.bool(0.5)) return 'K - 1';
    if (n === this.hyper.N && d.bool(0.5)) return 'N';
    return String(n);
  }

  tau(): string {
    return this.draw.weighted([
      ['tau', 3],
      ['0.5', 2],
      ['1.0', 1],
      ['0.2', 1],
      ['anneal(1.0 -> 0.3, steps = 100)', 1],
      ['anneal(1.0 -> 0.5, steps = 10, kind = linear)', 0.5],
      ['ramp(1.0 -> 0.5, steps = 20)', 0.5],
    ]);
  }

  bind(prefix: string, expr: string): string {
    const name = this.fresh(prefix === 'low' ? 'h' : prefix);
    this.assign(name, expr);
    return name;
  }

  assign(name: string, expr: string): void {
    this.blocks[this.current].push(`${name} = ${expr}`);
  }

  /** Declares `data name: shape` and records its support for the batch. */
  declareData(name: string, info: Pick<SampleInfo, 'support' | 'shape' | 'K' | 'total' | 'gengs'>): void {
    this.decls.unshift(`data ${name}: [${info.shape.map((s) => (s === 'B' ? 'B' : this.dim(s))).join(', ')}]`);
    this.data.push({
      name,
      shape: info.shape,
      support: info.support,
      ...(info.K !== undefined ? { K: info.K } : {}),
      ...(info.total !== undefined ? { total: info.total } : {}),
      ...(info.gengs ? { cells: info.gengs.cells, lo: info.gengs.lo } : {}),
    });
  }

  /** An input data tensor [B, F] used only as a conditioning input. */
  inputData(prefix = 'x'): Features {
    const name = this.fresh(prefix);
    const w = this.draw.int(1, this.cfg.maxWidth);
    this.declareData(name, { support: 'real', shape: ['B', w] });
    return { expr: name, width: w };
  }

  render(name: string): string {
    const h = this.hyper;
    const body = [
      ...this.decls,
      ...this.modelLevel,
      ...(this.blocks.guide.length ? ['guide {', ...this.blocks.guide.map((l) => `  ${l}`), '}'] : []),
      ...(this.blocks.generative.length ? ['generative {', ...this.blocks.generative.map((l) => `  ${l}`), '}'] : []),
      ...this.blocks.flat,
      ...this.klOverrides,
    ];
    return `model ${name}(K = ${h.K}, N = ${h.N}, tau = ${h.tau}) {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
  }
}

/** A sampled statement `name ~ call [: annotation] [with ...]` in the current block. */
function sample(b: ModelBuilder, name: string, call: string, annotation?: string, override?: string): void {
  b.blocks[b.current].push(`${name} ~ ${call}${annotation ? ` : ${annotation}` : ''}${override ? ` with ${override}` : ''}`);
}

function pickFamily(b: ModelBuilder, families: readonly DistributionSig[]): DistributionSig {
  return b.draw.pick(families);
}

/**
 * A likelihood family. A GenGS likelihood of data is always rejected (SGM5006, docs/language.md), so with
 * gengs-likelihood lifted it is drawn in 2 % of the picks (it was ~5 % of models as one family among all):
 * enough to exercise the rejection, few enough that most models reach training.
 */
function pickLikelihood(b: ModelBuilder): DistributionSig {
  const relaxedCounts = !b.cfg.exclude.has('gengs-likelihood') && b.draw.rare(0.02);
  const all = likelihoodFamilies(false);
  return pickFamily(b, relaxedCounts ? all.filter((f) => f.support === 'relaxed_integer') : likelihoodFamilies(true));
}

/** Batch shape of a latent: one value per data point ([B], enumerable) or N values ([B, N]). */
function latentOuter(b: ModelBuilder): Dim[] {
  const n = b.draw.int(1, b.cfg.maxWidth > 3 ? 3 : b.cfg.maxWidth);
  return b.draw.bool(0.35) ? ['B'] : ['B', n];
}

/** Guide/generative model with a chain of latents z1 -> ... -> zD and one or two likelihoods. */
function vaeModel(b: ModelBuilder): void {
  const d = b.draw;
  b.tags.push('vae');
  const depth = d.int(1, b.cfg.maxDepth);
  b.tags.push(`depth${depth}`);
  const x = b.fresh('x');
  const lik = pickLikelihood(b);
  // Likelihood first (its data shape fixes the encoder input); its statement is emitted at the end.
  const latents: Array<{ name: string; info: SampleInfo; outer: Dim[] }> = [];
  const objectiveKind = d.weighted<'elbo' | 'iwae' | 'loglik_kl' | 'minimize' | 'capacity'>([
    ['elbo', 4],
    ['iwae', 1],
    ['loglik_kl', 1.5],
    ['minimize', 1],
    ['capacity', 0.7],
  ]);
  const likOuter: Dim[] = ['B', d.int(1, b.cfg.maxWidth)];
  const likK = d.int(2, 4);

  // Guide.
  b.current = 'guide';
  // The data shape follows from the likelihood's event rule; build the likelihood once to learn it.
  const likBuilt = buildLikelihood(b, lik, likOuter, likK, { kind: 'const' }, true);
  b.declareData(x, likBuilt.info);
  let h = featuresOf(b, x, likBuilt.info);
  if (d.bool(0.2)) {
    const c = b.inputData('x');
    h = { expr: `concat(${h.expr}, ${c.expr})`, width: h.width + c.width };
  }
  for (let i = 0; i < depth; i++) {
    h = layerStack(b, h, b.cfg.maxWidth);
    const family = pickFamily(b, latentFamilies());
    const outer = latentOuter(b);
    const built = buildDistribution(b, { sig: family, source: { kind: 'features', expr: h.expr }, outer, K: d.int(2, 4) });
    const z = b.fresh('z');
    const override = estimatorOverride(b, family, built.info, objectiveKind === 'elbo' && i === depth - 1);
    sample(b, z, built.call, undefined, override.text);
    b.stochastic.push({ name: z, family, info: built.info, estimator: predictEstimator(family, built.info, override.name, { perExampleOk: objectiveKind === 'elbo' && i === depth - 1 }) });
    latents.push({ name: z, info: built.info, outer });
    if (i < depth - 1) h = featuresOf(b, z, built.info);
  }

  // Generative: priors from the top of the chain down, then the likelihood(s).
  b.current = 'generative';
  for (let i = depth - 1; i >= 0; i--) {
    const z = latents[i];
    let source: Source = { kind: d.bool(0.6) ? 'const' : 'param' };
    if (i < depth - 1) source = { kind: 'features', expr: layerStack(b, featuresOf(b, latents[i + 1].name, latents[i + 1].info), b.cfg.maxWidth).expr };
    const prior = priorFor(b, z.info, source, z.outer);
    sample(b, z.name, prior.call, prior.annotation);
    if (d.bool(0.15)) b.klOverrides.push(`kl(${z.name}) = ${prior.sameFamily && d.bool(0.5) ? 'closed_form' : `mc(samples = ${d.int(1, 3)})`}`);
  }
  let top = featuresOf(b, latents[0].name, latents[0].info);
  // Indexing a learned table by an index latent (`table[c]`, a gather): issue 13 item 3.
  const index = latents.find((l) => l.info.support === 'categorical_index' && l.info.shape.length === 1);
  if (index && !b.cfg.exclude.has('tensor-index') && d.bool(0.7)) {
    const width = d.int(1, b.cfg.maxWidth);
    const table = b.declareParam('w', [index.info.K ?? 2, width], 'randn(0.5)');
    top = { expr: `concat(${top.expr}, ${table}[${index.name}])`, width: top.width + width };
    b.tags.push('tensor-index');
  }
  const hx = layerStack(b, top, b.cfg.maxWidth);
  const observed = [x];
  const lb = buildLikelihood(b, lik, likOuter, likK, { kind: 'features', expr: hx.expr }, false, likBuilt.info);
  sample(b, x, lb.call);
  if (d.bool(0.15)) {
    const y = b.fresh('x');
    const l2 = pickLikelihood(b);
    const y2 = buildLikelihood(b, l2, ['B', d.int(1, 3)], d.int(2, 4), { kind: 'features', expr: hx.expr }, false);
    b.declareData(y, y2.info);
    sample(b, y, y2.call);
    observed.push(y);
  }
  const o = objectiveFor(b, objectiveKind, observed, latents.map((l) => l.name));
  b.modelLevel.push(...o.pre);
  b.blocks.flat.push(o.objective);
}

/** A likelihood of data from features; `learn` only computes the data shape (nothing is emitted). */
function buildLikelihood(b: ModelBuilder, lik: DistributionSig, outer: Dim[], K: number, source: Source, learn: boolean, match?: SampleInfo): { call: string; info: SampleInfo } {
  if (learn) {
    // Dry run on a scratch builder sharing the draw: the shape depends only on the event rule and K/cells.
    const scratch = new ModelBuilder(b.draw, b.cfg, b.hyper); // same hyperparameters: sizes may be written as K
    const r = buildDistribution(scratch, { sig: lik, source: { kind: 'const' }, outer, K });
    return r;
  }
  return buildDistribution(b, { sig: lik, source, outer, K, ...(match ? { match } : {}) });
}

/** Flat model: stochastic nodes without blocks, fitted to data by a loss, or with an observed output. */
function flatModel(b: ModelBuilder): void {
  const d = b.draw;
  b.current = 'flat';
  if (d.bool(0.5)) {
    // Fit: n ~ Dist(params) : [B, ...]; minimize a distance to data t.
    b.tags.push('flat-fit');
    const family = pickFamily(b, latentFamilies());
    const inner: Dim[] = d.bool(0.5) ? [] : [d.int(1, 3)];
    const built = buildDistribution(b, { sig: family, source: { kind: 'param' }, outer: inner, K: d.int(2, 4) });
    const n = b.fresh('z');
    const info: SampleInfo = { ...built.info, shape: ['B', ...built.info.shape] };
    const override = estimatorOverride(b, family, info, false);
    sample(b, n, built.call, `[${info.shape.map((s) => (s === 'B' ? 'B' : b.dim(s))).join(', ')}]`, override.text);
    b.stochastic.push({ name: n, family, info, estimator: predictEstimator(family, info, override.name, { perExampleOk: false }) });
    const f = featuresOf(b, n, info);
    const t = b.fresh('x');
    b.declareData(t, { support: 'real', shape: ['B', f.width] });
    b.blocks.flat.push(d.pick([`minimize mean((${f.expr} - ${t})^2)`, `minimize mean(square(${f.expr} - ${t}))`, `maximize -mean(abs(${f.expr} - ${t}))`]));
    return;
  }
  // Structured output: input data u, a chain of stochastic layers, observed y.
  b.tags.push('flat-sbn');
  let h = b.inputData('x');
  const depth = d.int(1, b.cfg.maxDepth);
  for (let i = 0; i < depth; i++) {
    h = layerStack(b, h, b.cfg.maxWidth);
    const family = pickFamily(b, latentFamilies());
    const built = buildDistribution(b, { sig: family, source: { kind: 'features', expr: h.expr }, outer: latentOuter(b), K: d.int(2, 4) });
    const z = b.fresh('z');
    const override = estimatorOverride(b, family, built.info, false);
    sample(b, z, built.call, undefined, override.text);
    b.stochastic.push({ name: z, family, info: built.info, estimator: predictEstimator(family, built.info, override.name, { perExampleOk: false }) });
    h = featuresOf(b, z, built.info);
  }
  h = layerStack(b, h, b.cfg.maxWidth);
  const lik = pickLikelihood(b);
  const y = b.fresh('x');
  const lb = buildDistribution(b, { sig: lik, source: { kind: 'features', expr: h.expr }, outer: ['B', d.int(1, 4)], K: d.int(2, 4) });
  b.declareData(y, lb.info);
  sample(b, y, lb.call);
  b.blocks.flat.push(d.pick([`maximize loglik(${y})`, `minimize -loglik(${y})`, `maximize loglik(${y}) - 0.01 * mean(square(${h.expr}))`]));
}

/** Whether a model avoids every excluded construct (see config.ts). */
export function respectsExclusions(b: ModelBuilder): boolean {
  const ex = b.cfg.exclude;
  if (ex.has('bernoulli-latent') && b.stochastic.some((s) => s.family.support === 'boolean' && s.family.discrete)) return false;
  if (ex.has('auto-enumerate-with-reinforce') && b.stochastic.some((s) => s.estimator === 'enumerate') && b.stochastic.some((s) => s.estimator === 'reinforce')) return false;
  return true;
}

/**
 * Exclusions that depend on the compiler's plan (relaxed-mc-kl): the model's front end is run and its KL
 * decisions read. A model the front end rejects is kept (its rejection is an outcome to count).
 */
function respectsPlanExclusions(b: ModelBuilder): boolean {
  if (!b.cfg.exclude.has('relaxed-mc-kl')) return true;
  const relaxed = new Set(b.stochastic.filter((s) => s.family.relaxation !== 'none').map((s) => s.name));
  if (relaxed.size === 0) return true;
  if (b.tags.includes('iwae')) return false;
  const front = checkSource('generated.sgm', b.render('generated'));
  const plan = front.plans[0];
  return !plan || !plan.kl.some((k) => k.method === 'mc' && relaxed.has(k.latent));
}

let serial = 0;

/** Random well-typed models. */
export function modelArbitrary(cfg: GeneratorConfig = DEFAULT_CONFIG): fc.Arbitrary<GeneratedModel> {
  return fc
    .gen()
    .map((g) => {
      // fast-check's filter would replay the same choices; draw again instead (the draws continue).
      const draw = new Draw(g);
      for (;;) {
        const b = new ModelBuilder(draw, cfg);
        if (b.draw.bool(0.7)) vaeModel(b);
        else flatModel(b);
        if (respectsExclusions(b) && respectsPlanExclusions(b)) return b;
      }
    })
    .map((b) => {
      const name = `gen_${serial++}`;
      return { name, text: b.render(name), data: b.data, tags: b.tags };
    });
}
