/**
 * The estimators `sgm compare` measures for a node: `--estimators auto,reinforce,reinforce(baseline=loo,samples=4),gengs`
 * parsed against what the analysis accepts for that node (compiler/analysis/applicable.ts). `auto` is the
 * compiler's own choice; a relaxed family's lowercase name (`gengs`, `igr_i`, `gumbelsoftmax`) names its pathwise
 * (relaxed) gradient.
 */
import type { ApplicableEstimator } from '../../compiler/analysis/applicable.js';
import type { EstimatorOverride } from '../../compiler/analysis/estimator-overrides.js';
import type { EstimatorDecision } from '../../compiler/analysis/plan.js';
import type { CheckedModel } from '../../compiler/semantics/types.js';
import { ESTIMATOR_SIGNATURES } from '../../compiler/estimators/registry.js';
import { DISTRIBUTIONS, type RelaxationKind } from '../../stdlib/signatures/index.js';
import { UserError } from '../errors.js';

/** What compare needs to know about a node's distribution. */
export interface NodeFamily {
  readonly family: string;
  readonly relaxation: RelaxationKind;
  readonly discrete: boolean;
}

/** One estimator to measure: its override (none for auto) and the analysis's decision, or why it does not apply. */
export interface EstimatorSpec {
  readonly label: string;
  readonly override?: EstimatorOverride;
  readonly decision: EstimatorDecision | string;
  readonly automatic: boolean;
  /** The gradient of a relaxation (biased for the discrete objective). */
  readonly relaxed: boolean;
}

/** The distribution of the sampled (guide or flat) statement of `node`. */
export function nodeInfo(model: CheckedModel, node: string): NodeFamily {
  for (const { statement, role } of model.statements) {
    if (statement.kind !== 'sample' || statement.target.text !== node || role === 'prior' || role === 'likelihood') continue;
    const t = model.types.get(statement.distribution);
    if (t?.kind === 'distribution') return { family: t.sig.name, relaxation: t.sig.relaxation, discrete: t.sig.discrete };
  }
  return { family: 'unknown', relaxation: 'none', discrete: false };
}

/** Splits `a,b(c=1,d=e),f` at top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur.trim());
  return parts;
}

/** `reinforce(baseline=loo, samples=4)` -> { kind, options }; numbers stay numbers. */
export function parseEstimator(text: string): EstimatorOverride {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/.exec(text.trim());
  if (!m) throw new UserError(`--estimators: cannot read '${text}' (write e.g. reinforce or reinforce(baseline=loo,samples=4))`);
  const options: Record<string, number | string> = {};
  for (const arg of m[2] ? splitTop(m[2]) : []) {
    const kv = /^([A-Za-z_]+)\s*=\s*([^=]+)$/.exec(arg);
    if (!kv) throw new UserError(`--estimators: cannot read the argument '${arg}' of '${text}' (write name=value)`);
    const v = kv[2].trim();
    options[kv[1]] = v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return Object.keys(options).length > 0 ? { kind: m[1], options } : { kind: m[1] };
}

/** The estimators to measure for a node (default: auto and every applicable one not equal to auto). */
export function parseEstimatorList(
  text: string | undefined,
  auto: EstimatorDecision,
  applicable: readonly ApplicableEstimator[],
  info: NodeFamily,
  decide: (o: EstimatorOverride) => EstimatorDecision | string,
): EstimatorSpec[] {
  const relaxedName = info.relaxation !== 'none' ? info.family.toLowerCase() : undefined;
  const name = (kind: string) => (kind === 'pathwise' && relaxedName ? relaxedName : kind);
  const autoSpec: EstimatorSpec = { label: `${name(auto.estimator)} (auto)`, decision: auto, automatic: true, relaxed: relaxedName !== undefined && auto.estimator !== 'reinforce' && auto.estimator !== 'enumerate' };
  if (text === undefined) {
    // The applicable estimators with their defaults, except one the automatic (or `with`) choice already is.
    const same = (d: EstimatorDecision) => d.estimator === auto.estimator && d.baseline === auto.baseline && d.decay === auto.decay && d.samples === auto.samples;
    const rest = applicable.filter((a) => !same(a.decision));
    return [autoSpec, ...rest.map((a) => spec(a.override, a.decision))];
  }
  const known = new Set([...applicable.map((a) => a.override.kind)]);
  return splitTop(text).map((item) => {
    if (item === 'auto') return autoSpec;
    const o = parseEstimator(item);
    if (!knownName(o.kind)) {
      const relaxations = DISTRIBUTIONS.filter((d) => d.relaxation !== 'none').map((d) => d.name.toLowerCase());
      throw new UserError(`--estimators: unknown estimator '${o.kind}' (estimators: auto, ${estimatorKinds().join(', ')}; relaxations: ${relaxations.join(', ')})`);
    }
    const override = relaxedName && o.kind === relaxedName ? { kind: 'pathwise', ...(o.options ? { options: o.options } : {}) } : o;
    if (!known.has(override.kind)) {
      const d = decide(override);
      return { label: item, override, decision: typeof d === 'string' ? d : d, automatic: false, relaxed: false };
    }
    return spec(override, decide(override), item);
  });

  function spec(override: EstimatorOverride, decision: EstimatorDecision | string, label?: string): EstimatorSpec {
    const args = Object.entries(override.options ?? {});
    const text = label ?? (args.length === 0 ? name(override.kind) : `${name(override.kind)}(${args.map(([k, v]) => `${k}=${v}`).join(',')})`);
    const relaxed = relaxedName !== undefined && override.kind !== 'reinforce' && override.kind !== 'enumerate';
    return { label: text, override, decision, automatic: false, relaxed };
  }
}

/** The names after `with` (the estimator modules' signatures, compiler/estimators/registry.ts). */
function estimatorKinds(): string[] {
  return ESTIMATOR_SIGNATURES.map((f) => f.name);
}

/** An estimator's name or alias, or a relaxed family's lowercase name. */
function knownName(kind: string): boolean {
  if (ESTIMATOR_SIGNATURES.some((f) => f.name === kind || f.aliases?.includes(kind))) return true;
  return DISTRIBUTIONS.some((d) => d.relaxation !== 'none' && d.name.toLowerCase() === kind);
}
