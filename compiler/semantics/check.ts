/**
 * The semantic stage: a parsed program -> checked models (names, hyperparameters, shapes, signatures,
 * structure), with every user mistake as a coded diagnostic. Pure: same input, same output; never throws
 * for a user's mistake.
 */
import type { FunctionSig } from '../../stdlib/signatures/index.js';
import type { StageResult } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/source.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type * as A from '../syntax/ast.js';
import { CheckContext } from './context.js';
import { typeExpr } from './expressions.js';
import { formatShape } from './shape.js';
import { checkStatement } from './statements.js';
import { checkModelStructure, collectDefinitions, collectStatements, type OrderedStatement } from './structure.js';
import { checkPartialObservations, checkReports } from './partial.js';
import { MAX_STATEMENTS } from '../syntax/nesting.js';
import { DEFAULT_SIZE_LIMITS, type SizeLimits } from './limits.js';
import type { CheckedModel, CheckedStatement } from './types.js';

/** Options of the checker. */
export interface CheckOptions {
  /** Hyperparameter overrides (`--set K=20`). */
  readonly overrides?: Readonly<Record<string, number>>;
  /** Size limits (default DEFAULT_SIZE_LIMITS; the CLI reads SGM_MAX_ELEMENTS and SGM_MAX_PARAMS). */
  readonly limits?: Partial<SizeLimits>;
  /**
   * The signatures of the estimators a `with` clause may name (compiler/estimators/registry.ts
   * ESTIMATOR_SIGNATURES). The estimator modules declare them and sit above this stage, so the pipeline
   * (compiler/pipeline.ts) passes them down; without them every `with` clause is an unknown estimator (SGM2301).
   */
  readonly estimators?: readonly FunctionSig[];
}

/** Checks the statements of a model in order (the language server's pass re-uses unchanged ones, reuse.ts). */
export type StatementsPass = (ctx: CheckContext, statements: readonly OrderedStatement[], model: A.ModelDecl) => CheckedStatement[];

const eachStatement: StatementsPass = (ctx, statements) => statements.map((s) => checkStatement(ctx, s));

/** Checks every model of a program (usually one); `pass` checks the statements of each. */
export function check(program: A.Program, file: SourceFile, options: CheckOptions = {}, pass: StatementsPass = eachStatement): StageResult<CheckedModel[]> {
  const models: CheckedModel[] = [];
  const diagnostics = [];
  const names = new Map<string, A.ModelDecl>();
  for (const model of program.models) {
    const prev = names.get(model.name.text);
    if (prev) {
      const ctx = new CheckContext(file);
      ctx.report('SGM2009', model.name.span, `a second model named '${model.name.text}'`, {
        label: 'duplicate model name',
        related: [{ span: prev.name.span, message: 'first defined here' }],
      });
      diagnostics.push(...ctx.diagnostics);
    }
    names.set(model.name.text, model);
    const r = checkModel(model, file, options, pass);
    models.push(r.value);
    diagnostics.push(...r.diagnostics);
  }
  return { value: models, diagnostics };
}

