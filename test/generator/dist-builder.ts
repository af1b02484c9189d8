/**
 * Builds one well-typed distribution call from its signature-table entry: which parameters to pass (exactly one
 * of each `exactlyOneOf` group, some optional ones), by position or by name or alias, and a value of the right
 * shape and constraint for each, following the entry's event rule. Values come from a feature tensor [B, F]
 * (through dense layers), from constants, or from learned `param` declarations.
 */
import type { DistributionSig, ParamSig, Support } from '../../stdlib/signatures/index.js';
import type { Draw } from './draw.js';
import { baseCandidates, constantValues, constrain, paramNames, PARAM_RELATIONS } from './table.js';

export type Dim = number | 'B';

/** What a generated sample looks like, for its consumers (layers, priors, likelihood data). */
export interface SampleInfo {
  readonly family: DistributionSig;
  readonly support: Support;
  readonly shape: readonly Dim[];
  /** Categories on the last axis (simplex, one-hot, counts) or of an index. */
  readonly K?: number;
  /** total_count of a Binomial/Multinomial (or of a GenGS base). */
  readonly total?: number;
  /** GenGS: the relaxed base family (undefined in the implicit form), truncation text and cells. */
  readonly gengs?: { readonly base?: DistributionSig; readonly trunc?: string; readonly cells: number; readonly lo: number };
  /** Text of the temperature argument, if any. */
  readonly tau?: string;
  /** `hard = true` was passed. */
  readonly hard: boolean;
}

/** Where parameter values come from. */
export type Source = { readonly kind: 'features'; readonly expr: string } | { readonly kind: 'const' } | { readonly kind: 'param' };

/** Services of the model under construction that the builder needs. */
export interface BuildContext {
  readonly draw: Draw;
  /** A fresh user name with a prefix. */
  fresh(prefix: string): string;
  /** Declares a `param` at model level; returns its name. */
  declareParam(prefix: string, shape: readonly number[], init: string): string;
  /** Text of a size, possibly through a hyperparameter (K, K - 1, N). */
  dim(n: number): string;
  /** Binds `expr` to a fresh name in the current block (a value used twice); returns the name. */
  bind(prefix: string, expr: string): string;
  /** A temperature expression (literal, hyperparameter or schedule). */
  tau(): string;
}

export interface BuildRequest {
  readonly sig: DistributionSig;
  readonly source: Source;
  /** Batch shape of the sample (without event axes): ['B', N], ['B'], [N] or []. */
  readonly outer: readonly Dim[];
  readonly K: number;
  /** Event structure to reproduce (a prior for a guide sample): K, total_count, GenGS cells, temperature. */
  readonly match?: SampleInfo;
}

export interface Built {
  readonly call: string;
  readonly info: SampleInfo;
}

const unitsOf = (shape: readonly Dim[]): number[] => shape.filter((d): d is number => d !== 'B');

/** Builds the call text of `req.sig` and describes its sample. */
export function buildDistribution(ctx: BuildContext, req: BuildRequest): Built {
  const { sig, match } = req;
  const d = ctx.draw;
  const K = match?.K ?? req.K;
  const chosen = chooseParams(d, sig, req);
  const args: Array<[ParamSig, string]> = [];
  let info: SampleInfo = { family: sig, support: sig.support, shape: [...req.outer], hard: false };
  const total = match?.total ?? Number(d.pick(constantValues('nonnegative_integer')));
  const tau = match?.tau !== undefined && d.bool(0.7) ? match.tau : ctx.tau();
  const ev = sig.event;
  const eventShape = (p: ParamSig): readonly Dim[] => {
    if (ev.kind === 'simplex' || ev.kind === 'index' || ev.kind === 'counts') return ev.from.includes(p.name) ? [...req.outer, K] : req.outer;
    if (ev.kind === 'simplex_plus_one') return [...req.outer, K - 1];
    // 'vector' (Dirichlet, MultivariateNormal): every tensor is [..., K] except the matrix, [..., K, K].
    if (ev.kind === 'vector') return p.name === ev.matrix ? [...req.outer, K, K] : [...req.outer, K];
    return req.outer;
  };
  for (const p of chosen) {
    if (p.kind === 'tensor' && ev.kind === 'base' && p.name === 'logits') {
      args.push([p, '']); // implicit GenGS: the logits' last axis is the number of cells, set with the truncation
    } else if (p.kind === 'tensor') {
      args.push([p, tensorValue(ctx, req, sig, p, eventShape(p), args)]);
    } else if (p.kind === 'scalar') {
      args.push([p, tau]);
      info = { ...info, tau };
    } else if (p.kind === 'constant') {
      const isTotal = p.name === 'total_count';
      const v = isTotal ? String(total) : d.pick(constantValues(p.constraint, p));
      args.push([p, isTotal ? ctx.dim(total) : v]);
      if (p.constraint === 'boolean' && v === 'true') info = { ...info, hard: true };
    } else if (p.kind === 'distribution') {
      const base = buildBase(ctx, req, K);
      args.push([p, base.call]);
      info = { ...info, ...base.info };
    } else if (p.kind === 'range') {
      // Filled below from the base (or from the logits in the implicit form).
    }
  }
  if (ev.kind === 'simplex' || ev.kind === 'simplex_plus_one' || ev.kind === 'counts' || ev.kind === 'vector') info = { ...info, shape: [...req.outer, K], K };
  if (ev.kind === 'index') info = { ...info, K };
  if (chosen.some((p) => p.name === 'total_count')) info = { ...info, total };
  if (ev.kind === 'base') info = gengsRange(ctx, req, chosen, args, info);
  return { call: `${sig.name}(${renderArgs(d, sig, args)})`, info };
}

