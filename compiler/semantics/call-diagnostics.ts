/**
 * The checker's diagnostics about names and calls: a name that is not visible (SGM2001, SGM2003, SGM2007,
 * SGM2110), a built-in in the wrong place (SGM2110, SGM2113, SGM2301, SGM2302), an unknown callee (SGM2006), each
 * with its suggestion.
 */
import { DISTRIBUTIONS, FUNCTIONS, findDistribution, type DistributionSig, type FunctionCategory, type FunctionSig } from '../../stdlib/signatures/index.js';
import type { Span } from '../diagnostics/source.js';
import { closestName, didYouMean } from '../diagnostics/suggest.js';
import type { Call } from '../syntax/ast.js';
import type { CheckContext, ExprContext, Position } from './context.js';

/** Where each category of built-in may be used, and how to say it. */
// A Map, not an object literal: 'constructor' is a category name and would collide with Object.prototype.
const CATEGORY_POSITION: ReadonlyMap<FunctionCategory, { position: Position; where: string }> = new Map([
  ['objective', { position: 'objective', where: 'inside maximize/minimize' }],
  ['estimator', { position: 'estimator', where: 'after with' }],
  ['kl_method', { position: 'kl_method', where: 'right of kl(z) =' }],
  ['baseline', { position: 'baseline', where: 'as the baseline of reinforce' }],
  ['init', { position: 'init', where: 'as the initialiser of a param declaration' }],
  ['observation', { position: 'observation', where: 'after data y: [...] with' }],
] as const);

/** Every callable name, for suggestions (the estimators' `with` names come with the context). */
const allCallable = (ctx: CheckContext) => [
  ...[...FUNCTIONS, ...ctx.estimators].flatMap((f) => [f.name, ...(f.aliases ?? [])]),
  ...DISTRIBUTIONS.flatMap((d) => [d.name, ...(d.aliases ?? [])]),
];

/** SGM2003 (defined later), SGM2007 (defined in another block) or SGM2001 (nowhere), with suggestions. */
export function reportUnresolvedName(ctx: CheckContext, name: string, span: Span, ec: ExprContext): void {
  const defs = ctx.definitions.get(name) ?? [];
  ctx.used.add(name); // the use is real even where it is illegal: no extra "unused" warning
  const visibleFrom = (block: string) => ec.anyBlock || block === 'model' || block === ec.block;
  const later = defs.find((d) => visibleFrom(d.block) && d.order >= ec.order);
  if (later) {
    ctx.report('SGM2003', span, `'${name}' is used before it is defined`, {
      label: 'used here',
      related: [{ span: later.span, message: 'defined here' }],
      help: ec.block === 'generative' && ctx.latents.has(name) ? `sample the prior of '${name}' before using it in generative` : 'move the definition above this use',
    });
    return;
  }
  const elsewhere = defs.find((d) => !visibleFrom(d.block));
  if (elsewhere) {
    ctx.report('SGM2007', span, `'${name}' is defined in ${elsewhere.block} and is not visible in ${ec.block}`, {
      label: 'not visible here',
      related: [{ span: elsewhere.span, message: `defined in ${elsewhere.block}` }],
      notes: ['guide sees data, params and consts; generative also sees latents once their prior is sampled'],
    });
    return;
  }
  if (findDistribution(name)) {
    ctx.report('SGM2110', span, `the distribution ${name} is used as a value`, { label: 'not a tensor', help: `call it: ${name}(...)` });
    return;
  }
  const suggestion = closestName(name, [...ctx.visibleNames(ec.block), ...(ctx.definitions.keys())]);
  ctx.report('SGM2001', span, `undefined name '${name}'`, {
    label: 'not defined',
    ...(suggestion ? { help: `did you mean '${suggestion}'?` } : {}),
  });
}

/** Reports a built-in used in the wrong place (SGM2110, SGM2113, SGM2301, SGM2302); true when placement is fine. */
export function checkPlacement(ctx: CheckContext, e: Call, ec: ExprContext, dist?: DistributionSig, fn?: FunctionSig): boolean {
  if (ec.position === 'estimator' && fn?.category !== 'estimator') {
    reportUnknownDirective(ctx, e, 'estimator', 'SGM2301');
    return false;
  }
  if (ec.position === 'kl_method' && fn?.category !== 'kl_method') {
    reportUnknownDirective(ctx, e, 'kl_method', 'SGM2302');
    return false;
  }
  if (dist || fn?.category === 'prior') {
    if (ec.allowDistribution) return true;
    ctx.report('SGM2110', e.span, `the distribution ${dist?.name ?? fn!.name} is used as a value`, {
      label: 'a distribution, not a tensor',
      help: 'sample it: name ~ ' + ctx.text(e.span),
    });
    return false;
  }
  // A layer owns weights, which the generated code creates per guide/generative statement: in an objective or a
  // report it had none, and compiling crashed (internal: layer without weights).
  if (fn?.category === 'layer' && ec.position === 'objective') {
    ctx.report('SGM2113', e.callee.span, `'${fn.name}' can only be used in guide or generative`, {
      label: 'misplaced layer',
      help: `compute it in guide or generative (h = ${fn.name}(...)) and use its name here`,
    });
    return false;
  }
  const rule = CATEGORY_POSITION.get(fn!.category);
  if (rule && rule.position !== ec.position) {
    ctx.report('SGM2113', e.callee.span, `'${fn!.name}' can only be used ${rule.where}`, { label: `misplaced ${fn!.category.replace('_', ' ')}` });
    return false;
  }
  return true;
}

function reportUnknownDirective(ctx: CheckContext, e: Call, category: FunctionCategory, code: 'SGM2301' | 'SGM2302'): void {
  const options = ctx.functionsOf(category).map((f) => f.name);
  const suggestion = didYouMean(e.callee.text, options);
  ctx.report(code, e.callee.span, code === 'SGM2301' ? `unknown estimator '${e.callee.text}'` : `unknown KL method '${e.callee.text}'`, {
    label: 'not available here',
    notes: [`available: ${options.join(', ')}`],
    ...(suggestion ? { help: suggestion } : {}),
  });
}

export function reportUnknownCallee(ctx: CheckContext, e: Call, ec: ExprContext): void {
  if (ec.position === 'estimator') return reportUnknownDirective(ctx, e, 'estimator', 'SGM2301');
  if (ec.position === 'kl_method') return reportUnknownDirective(ctx, e, 'kl_method', 'SGM2302');
  const suggestion = didYouMean(e.callee.text, allCallable(ctx));
  ctx.report('SGM2006', e.callee.span, `unknown function or distribution '${e.callee.text}'`, {
    label: 'not a built-in',
    ...(suggestion ? { help: suggestion } : {}),
  });
}
