/**
 * Estimator requests: what a `with` clause asks for, or what the compiler option `estimatorOverrides` asks for
 * without editing the source (`sgm compare` measures every applicable estimator of a node this way). An option
 * becomes the resolved call of the clause it stands for, which analyze.ts honours as it honours a written one
 * (same rules, same diagnostics); an option replaces a written clause of the same node.
 */
import { FUNCTIONS, type ParamSig } from '../../stdlib/signatures/index.js';
import { ESTIMATOR_SIGNATURES } from '../estimators/registry.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Span } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import type { BoundArgument, ResolvedCall } from '../semantics/types.js';

/**
 * An estimator chosen for a node from outside the source, as the `with` clause would: `kind` is the name after
 * `with` (`reinforce`, `enumerate`, ...), `options` its arguments, e.g. `{ baseline: 'loo', samples: 4 }` or
 * `{ baseline: 'ema', decay: 0.8 }` (the baseline's own argument `decay` sits beside it).
 */
export interface EstimatorOverride {
  readonly kind: string;
  readonly options?: Readonly<Record<string, number | string>>;
}

/** The compiler option: node name -> estimator, applied as if the node's statement had that `with` clause. */
export type EstimatorOverrides = ReadonlyMap<string, EstimatorOverride>;

/** The estimators a `with` clause may name, from the registry (new estimators appear here when registered). */
export function estimatorNames(): string[] {
  return ESTIMATOR_SIGNATURES.map((f) => f.name);
}

/**
 * The `with` clause an `estimatorOverrides` entry stands for: a call resolved against the estimator's signature
 * as the checker resolves a written clause (its name, its arguments and their constraints are validated here
 * instead), so the analysis honours it through the same code and diagnostics. Its syntax nodes are synthetic,
 * located at `span` (the node's distribution). Undefined after a diagnostic.
 */
export function clauseFromOption(node: string, o: EstimatorOverride, span: Span, diagnostics: Diagnostic[]): ResolvedCall | undefined {
  const fail = (message: string, help: string) => {
    diagnostics.push(makeDiagnostic('SGM5001', span, `estimator override for '${node}': ${message}`, { label: 'from the estimatorOverrides option', help }));
    return undefined;
  };
  const sig = ESTIMATOR_SIGNATURES.find((f) => f.name === o.kind || f.aliases?.includes(o.kind));
  if (!sig) return fail(`unknown estimator '${o.kind}'`, `estimators: ${estimatorNames().join(', ')}`);
  const ident = (name: string): A.Identifier => ({ kind: 'ident', name, span });
  const constant = (param: ParamSig, value: number): BoundArgument => ({
    param,
    expr: ident(String(value)),
    type: { kind: 'tensor', shape: [], range: 'unknown', constant: value },
    span,
  });
  const args = new Map<string, BoundArgument>();
  const baselineParam = sig.params.find((p) => p.kind === 'baseline');
  let baseline: { name: string; decay?: number } | undefined;
  for (const [key, value] of Object.entries(o.options ?? {})) {
    if (key === 'decay' && baselineParam) {
      if (typeof value !== 'number' || !(value > 0 && value < 1)) return fail(`decay must be a number in (0, 1), got ${String(value)}`, 'e.g. decay: 0.9');
      baseline = { name: baseline?.name ?? 'ema', decay: value };
      continue;
    }
    const p = sig.params.find((q) => q.name === key || q.aliases?.includes(key));
    if (!p) return fail(`${sig.name} has no argument '${key}'`, `arguments: ${sig.params.map((q) => q.name).join(', ') || 'none'}`);
    if (p.kind === 'baseline') {
      const names = FUNCTIONS.filter((f) => f.category === 'baseline').map((f) => f.name);
      if (typeof value !== 'string' || !names.includes(value)) return fail(`baseline must be one of ${names.join(', ')}, got ${String(value)}`, 'e.g. baseline: loo');
      baseline = { ...baseline, name: value };
    } else if (typeof value !== 'number' || (p.constraint === 'positive_integer' && !(Number.isInteger(value) && value >= 1))) {
      return fail(`'${key}' must be ${p.constraint === 'positive_integer' ? 'a whole number >= 1' : 'a number'}, got ${String(value)}`, p.doc);
    } else {
      args.set(p.name, constant(p, value));
    }
  }
  if (baseline && baselineParam) {
    const bSig = FUNCTIONS.find((f) => f.category === 'baseline' && f.name === baseline.name)!;
    const bArgs = new Map<string, BoundArgument>();
    const decayParam = bSig.params.find((p) => p.name === 'decay');
    if (baseline.decay !== undefined) {
      if (!decayParam) return fail(`the ${baseline.name} baseline has no decay`, 'decay belongs to baseline: ema');
      bArgs.set('decay', constant(decayParam, baseline.decay));
    }
    const call: ResolvedCall = { node: ident(bSig.name), kind: 'function', sig: bSig, name: bSig.name, args: bArgs, rest: [] };
    args.set(baselineParam.name, { param: baselineParam, expr: ident(bSig.name), type: { kind: 'directive', call }, span });
  }
  return { node: ident(sig.name), kind: 'function', sig, name: sig.name, args, rest: [] };
}

/** Reports overrides naming no sampled node of the guide (or of a flat model). */
export function unknownOverrideTargets(overrides: EstimatorOverrides | undefined, nodes: readonly string[], span: Span, diagnostics: Diagnostic[]): void {
  for (const name of overrides?.keys() ?? []) {
    if (nodes.includes(name)) continue;
    diagnostics.push(
      makeDiagnostic('SGM5001', span, `estimator override for '${name}': no sampled latent of that name`, {
        label: 'from the estimatorOverrides option',
        help: nodes.length > 0 ? `sampled latents: ${nodes.join(', ')}` : 'this model samples no latent',
      }),
    );
  }
}