/** Exactly one parameter of each exactlyOneOf group, every required one, some optional ones. */
function chooseParams(d: Draw, sig: DistributionSig, req: BuildRequest): ParamSig[] {
  const groups = sig.exactlyOneOf ?? [];
  const picked = new Set<string>();
  for (const g of groups) {
    // A GenGS prior reproduces its guide's form when the guide relaxes a finite base (Binomial, Multinomial).
    const forced = req.match?.gengs?.base && g.includes('base') && req.match.gengs.base.enumerationSize !== 'infinite' ? 'base' : undefined;
    picked.add(forced ?? d.pick(g));
  }
  const inGroup = new Set(groups.flat());
  return sig.params.filter((p) => {
    if (inGroup.has(p.name)) return picked.has(p.name);
    if (p.kind === 'range') return true; // decided with the base
    if (!p.optional) return true;
    if (p.kind === 'scalar') return true; // pass the temperature explicitly: it is also matched by priors
    return d.bool(0.3);
  });
}

function tensorValue(ctx: BuildContext, req: BuildRequest, sig: DistributionSig, p: ParamSig, shape: readonly Dim[], earlier: Array<[ParamSig, string]>): string {
  const d = ctx.draw;
  const relation = PARAM_RELATIONS[sig.name];
  if (relation?.param === p.name) {
    // The bound must be the same value, not the same text: a second `dense(...)` would own other weights.
    const entry = earlier.find(([q]) => q.name === relation.above);
    let low = entry?.[1] ?? '0';
    if (entry && req.source.kind === 'features') {
      low = ctx.bind(relation.above, low);
      entry[1] = low;
    }
    return `${low} + ${constrain(rawValue(ctx, req.source, shape, 'real'), 'positive', 1)}`;
  }
  // A simplex parameter from constants is the uniform vector (the table's constructor for it) or a softmax.
  if (p.constraint === 'simplex' && req.source.kind === 'const' && d.bool(0.6)) return `uniform(${ctx.dim(req.match?.K ?? req.K)})`;
  const variant = d.int(0, 5);
  if (req.source.kind === 'const' && unitsOf(shape).length === 0 && p.constraint !== 'simplex') {
    return d.pick(constantValues(p.constraint === 'open_unit_interval' ? 'unit_interval' : p.constraint));
  }
  return constrain(rawValue(ctx, req.source, shape, p.constraint ?? 'real'), p.constraint, variant);
}