/** Checks one model. */
export function checkModel(model: A.ModelDecl, file: SourceFile, options: CheckOptions = {}, pass: StatementsPass = eachStatement): StageResult<CheckedModel> {
  const ctx = new CheckContext(file, { ...DEFAULT_SIZE_LIMITS, ...options.limits }, options.estimators);
  resolveHyperparameters(ctx, model, options.overrides ?? {});
  const { statements, objectives, blocks } = collectStatements(ctx, model);
  if (statements.length > MAX_STATEMENTS) {
    ctx.report('SGM1009', model.name.span, `model '${model.name.text}' has ${statements.length.toLocaleString('en-US')} statements`, {
      label: `more than the limit of ${MAX_STATEMENTS.toLocaleString('en-US')}`,
      help: 'a model this large is not supported; use tensors with more axes instead of one statement per element',
    });
  }
  collectDefinitions(ctx, model, statements);
  const structure = blocks.length > 0 ? 'blocks' : 'flat';

  const checked: CheckedStatement[] = pass(ctx, statements, model);
  const klOverrides = statements.map((s) => s.statement).filter((s): s is A.KlOverride => s.kind === 'kl_override');
  for (const k of klOverrides) typeExpr(ctx, k.method, { block: 'model', position: 'kl_method', order: Infinity });

  const objective = objectives[0];
  if (!objective) {
    ctx.report('SGM2401', model.name.span, `model '${model.name.text}' has no objective`, {
      label: 'nothing to optimise',
      help: structureHelp(structure),
    });
  }
  for (const extra of objectives.slice(1)) {
    ctx.report('SGM2402', extra.span, 'a second objective', {
      label: 'only one maximize/minimize per model',
      related: [{ span: objectives[0].span, message: 'first objective' }],
      help: 'combine the terms into one expression',
    });
  }
  if (objective) {
    const t = typeExpr(ctx, objective.expr, { block: 'model', position: 'objective', order: Infinity, anyBlock: true });
    if (t.kind === 'tensor' && t.shape !== null && t.shape.length > 0 && t.shape.some((d) => d !== 1)) {
      ctx.report('SGM3006', objective.expr.span, 'the objective must be a scalar', {
        label: `has shape ${formatShape(t.shape)}`,
        help: 'reduce it with mean(...) or sum(...)',
      });
    }
  }
  const partial = checkPartialObservations(ctx, statements); // before the unused-name check: it reads the masks
  checkModelStructure(ctx, model, structure, objective, klOverrides);
  const reports = model.items.filter((i): i is A.Report => i.kind === 'report');
  checkReports(ctx, reports);

  const value: CheckedModel = {
    name: model.name.text,
    decl: model,
    file,
    hyperparameters: Object.fromEntries(ctx.hyper),
    structure,
    statements: checked,
    definitions: ctx.definitions,
    types: ctx.types,
    variables: ctx.variables,
    calls: ctx.calls,
    latents: [...ctx.latents],
    observed: [...ctx.observed],
    partial,
    reports,
    ...(objective ? { objective } : {}),
    klOverrides: new Map(klOverrides.map((k) => [k.variable.text, k])),
    runtimeDims: [...ctx.runtimeDims],
  };
  return { value, diagnostics: ctx.diagnostics };
}

function structureHelp(structure: 'blocks' | 'flat'): string {
  return structure === 'blocks' ? 'add `maximize elbo`' : 'add `minimize <scalar expression>` or `maximize <scalar expression>`';
}

/** Evaluates hyperparameter defaults in order, then applies --set overrides (SGM2004, SGM2005, SGM2008). */
function resolveHyperparameters(ctx: CheckContext, model: A.ModelDecl, overrides: Readonly<Record<string, number>>): void {
  const declared = new Set(model.hyperparameters.map((h) => h.name.text));
  for (const name of Object.keys(overrides)) {
    if (!declared.has(name)) {
      const suggestion = didYouMean(name, declared);
      ctx.report('SGM2004', model.name.span, `--set ${name}: model '${model.name.text}' has no hyperparameter '${name}'`, {
        label: `hyperparameters: ${[...declared].join(', ') || '(none)'}`,
        ...(suggestion ? { help: suggestion } : {}),
      });
    }
  }
  for (const h of model.hyperparameters) {
    const name = h.name.text;
    if (Object.hasOwn(overrides, name)) {
      const v = overrides[name];
      if (!Number.isFinite(v)) {
        ctx.brokenHypers.add(name);
        ctx.report('SGM2008', h.name.span, `hyperparameter '${name}' must be a finite number`, { label: `--set gives ${v}` });
        continue;
      }
      // The default is still checked (it may be wrong even when overridden).
      if (h.default) typeExpr(ctx, h.default, { block: 'model', position: 'hyper', order: -1 });
      ctx.hyper.set(name, v);
      continue;
    }
    if (!h.default) {
      ctx.brokenHypers.add(name);
      ctx.report('SGM2005', h.name.span, `hyperparameter '${name}' has no value`, {
        label: 'no default',
        help: `give a default (${name} = 10) or pass --set ${name}=10`,
      });
      continue;
    }
    const t = typeExpr(ctx, h.default, { block: 'model', position: 'hyper', order: -1 });
    if (t.kind !== 'tensor' || typeof t.constant !== 'number' || !Number.isFinite(t.constant) || t.schedule) ctx.brokenHypers.add(name);
    if (t.kind !== 'tensor') continue;
    if (typeof t.constant !== 'number' || !Number.isFinite(t.constant) || t.schedule) {
      ctx.report(t.schedule ? 'SGM2108' : 'SGM2008', h.default.span, `hyperparameter '${name}' must be a constant number`, {
        label: t.schedule ? 'a schedule is not a hyperparameter' : 'not a finite number',
      });
      continue;
    }
    ctx.hyper.set(name, t.constant);
  }
}
