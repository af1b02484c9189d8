/**
 * Checks statements in source order: declarations (shapes, initialisers), deterministic assignments,
 * stochastic statements (distribution, shape annotation, estimator override, posterior/prior/likelihood
 * shape agreement), and fills the scopes that later statements see.
 */
import { sampleSign } from '../../stdlib/signatures/index.js';
import type * as A from '../syntax/ast.js';
import { closestName } from '../diagnostics/suggest.js';
import type { CheckContext, ExprContext } from './context.js';
import { typeExpr } from './expressions.js';
import { broadcastsTo, formatShape, type Dim, type Shape } from './shape.js';
import { tensorType } from './shape-rules.js';
import type { OrderedStatement } from './structure.js';
import type { BlockName, CheckedStatement, Definition, DistributionType, TensorType } from './types.js';

/** Evaluates a shape: numbers, hyperparameter arithmetic, or named dimensions bound at run time. */
export function evalShape(ctx: CheckContext, shape: A.ShapeExpr, order: number, allowNamed: boolean, what: string, parameter = false): Shape | undefined {
  const dims: Dim[] = [];
  let ok = true;
  for (const d of shape.dims) {
    if (d.kind === 'ident' && !ctx.hyper.has(d.name) && !ctx.brokenHypers.has(d.name) && !ctx.lookup(d.name, 'model')) {
      if (!allowNamed) {
        ctx.report('SGM3005', d.span, `the shape of ${what} must be known at compile time`, {
          label: `'${d.name}' is bound only at run time`,
          help: 'use numbers or hyperparameters',
        });
        ok = false;
        continue;
      }
      const near = closestName(d.name, ctx.hyper.keys());
      if (near) {
        ctx.report('SGM4002', d.span, `'${d.name}' is a run-time dimension; did you mean the hyperparameter '${near}'?`, {
          label: 'bound at run time',
        });
      }
      ctx.runtimeDims.add(d.name);
      dims.push(d.name);
      continue;
    }
    const t = typeExpr(ctx, d, { block: 'model', position: 'shape', order });
    if (t.kind !== 'tensor') {
      ok = false;
      continue;
    }
    if (typeof t.constant !== 'number' || !Number.isInteger(t.constant) || t.constant <= 0) {
      ctx.report('SGM3015', d.span, `invalid dimension in the shape of ${what}`, {
        label: t.constant === undefined ? 'not a compile-time constant' : `${String(t.constant)} is not a positive integer`,
      });
      ok = false;
      continue;
    }
    dims.push(t.constant);
  }
  if (ok && !ctx.checkSize(dims, shape.span, `the shape of ${what}`, parameter)) return undefined;
  return ok ? dims : undefined;
}

const definitionOf = (ctx: CheckContext, name: string, block: BlockName, order: number): Definition | undefined =>
  (ctx.definitions.get(name) ?? []).find((d) => d.order === order && d.block === block);

/** Adds a variable to the scope of its block. */
export function define(ctx: CheckContext, name: A.Name, block: BlockName, order: number, type: TensorType): void {
  ctx.defineLog?.push({ name, block, order, type });
  const definition = definitionOf(ctx, name.text, block, order);
  if (!definition || name.text === '') return;
  // A redefinition already reported as SGM2002 keeps the first definition's entry.
  if (ctx.scopes[block].has(name.text) && block === 'model') return;
  ctx.scopes[block].set(name.text, { type, definition });
  if (!ctx.variables.has(name.text)) ctx.variables.set(name.text, type);
}

