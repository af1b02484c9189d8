/**
 * KL(q ‖ p) between live distributions: describes both for the declarative rules (rules.ts), asks queryKl
 * which method applies and why, and runs the registered computation (register-all.ts), falling back to
 * generic Monte Carlo, with the reason, when no closed form applies or a rule has no computation yet.
 */
import type { Distribution } from '../distributions/distribution.js';
import { tf } from '../tf.js';
import { klGenericMc } from './generic-mc.js';
import type { KlCompute, KlOptions } from './kl-compute.js';
import { KL_COMPUTE } from './register-all.js';
import { klMeasureMismatch, queryKl, type KlDescription, type KlPlan } from './rules.js';
import { klSupportMismatch } from './support.js';

/** Options of klDivergence: Monte Carlo settings plus an optional forced method (`kl(z) = mc(...)` in a model). */
export interface KlDivergenceOptions extends KlOptions {
  /** 'closed_form' fails unless a closed form applies; 'mc' skips closed forms. Default: the rules decide. */
  readonly method?: 'closed_form' | 'mc';
}

/** The plan klDivergence follows: queryKl's verdict, adjusted for the options and the registered computations. */
export interface KlExplanation extends KlPlan {
  readonly q: KlDescription;
  readonly p: KlDescription;
}

// The arguments that decide whether a closed form applies (rules.ts): temperatures and softmax++ offsets must
// match for the IGR pair, the cells for the GenGS pair.
const STATIC_FIELDS = ['tau', 'delta', 'rho', 'layers'] as const;

/** A canonical string for a static argument: numbers rounded to float32 so 0.1 and tensor(0.1) agree. */
function staticKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(Math.fround(value));
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value instanceof tf.Tensor) {
    // Statics are scalars (τ, δ, ρ); reading one is a small sync, done once per KL term.
    return Array.from(value.dataSync(), (v) => String(Math.fround(v))).join(',');
  }
  return undefined;
}

/** The distribution as the KL rules see it: family and the static arguments that decide closed forms. */
export function describeForKl(d: Distribution): KlDescription {
  const fields = d as unknown as Record<string, unknown>;
  const statics: Record<string, string | undefined> = {};
  for (const name of STATIC_FIELDS) {
    const key = staticKey(fields[name]);
    if (key !== undefined) statics[name] = key;
  }
  // GenGS: the truncation that must match is the set of cells, named canonically by the class.
  if (typeof fields.cellsKey === 'string') statics.trunc = fields.cellsKey;
  // Categories of a simplex family: the IGR_SB support check (support.ts) needs K when δ differs.
  if (typeof fields.numCategories === 'number') statics.categories = String(fields.numCategories);
  return { family: d.name, statics };
}

/**
 * What klDivergence(q, p, options) will do and why (the runtime counterpart of `sgm check --explain`).
 * `computes` is the registry consulted for missing computations (KL_COMPUTE unless a caller substitutes one).
 */
export function explainKl(
  q: Distribution,
  p: Distribution,
  options: Pick<KlDivergenceOptions, 'method'> = {},
  computes: Readonly<Record<string, KlCompute>> = KL_COMPUTE,
): KlExplanation {
  const dq = describeForKl(q);
  const dp = describeForKl(p);
  const plan = queryKl(dq, dp);
  // No rule and no common measure: log q - log p would be no KL (a pmf against a density, or relaxed densities
  // taken in different spaces); the compiler reports this as SGM5004.
  const mismatch = plan.rule === 'generic-mc' ? klMeasureMismatch(dq.family, dp.family) : null;
  if (mismatch) throw new Error(`no KL between ${dq.family} and ${dp.family}: ${mismatch}`);
  // q's draws can leave p's support (an IGR_SB prior): KL = +∞; the compiler reports this as SGM5005.
  const outside = klSupportMismatch(dq, dp);
  if (outside) throw new Error(`no finite KL between ${dq.family} and ${dp.family}: ${outside}`);
  const generic = (reason: string): KlExplanation => ({ method: 'mc', rule: 'generic-mc', reason, q: dq, p: dp });
  if (options.method === 'closed_form' && plan.method !== 'closed_form') {
    throw new Error(`no closed-form KL for ${dq.family} ‖ ${dp.family}: ${plan.reason}`);
  }
  if (!computes[plan.rule] && plan.rule !== 'generic-mc') {
    if (options.method === 'closed_form') {
      throw new Error(`closed-form KL rule '${plan.rule}' has no registered computation`);
    }
    return generic(`${plan.reason}; rule '${plan.rule}' has no registered computation yet: generic Monte Carlo, E_q[log q(z) - log p(z)]`);
  }
  if (options.method === 'mc' && plan.method === 'closed_form') {
    return generic(`Monte Carlo requested instead of the closed form (${plan.rule}): E_q[log q(z) - log p(z)]`);
  }
  return { ...plan, q: dq, p: dp };
}

/** KL(q ‖ p) per batch element (event axes summed), by the method explainKl(q, p, options) names. */
export function klDivergence(q: Distribution, p: Distribution, options: KlDivergenceOptions = {}): tf.Tensor {
  const plan = explainKl(q, p, options);
  const compute = KL_COMPUTE[plan.rule] ?? klGenericMc;
  return compute(q, p, options);
}
