/**
 * Model structure: the definitions pre-pass (duplicates, declarations inside blocks, duplicate blocks,
 * sampling outside blocks), latents and observed variables, and the checks that need the whole model
 * (latent without prior, generative variable neither observed nor inferred, objective terms, unused names).
 */
import { closestName } from '../diagnostics/suggest.js';
import type * as A from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { BlockName, Definition } from './types.js';

/** A statement of the model with its block and position in source order. */
export interface OrderedStatement {
  readonly statement: A.Statement;
  readonly block: BlockName;
  readonly order: number;
}

/** Flattens the model's items to statements in source order; reports structural mistakes. */
export function collectStatements(ctx: CheckContext, model: A.ModelDecl): { statements: OrderedStatement[]; objectives: A.Objective[]; blocks: A.Block[] } {
  const statements: OrderedStatement[] = [];
  const objectives: A.Objective[] = [];
  const blocks: A.Block[] = [];
  let order = 0;
  for (const item of model.items) {
    if (item.kind === 'objective') {
      objectives.push(item);
      continue;
    }
    if (item.kind === 'report') continue; // checked after the statements (partial.ts)
    if (item.kind !== 'block') {
      statements.push({ statement: item, block: 'model', order: order++ });
      continue;
    }
    const earlier = blocks.find((b) => b.which === item.which);
    if (earlier) {
      ctx.report('SGM2208', item.keywordSpan, `a second ${item.which} block`, {
        label: 'duplicate block',
        related: [{ span: earlier.keywordSpan, message: `first ${item.which} block` }],
        help: 'merge the two blocks',
      });
    }
    blocks.push(item);
    for (const st of item.statements) {
      if (st.kind === 'data' || st.kind === 'param' || st.kind === 'const') {
        ctx.report('SGM1005', st.span, `${st.kind} declaration inside ${item.which}`, {
          label: 'declare it at model level',
          help: `move '${st.kind} ${st.name.text}' above the ${item.which} block`,
        });
        statements.push({ statement: st, block: 'model', order: order++ });
        continue;
      }
      statements.push({ statement: st, block: item.which, order: order++ });
    }
  }
  if (blocks.length > 0) {
    for (const s of statements) {
      if (s.block === 'model' && s.statement.kind === 'sample') {
        ctx.report('SGM2211', s.statement.span, 'sampling outside guide and generative in a model with blocks', {
          label: 'move this into guide or generative',
        });
      }
    }
  }
  return { statements, objectives, blocks };
}

/** The names a statement defines, with their kind. */
function definedNames(st: A.Statement): { name: A.Name; kind: Definition['kind'] }[] {
  switch (st.kind) {
    case 'data':
    case 'param':
    case 'const':
      return [{ name: st.name, kind: st.kind }];
    case 'assign':
      return st.targets.map((name) => ({ name, kind: 'det' as const }));
    case 'sample':
      return [{ name: st.target, kind: 'stochastic' }];
    case 'kl_override':
      return [];
  }
}

