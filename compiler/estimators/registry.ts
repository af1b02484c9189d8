/**
 * The one registration list of gradient estimators (compiler/estimators/estimator.ts). Its order is the order
 * in which the automatic rules are tried: the first module whose `automatic` returns a decision is chosen.
 * `EstimatorKind`, the plan's, graph's, runtime metadata's and web page's type of an estimator name, is derived
 * from this list.
 */
import { findFunction, type FunctionSig } from '../../stdlib/signatures/index.js';
import type { EstimatorDisplay, EstimatorModule } from './estimator.js';
import { enumerate } from './enumerate.js';
import { muprop } from './muprop.js';
import { nvil } from './nvil.js';
import { pathwise } from './pathwise.js';
import { rebar } from './rebar.js';
import { reinforce } from './reinforce.js';
import { relax } from './relax.js';
import { straightThrough } from './straight-through.js';
import { unorderedSet } from './unordered-set.js';
import { vimco } from './vimco.js';

/** Every estimator, in the order their automatic rules are tried. */
export const ESTIMATORS = [straightThrough, pathwise, vimco, enumerate, reinforce, nvil, muprop, rebar, relax, unorderedSet] as const;

/** The name of an estimator, as written after `with` and recorded in the plan, graph and metadata. */
export type EstimatorKind = (typeof ESTIMATORS)[number]['kind'];

/** Every estimator name (for run-time checks of untyped input, e.g. a JSON graph). */
export const ESTIMATOR_KINDS: readonly EstimatorKind[] = ESTIMATORS.map((m) => m.kind);

/** The module of an estimator name. */
export function estimatorModule(kind: EstimatorKind): EstimatorModule {
  const m: EstimatorModule | undefined = ESTIMATORS.find((e) => e.kind === kind);
  if (!m) throw new Error(`internal: no estimator module '${kind}'`);
  return m;
}

/** The module of a `with` clause's (canonical) name, if it names an estimator. */
export function estimatorNamed(name: string): EstimatorModule | undefined {
  return ESTIMATORS.find((e) => e.kind === name);
}

/**
 * The `with` signatures of every estimator, as entries of the signature table (category 'estimator'), built from
 * the modules' `syntax`. stdlib/signatures/functions.ts holds no estimator: the stdlib sits below the compiler, so
 * the table an estimator module declares itself in is this one. The semantic checker sits below this folder and
 * receives it from the pipeline (compiler/pipeline.ts passes it as `CheckOptions.estimators`);
 * docs/architecture.md section 9.
 */
export const ESTIMATOR_SIGNATURES: readonly FunctionSig[] = ESTIMATORS.map((m) => ({
  name: m.kind,
  ...(m.syntax.aliases ? { aliases: m.syntax.aliases } : {}),
  doc: m.syntax.doc,
  category: 'estimator' as const,
  params: m.syntax.params,
  shape: 'directive' as const,
  bareAllowed: true,
}));

/** A built-in function or estimator by name or alias (the stdlib's table, then the estimators' signatures). */
export function findBuiltinFunction(name: string): FunctionSig | undefined {
  return findFunction(name) ?? ESTIMATOR_SIGNATURES.find((f) => f.name === name || f.aliases?.includes(name));
}

/** Every estimator's colours and label on the graph page, by name (web/graph-style.ts). */
export const ESTIMATOR_DISPLAY = Object.fromEntries(ESTIMATORS.map((m) => [m.kind, m.display])) as Readonly<Record<EstimatorKind, EstimatorDisplay>>;