/** Checks one statement; returns its checked form (with the role of a ~ statement). */
export function checkStatement(ctx: CheckContext, s: OrderedStatement): CheckedStatement {
  const st = s.statement;
  const ec: ExprContext = { block: s.block, position: 'value', order: s.order };
  switch (st.kind) {
    case 'data': {
      const shape = evalShape(ctx, st.shape, s.order, true, `data '${st.name.text}'`);
      define(ctx, st.name, 'model', s.order, tensorType(shape ?? null, 'unknown'));
      return { statement: st, block: s.block };
    }
    case 'param': {
      const shape = evalShape(ctx, st.shape, s.order, false, `param '${st.name.text}'`, true);
      if (st.init) {
        const t = typeExpr(ctx, st.init, { ...ec, position: 'init' });
        if (t.kind === 'tensor') checkInit(ctx, st, t, shape);
      }
      define(ctx, st.name, 'model', s.order, tensorType(shape ?? null, 'real'));
      return { statement: st, block: s.block };
    }
    case 'const': {
      const shape = st.shape ? evalShape(ctx, st.shape, s.order, false, `const '${st.name.text}'`) : undefined;
      const t = typeExpr(ctx, st.value, ec);
      if (t.kind !== 'tensor') define(ctx, st.name, 'model', s.order, tensorType(null, 'unknown'));
      if (t.kind === 'tensor') {
        if (t.constant === undefined || t.schedule) {
          ctx.report(t.schedule ? 'SGM2108' : 'SGM2109', st.value.span, `const '${st.name.text}' must be known at compile time`, {
            label: t.schedule ? 'a schedule changes during training' : 'depends on data, params or samples',
            help: 'use = for a computed value',
          });
        }
        if (shape && !broadcastsTo(t.shape, shape)) reportAnnotation(ctx, st.shape!, t.shape, shape);
        define(ctx, st.name, 'model', s.order, { ...t, shape: shape ?? t.shape });
      }
      return { statement: st, block: s.block };
    }
    case 'assign':
      checkAssign(ctx, st, s, ec);
      return { statement: st, block: s.block };
    case 'sample':
      return { statement: st, block: s.block, role: checkSample(ctx, st, s, ec) };
    case 'kl_override':
      return { statement: st, block: s.block };
  }
}

function checkInit(ctx: CheckContext, st: A.ParamDecl, t: TensorType, shape: Shape | undefined): void {
  const isInitFn = st.init?.kind === 'call' && ctx.calls.get(st.init)?.sig.name === 'randn';
  if (!isInitFn && (t.constant === undefined || t.schedule)) {
    ctx.report('SGM2109', st.init!.span, `the initial value of param '${st.name.text}' must be a constant or randn(std)`, {
      label: 'not a compile-time constant',
    });
    return;
  }
  if (shape && !isInitFn && !broadcastsTo(t.shape, shape)) {
    ctx.report('SGM3003', st.init!.span, `the initial value of param '${st.name.text}' does not fit its shape`, {
      label: `has shape ${formatShape(t.shape)}, the param is ${formatShape(shape)}`,
    });
  }
}

function reportAnnotation(ctx: CheckContext, annotation: A.ShapeExpr, inferred: Shape | null, declared: Shape, sampled = false): void {
  // A sample's annotation is its whole shape: `theta ~ Dirichlet(alpha) : [B]` with alpha: [K] means [B, K].
  const whole = sampled && inferred !== null && inferred.length > 0 ? [...declared, ...inferred] : null;
  ctx.report('SGM3003', annotation.span, 'the declared shape does not match the inferred shape', {
    label: `declared ${formatShape(declared)}, inferred ${formatShape(inferred)}`,
    ...(whole ? { help: `a sample's annotation is its whole shape, event axes included: for ${formatShape(declared)} draws of this distribution write : ${formatShape(whole)}` } : {}),
  });
}

function checkAssign(ctx: CheckContext, st: A.Assign, s: OrderedStatement, ec: ExprContext): void {
  const t = typeExpr(ctx, st.value, ec);
  if (st.targets.length > 1) {
    if (t.kind === 'tuple' && t.items.length !== st.targets.length) {
      ctx.report('SGM3011', st.value.span, `${st.targets.length} names on the left, ${t.items.length} values on the right`, {
        label: `returns ${t.items.length} tensors`,
      });
    } else if (t.kind === 'tensor') {
      ctx.report('SGM3011', st.value.span, `${st.targets.length} names on the left, one value on the right`, {
        label: 'returns one tensor',
        help: 'use split(x, parts) to get several',
      });
    }
    st.targets.forEach((name, i) => {
      const item = t.kind === 'tuple' ? t.items[i] : undefined;
      define(ctx, name, s.block, s.order, item ?? tensorType(null, 'unknown'));
    });
    return;
  }
  let type: TensorType = t.kind === 'tensor' ? t : t.kind === 'tuple' ? (t.items[0] ?? tensorType(null, 'unknown')) : tensorType(null, 'unknown');
  if (t.kind === 'tuple') {
    ctx.report('SGM3011', st.value.span, `one name on the left, ${t.items.length} values on the right`, {
      label: `returns ${t.items.length} tensors`,
      help: `${Array.from({ length: t.items.length }, (_, i) => String.fromCharCode(97 + i)).join(', ')} = ...`,
    });
  } else if (t.kind === 'distribution') {
    ctx.report('SGM2110', st.value.span, `'${st.targets[0].text}' is assigned a distribution`, {
      label: `${t.sig.name} is a distribution`,
      help: `sample it with ~: ${st.targets[0].text} ~ ${ctx.text(st.value.span)}`,
    });
  }
  if (st.shape && t.kind === 'tensor') {
    const declared = evalShape(ctx, st.shape, s.order, true, `'${st.targets[0].text}'`);
    // A mismatching annotation keeps the inferred shape, so later statements are checked against the truth.
    if (declared && !broadcastsTo(t.shape, declared)) reportAnnotation(ctx, st.shape, t.shape, declared);
    else if (declared) type = { ...type, shape: declared };
  }
  define(ctx, st.targets[0], s.block, s.order, type);
}

