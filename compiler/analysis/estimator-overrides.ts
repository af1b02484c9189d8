/**
 * Estimator requests: what a `with` clause asks for, or what the compiler option `estimatorOverrides` asks for
 * without editing the source (`sgm compare` measures every applicable estimator of a node this way). Both become
 * one `EstimatorRequest`, which analyze.ts validates and honours identically (same rules, same diagnostics).
 */
import { FUNCTIONS } from '../../stdlib/signatures/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Span } from '../diagnostics/source.js';
import type { ResolvedCall } from '../semantics/types.js';
import { constantArg } from './describe.js';

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

/** A requested estimator, from either source. */
export interface EstimatorRequest {
  readonly name: string;
  /** A constant numeric argument (`samples`). */
  number(arg: string): number | undefined;
  /** The `baseline` argument: its name and its `decay`. */
  readonly baseline?: { readonly name: string; readonly decay?: number };
  /** Where a refusal is reported. */
  readonly span: Span;
  /** 'with' for a clause, 'option' for `estimatorOverrides` (named in the diagnostics' help). */
  readonly source: 'with' | 'option';
}

/** The estimators a `with` clause may name, from the signature table (new estimators appear here when registered). */
export function estimatorNames(): string[] {
  return FUNCTIONS.filter((f) => f.category === 'estimator').map((f) => f.name);
}

/** The request of a `with` clause. */
export function requestFromClause(call: ResolvedCall, span: Span): EstimatorRequest {
  const b = call.args.get('baseline');
  const bCall = b?.type.kind === 'directive' ? b.type.call : undefined;
  const decay = bCall ? constantArg(bCall, 'decay') : undefined;
  return {
    name: call.name,
    number: (arg) => constantArg(call, arg),
    ...(bCall ? { baseline: { name: bCall.name, ...(decay === undefined ? {} : { decay }) } } : {}),
    span,
    source: 'with',
  };
}

/**
 * The request of an `estimatorOverrides` entry, validated against the estimator's signature (its name, its
 * arguments and their constraints, as the checker validates a `with` clause); undefined after a diagnostic.
 */
export function requestFromOption(node: string, o: EstimatorOverride, span: Span, diagnostics: Diagnostic[]): EstimatorRequest | undefined {
  const fail = (message: string, help: string) => {
    diagnostics.push(makeDiagnostic('SGM5001', span, `estimator override for '${node}': ${message}`, { label: 'from the estimatorOverrides option', help }));
    return undefined;
  };
  const sig = FUNCTIONS.find((f) => f.category === 'estimator' && (f.name === o.kind || f.aliases?.includes(o.kind)));
  if (!sig) return fail(`unknown estimator '${o.kind}'`, `estimators: ${estimatorNames().join(', ')}`);
  const options = o.options ?? {};
  const baselineNames = FUNCTIONS.filter((f) => f.category === 'baseline').map((f) => f.name);
  for (const [key, value] of Object.entries(options)) {
    if (key === 'decay' && sig.params.some((p) => p.kind === 'baseline')) {
      if (typeof value !== 'number' || !(value > 0 && value < 1)) return fail(`decay must be a number in (0, 1), got ${String(value)}`, 'e.g. decay: 0.9');
      continue;
    }
    const p = sig.params.find((q) => q.name === key || q.aliases?.includes(key));
    if (!p) return fail(`${sig.name} has no argument '${key}'`, `arguments: ${sig.params.map((q) => q.name).join(', ') || 'none'}`);
    if (p.kind === 'baseline') {
      if (typeof value !== 'string' || !baselineNames.includes(value)) return fail(`baseline must be one of ${baselineNames.join(', ')}, got ${String(value)}`, 'e.g. baseline: loo');
    } else if (typeof value !== 'number' || (p.constraint === 'positive_integer' && !(Number.isInteger(value) && value >= 1))) {
      return fail(`'${key}' must be ${p.constraint === 'positive_integer' ? 'a whole number >= 1' : 'a number'}, got ${String(value)}`, p.doc);
    }
  }
  const num = (arg: string) => {
    const p = sig.params.find((q) => q.name === arg);
    const v = [arg, ...(p?.aliases ?? [])].map((k) => options[k]).find((x) => x !== undefined);
    return typeof v === 'number' ? v : undefined;
  };
  const baseline = typeof options.baseline === 'string' ? options.baseline : undefined;
  const decay = typeof options.decay === 'number' ? options.decay : undefined;
  return {
    name: sig.name,
    number: num,
    ...(baseline !== undefined || decay !== undefined ? { baseline: { name: baseline ?? 'ema', ...(decay === undefined ? {} : { decay }) } } : {}),
    span,
    source: 'option',
  };
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