/** An unconstrained real tensor of `shape` from the source. */
function rawValue(ctx: BuildContext, source: Source, shape: readonly Dim[], constraint: string): string {
  const d = ctx.draw;
  const units = unitsOf(shape);
  const dims = `[${units.map((u) => ctx.dim(u)).join(', ')}]`;
  switch (source.kind) {
    case 'features': {
      const act = d.bool(0.2) ? `, act = ${d.pick(['tanh', 'identity'])}` : '';
      // dense needs at least one output axis: a value per data point is the single column of a [B, 1] layer.
      if (units.length === 0) return d.bool(0.5) ? `dense(${source.expr}, [1]${act})[:, 0]` : `sum(dense(${source.expr}, [1]${act}), axis = -1)`;
      return `dense(${source.expr}, ${dims}${act})`;
    }
    case 'param': {
      const init = d.pick(['0', '0.1', 'randn(0.1)', '-0.5']);
      return ctx.declareParam(constraint === 'real' ? 'w' : 'raw', units, init);
    }
    case 'const':
      return units.length === 0 ? d.pick(['0', '0.5']) : d.pick([`zeros(${dims})`, `ones(${dims}) * 0.5`]);
  }
}

/** The base distribution of a GenGS call (its `distribution` parameter). */
function buildBase(ctx: BuildContext, req: BuildRequest, K: number): Built {
  const matchBase = req.match?.gengs?.base;
  const finiteMatch = matchBase && matchBase.enumerationSize !== 'infinite' ? matchBase : undefined;
  // A prior for an implicit or infinite-support guide relaxes an infinite-support count family (same cells).
  const candidates = baseCandidates().filter((b) =>
    finiteMatch ? b.name === finiteMatch.name : req.match ? b.enumerationSize === 'infinite' : true,
  );
  const baseSig = ctx.draw.pick(candidates);
  return buildDistribution(ctx, { sig: baseSig, source: req.source, outer: req.outer, K, ...(req.match ? { match: { ...req.match, family: baseSig, support: baseSig.support, gengs: undefined } } : {}) });
}

/** GenGS's truncation: required for an infinite base, fixed by the logits in the implicit form. */
function gengsRange(ctx: BuildContext, req: BuildRequest, chosen: ParamSig[], args: Array<[ParamSig, string]>, info: SampleInfo): SampleInfo {
  const d = ctx.draw;
  const range = chosen.find((p) => p.kind === 'range');
  const base = chosen.some((p) => p.kind === 'distribution') ? info.family : undefined;
  const baseInfo = info;
  const m = req.match?.gengs;
  let cells: number;
  let lo = 0;
  let trunc: string | undefined;
  if (base && base.enumerationSize !== 'infinite') {
    // A finite base: no truncation needed; cells = support size (N + 1, or K for a Categorical base).
    cells = base.event.kind === 'index' ? (baseInfo.K ?? req.K) : (baseInfo.total ?? 1) + 1;
  } else if (m?.trunc !== undefined) {
    trunc = m.trunc;
    cells = m.cells;
    lo = m.lo;
  } else if (d.bool(0.2)) {
    lo = d.int(0, 3);
    cells = d.int(2, 6);
    trunc = `${lo}..${lo + cells - 1}`;
  } else {
    cells = m?.cells ?? d.int(3, 8);
    trunc = ctx.dim(cells);
  }
  if (range && trunc !== undefined) args.push([range, trunc]);
  const implicit = !base;
  if (implicit) {
    const logitsArg = args.find(([p]) => p.name === 'logits');
    if (logitsArg) logitsArg[1] = rawValue(ctx, req.source, [...req.outer, cells], 'real');
  }
  const shape = implicit ? [...req.outer] : baseInfo.shape;
  return {
    family: req.sig,
    support: req.sig.support,
    shape,
    ...(baseInfo.K !== undefined && !implicit ? { K: baseInfo.K } : {}),
    ...(baseInfo.total !== undefined && !implicit ? { total: baseInfo.total } : {}),
    gengs: { ...(base ? { base } : {}), ...(trunc !== undefined ? { trunc } : {}), cells, lo },
    ...(info.tau !== undefined ? { tau: info.tau } : {}),
    hard: info.hard,
  };
}

/** Positional arguments for a leading run of parameters in table order (sometimes), the rest by name or alias. */
function renderArgs(d: Draw, sig: DistributionSig, args: Array<[ParamSig, string]>): string {
  const order = (p: ParamSig): number => sig.params.indexOf(p);
  const sorted = [...args].sort((a, b) => order(a[0]) - order(b[0]));
  let positional = 0;
  if (d.bool(0.5)) while (positional < sorted.length && order(sorted[positional][0]) === positional && d.bool(0.8)) positional++;
  return sorted
    .map(([p, v], i) => (i < positional ? v : `${d.bool(0.2) ? d.pick(paramNames(p)) : p.name} = ${v}`))
    .join(', ');
}