/** Records every definition and reports duplicates (SGM2002) and data sampled in guide (SGM2205). */
export function collectDefinitions(ctx: CheckContext, model: A.ModelDecl, statements: readonly OrderedStatement[]): void {
  const add = (d: Definition) => {
    const list = ctx.definitions.get(d.name) ?? [];
    list.push(d);
    ctx.definitions.set(d.name, list);
  };
  for (const h of model.hyperparameters) add({ name: h.name.text, kind: 'hyper', block: 'model', span: h.name.span, order: -1 });
  for (const s of statements) {
    for (const { name, kind } of definedNames(s.statement)) {
      if (name.text === '') continue;
      add({ name: name.text, kind, block: s.block, span: name.span, statement: s.statement, order: s.order });
    }
  }
  for (const [name, defs] of ctx.definitions) {
    if (defs.length < 2) continue;
    const data = defs.find((d) => d.kind === 'data');
    const guideSamples = defs.filter((d) => d.kind === 'stochastic' && d.block === 'guide');
    const genSamples = defs.filter((d) => d.kind === 'stochastic' && d.block === 'generative');
    const flatSamples = defs.filter((d) => d.kind === 'stochastic' && d.block === 'model');
    // `data y: [B] with obs_mask(m)`: observed where m is 1, a latent elsewhere: sampled in guide and generative.
    const partial = data?.statement?.kind === 'data' && data.statement.observation !== undefined;
    if (partial && defs.length === 3 && guideSamples.length === 1 && genSamples.length === 1) continue;
    if (data && guideSamples.length > 0 && !partial) {
      ctx.report('SGM2205', guideSamples[0].span, `data variable '${name}' is sampled in guide`, {
        label: 'the guide cannot sample observed data',
        related: [{ span: data.span, message: 'declared as data here' }],
        help: `sample '${name}' in generative (its likelihood), or rename the latent`,
      });
      continue;
    }
    const allowed =
      (defs.length === 2 && guideSamples.length === 1 && genSamples.length === 1) ||
      (defs.length === 2 && data !== undefined && (genSamples.length === 1 || flatSamples.length === 1));
    if (allowed) continue;
    const [first, ...others] = [...defs].sort((a, b) => a.order - b.order);
    for (const d of others) {
      ctx.report('SGM2002', d.span, `'${name}' is defined more than once`, {
        label: 'defined again here',
        related: [{ span: first.span, message: 'first defined here' }],
        notes:
          d.kind === 'stochastic' && first.kind === 'stochastic'
            ? ['a latent is sampled once in guide and once in generative; an observed variable is declared data and sampled once']
            : [],
      });
    }
  }
  for (const [name, defs] of ctx.definitions) {
    const inGuide = defs.some((d) => d.kind === 'stochastic' && d.block === 'guide');
    const inGen = defs.some((d) => d.kind === 'stochastic' && d.block === 'generative');
    const isData = defs.some((d) => d.kind === 'data');
    const observation = defs.find((d) => d.kind === 'data')?.statement;
    const partial = observation?.kind === 'data' && observation.observation !== undefined;
    // A partially observed variable is a latent (guide and prior) whose value the data fix on the masked rows.
    if (inGuide && inGen && (!isData || partial)) ctx.latents.add(name);
    else if (isData && defs.some((d) => d.kind === 'stochastic' && d.block !== 'guide')) ctx.observed.add(name);
  }
}

/** Checks that need every statement: priors, observed variables, KL overrides, objective terms, unused names. */
export function checkModelStructure(
  ctx: CheckContext,
  model: A.ModelDecl,
  structure: 'blocks' | 'flat',
  objective: A.Objective | undefined,
  klOverrides: readonly A.KlOverride[],
): void {
  for (const [name, defs] of ctx.definitions) {
    const guide = defs.find((d) => d.kind === 'stochastic' && d.block === 'guide');
    const gen = defs.find((d) => d.kind === 'stochastic' && d.block === 'generative');
    const isData = defs.some((d) => d.kind === 'data');
    if (guide && !gen && !isData) {
      ctx.report('SGM2201', guide.span, `latent '${name}' has no prior`, {
        label: 'sampled in guide only',
        help: `add a prior in generative, e.g. ${name} ~ fit_prior(IGR_I, Categorical(uniform(K)), tau) or ${name} ~ Normal(0, 1)`,
      });
    }
    if (gen && !guide && !isData && structure === 'blocks') {
      ctx.report('SGM2202', gen.span, `'${name}' is sampled in generative but is neither data nor inferred by the guide`, {
        label: 'neither observed nor a latent',
        help: `declare 'data ${name}: [...]' if it is observed, or sample '${name}' in guide too if it is a latent`,
      });
    }
  }
  const seen = new Map<string, A.KlOverride>();
  for (const k of klOverrides) {
    const name = k.variable.text;
    if (!ctx.latents.has(name)) {
      const suggestion = closestName(name, ctx.latents);
      ctx.report('SGM2204', k.variable.span, `kl(${name}): '${name}' is not a latent`, {
        label: 'not sampled in both guide and generative',
        ...(suggestion ? { help: `did you mean '${suggestion}'?` } : {}),
      });
    }
    const prev = seen.get(name);
    if (prev) {
      ctx.report('SGM2206', k.span, `a second KL override for '${name}'`, { label: 'duplicate', related: [{ span: prev.span, message: 'first override' }] });
    }
    seen.set(name, k);
  }
  if (objective) checkObjectiveTerms(ctx, structure, objective);
  checkUnused(ctx, objective);
  void model;
}