/** Checks a ~ statement; returns its role. */
function checkSample(ctx: CheckContext, st: A.Sample, s: OrderedStatement, ec: ExprContext): CheckedStatement['role'] {
  const name = st.target.text;
  const role: CheckedStatement['role'] = ctx.latents.has(name)
    ? s.block === 'guide'
      ? 'posterior'
      : 'prior'
    : ctx.observed.has(name) && s.block !== 'guide'
      ? 'likelihood'
      : 'sample';
  const t = typeExpr(ctx, st.distribution, { ...ec, allowDistribution: true });
  if (st.estimator) typeExpr(ctx, st.estimator, { ...ec, position: 'estimator' });
  if (t.kind !== 'distribution') {
    if (t.kind === 'tensor') {
      ctx.report('SGM2207', st.distribution.span, `the right side of ~ must be a distribution`, {
        label: 'a tensor, not a distribution',
        help: `use = for a deterministic value: ${name} = ${ctx.text(st.distribution.span)}`,
      });
    }
    defineSample(ctx, st, s, role, tensorType(null, 'unknown'));
    return role;
  }
  let shape = t.sampleShape;
  if (st.shape) {
    const declared = evalShape(ctx, st.shape, s.order, true, `'${name}'`);
    if (declared && !broadcastsTo(shape, declared)) reportAnnotation(ctx, st.shape, shape, declared, true);
    else if (declared) shape = declared;
  }
  const type = tensorType(shape, sampleSign(t.sig), t.sig.discrete ? { integer: true } : {});
  checkSideAgreement(ctx, st, role, t, shape);
  defineSample(ctx, st, s, role, type);
  return role;
}

/** Posterior/prior and likelihood/data shape agreement (SGM3013, SGM3012). */
function checkSideAgreement(ctx: CheckContext, st: A.Sample, role: CheckedStatement['role'], t: DistributionType, shape: Shape | null): void {
  const name = st.target.text;
  const existing = ctx.variables.get(name);
  if (role === 'likelihood' && existing && !broadcastsTo(shape, existing.shape)) {
    const decl = (ctx.definitions.get(name) ?? []).find((d) => d.kind === 'data');
    ctx.report('SGM3012', st.distribution.span, `the likelihood of '${name}' does not produce its declared shape`, {
      label: `${t.sig.name} here samples ${formatShape(shape)}`,
      related: decl ? [{ span: decl.span, message: `declared ${formatShape(existing.shape)}` }] : [],
    });
  }
  if ((role === 'prior' || role === 'posterior') && existing) {
    const [prior, posterior] = role === 'prior' ? [shape, existing.shape] : [existing.shape, shape];
    if (!broadcastsTo(prior, posterior)) {
      const other = (ctx.definitions.get(name) ?? []).find((d) => d.kind === 'stochastic' && d.block !== (role === 'prior' ? 'generative' : 'guide'));
      ctx.report('SGM3013', st.distribution.span, `the prior of '${name}' does not fit the shape its guide samples`, {
        label: `${role === 'prior' ? 'prior' : 'posterior'} shape ${formatShape(shape)}`,
        related: other ? [{ span: other.span, message: `${role === 'prior' ? 'posterior' : 'prior'} shape ${formatShape(existing.shape)}` }] : [],
      });
    }
  }
}

function defineSample(ctx: CheckContext, st: A.Sample, s: OrderedStatement, role: CheckedStatement['role'], type: TensorType): void {
  if (role === 'likelihood') return; // the data declaration already defines the name
  // In generative, a latent has the guide's type when the guide came first: that is what the decoder
  // receives during training. (When generative comes first, the prior's type stands in.)
  define(ctx, st.target, s.block, s.order, role === 'prior' ? (ctx.variables.get(st.target.text) ?? type) : type);
}