/** Objective terms: loglik of observed data, kl of latents, elbo/iwae only with blocks. */
function checkObjectiveTerms(ctx: CheckContext, structure: 'blocks' | 'flat', objective: A.Objective): void {
  let mentionsKl = false;
  for (const [node, call] of ctx.calls) {
    if (node.span.start < objective.span.start || node.span.end > objective.span.end) continue;
    if ((call.name === 'elbo' || call.name === 'iwae' || call.name === 'kl') && structure !== 'blocks') {
      ctx.report('SGM2209', node.span, `${call.name} needs a guide block and a generative block`, {
        label: 'this model is a flat graph',
        help: 'write q(latents | data) in guide { } and p(latents) p(data | latents) in generative { }',
      });
    }
    if (call.name === 'elbo' || call.name === 'iwae') mentionsKl = true;
    const v = call.args.get('variable');
    if (!v || v.expr.kind !== 'ident') continue;
    const name = v.expr.name;
    if (!ctx.definitions.has(name)) continue; // already reported as undefined (SGM2001)
    if (call.name === 'kl') {
      mentionsKl = true;
      if (!ctx.latents.has(name) && structure === 'blocks') {
        ctx.report('SGM2204', v.span, `kl(${name}): '${name}' is not a latent`, { label: 'not sampled in both guide and generative' });
      }
    }
    if (call.name === 'loglik' && !ctx.observed.has(name)) {
      const isData = (ctx.definitions.get(name) ?? []).some((d) => d.kind === 'data');
      if (isData) {
        ctx.report('SGM2203', v.span, `loglik(${name}): data '${name}' has no likelihood`, {
          label: 'never sampled',
          help: `add '${name} ~ Dist(...)' in generative`,
        });
      } else {
        ctx.report('SGM2210', v.span, `loglik(${name}): '${name}' is never data`, {
          label: 'not an observed variable',
          help: `declare 'data ${name}: [...]' and sample it in generative`,
        });
      }
    }
  }
  if (!mentionsKl && ctx.latents.size > 0) {
    const names = [...ctx.latents].join(', ');
    ctx.report('SGM4008', objective.span, `the objective uses no KL term for the latent${ctx.latents.size > 1 ? 's' : ''} ${names}`, {
      label: 'no elbo, iwae or kl(...) here',
      help: 'maximize elbo, or add - kl(z) to the objective',
    });
  }
}

/** SGM4001 for defined names nothing reads (observed variables and latents count as used by the objective). */
function checkUnused(ctx: CheckContext, objective: A.Objective | undefined): void {
  if (!objective) return;
  for (const [name, defs] of ctx.definitions) {
    if (ctx.used.has(name) || ctx.latents.has(name) || ctx.observed.has(name) || name.startsWith('_')) continue;
    const d = defs[0];
    if (d.kind === 'hyper') continue;
    ctx.report('SGM4001', d.span, `'${name}' is never used`, {
      label: `unused ${d.kind === 'det' ? 'variable' : d.kind === 'stochastic' ? 'sample' : d.kind}`,
      help: 'remove it, or prefix the name with _ if it is intentional',
    });
  }
}
