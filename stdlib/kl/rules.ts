/**
 * Which KL divergence applies to a (posterior, prior) pair, and why: the declarative rules of docs/math.md
 * section 10. Pure data and predicates over *descriptions* of distributions, with no tfjs import, so the
 * compiler can ask at compile time (with static argument keys) and the runtime can ask with actual values.
 * The compute functions live one pair per file beside this one and are bound by id in register-all.ts.
 */

/**
 * A distribution as the KL query sees it: its family name and the arguments that decide whether a closed form
 * applies, each as a canonical key. At compile time a key is the canonical source text of a constant
 * expression (after hyperparameter substitution), e.g. tau: '0.5' or tau: 'anneal(1 -> 0.1, steps=2000)';
 * at run time the runtime passes actual values. Two keys are equal when their strings are equal.
 */
export interface KlDescription {
  readonly family: string;
  readonly statics: Readonly<Record<string, string | undefined>>;
}

/** The verdict for a pair. */
export interface KlPlan {
  readonly method: 'closed_form' | 'mc';
  /** Id of the matching rule (a closed-form rule or a specialised Monte Carlo estimator). */
  readonly rule: string;
  /** One line a user can read: why this method. */
  readonly reason: string;
}

/** One registered pair. `check` returns null when the rule applies, or the reason it does not. */
export interface KlRule {
  readonly id: string;
  readonly method: 'closed_form' | 'mc';
  readonly q: readonly string[];
  readonly p: readonly string[];
  readonly check: (q: KlDescription, p: KlDescription) => string | null;
  readonly reason: string;
  readonly cite: string;
}

import { findDistribution } from '../signatures/distributions.js';
import { familyNames, familyNamesWithAliases } from '../signatures/family-facts.js';

// The rules name the pairs they compute; the families of a kind come from the family table.
/** The IGR family (relaxationFamily 'igr'). */
const IGR = familyNames((d) => d.relaxationFamily === 'igr');
/** Families whose logProb is a pmf (exact discrete) or a truncated pmf (GenGS). */
const DISCRETE_PMF = familyNames((d) => d.measure === 'pmf' || d.measure === 'truncated_pmf');
/** The Concrete relaxations of a one-hot categorical (Gumbel noise on the simplex; RelaxedBernoulli has its own rule). */
const GS = familyNamesWithAliases((d) => d.relaxationFamily === 'concrete' && d.relaxation === 'relaxed_one_hot');

/** Names the static arguments that differ between q and p, or null when all listed are equal. */
function sameStatics(q: KlDescription, p: KlDescription, keys: readonly string[]): string | null {
  const differ = keys.filter((k) => (q.statics[k] ?? '') !== (p.statics[k] ?? ''));
  if (differ.length === 0) return null;
  return differ.map((k) => `${k} differs (${q.statics[k] ?? 'unset'} vs ${p.statics[k] ?? 'unset'})`).join(', ');
}

/** The rules, most specific first. */
export const KL_RULES: readonly KlRule[] = [
  {
    id: 'normal-normal',
    method: 'closed_form',
    q: ['Normal'],
    p: ['Normal'],
    check: () => null,
    reason: 'Normal-Normal: closed-form Gaussian KL',
    cite: 'standard',
  },
  {
    id: 'lognormal-lognormal',
    method: 'closed_form',
    q: ['LogNormal'],
    p: ['LogNormal'],
    check: () => null,
    reason: 'LogNormal-LogNormal: KL of the underlying Gaussians (exp is shared)',
    cite: 'standard',
  },
  {
    id: 'igr-igr',
    method: 'closed_form',
    q: IGR,
    p: IGR,
    check: (q, p) => {
      if (q.family !== p.family) return `transforms differ (${q.family} vs ${p.family})`;
      if (q.family === 'IGR_Planar') return 'IGR_Planar has a learned flow on the posterior side';
      // ρ (IGR_SB's countably infinite version) only reports how many categories a draw uses: it changes
      // neither the samples nor the density, so it does not enter the comparison.
      return sameStatics(q, p, ['tau', 'delta']);
    },
    reason: 'same IGR transform, τ and δ on both sides: KL of the Gaussians (IGR eq. 13)',
    cite: 'IGR paper (Potapczynski, Loaiza-Ganem, Cunningham, arXiv:1912.09588) eq. (13) (v1 eq. 19)',
  },
  {
    id: 'igr-i-rescaled',
    method: 'closed_form',
    q: ['IGR_I'],
    p: ['IGR_I'],
    check: () => null,
    reason:
      'IGR_I pair at different τ or δ: softmax++(y, τ, δ) = softmax++(y/τ - log δ, 1, 1), so both sides are one map of ' +
      'N(μ/τ - log δ, σ/τ): KL of those Gaussians',
    cite: 'IGR paper (arXiv:1912.09588) eq. (10)-(13): KL is invariant under a bijection applied to both sides',
  },
  {
    id: 'igr-planar-gaussian-mc',
    method: 'mc',
    q: ['IGR_Planar'],
    p: ['IGR_I', 'IGR_Planar'],
    check: (q, p) => sameStatics(q, p, ['tau', 'delta']),
    reason:
      'planar flow on the posterior: Monte Carlo in Gaussian space, log N(y|μ,σ) - log N(f(y)|μ0,σ0) - log|det f\'(y)| (softmax++ terms cancel)',
    cite: 'docs/math.md section 4',
  },
  {
    id: 'categorical-categorical',
    method: 'closed_form',
    q: ['Categorical', 'OneHotCategorical'],
    p: ['Categorical', 'OneHotCategorical'],
    check: () => null,
    reason: 'Categorical-Categorical: Σ π_q (log π_q - log π_p)',
    cite: 'standard',
  },
  {
    id: 'bernoulli-bernoulli',
    method: 'closed_form',
    q: ['Bernoulli'],
    p: ['Bernoulli'],
    check: () => null,
    reason: 'Bernoulli-Bernoulli: closed form',
    cite: 'standard',
  },
  {
    id: 'poisson-poisson',
    method: 'closed_form',
    q: ['Poisson'],
    p: ['Poisson'],
    check: () => null,
    reason: 'Poisson-Poisson: λ_q log(λ_q/λ_p) - λ_q + λ_p',
    cite: 'standard',
  },
  {
    id: 'gengs-gengs',
    method: 'closed_form',
    q: ['GenGS'],
    p: ['GenGS'],
    check: (q, p) => sameStatics(q, p, ['trunc']),
    reason: 'GenGS-GenGS with the same truncation: categorical KL of the truncated pmfs',
    cite: 'GenGS paper appendix H; docs/math.md section 7',
  },
  {
    id: 'gengs-enumerated',
    method: 'closed_form',
    q: ['GenGS'],
    p: DISCRETE_PMF,
    check: () => null,
    reason: 'GenGS against a discrete prior: the discrete KL of the truncated pmf over its cells, Σ π_q (log π_q - log p(c)) (τ-free, as GenGS appendix H)',
    cite: 'GenGS paper (Joo et al., arXiv:2003.01847) Definition 1 and appendix H',
  },
  {
    id: 'concrete-concrete-mc',
    method: 'mc',
    q: GS,
    p: GS,
    check: () => null,
    reason: 'Gumbel-Softmax pair: Monte Carlo on log-space samples with ExpConcrete densities (no NaN at low τ)',
    cite: 'Maddison et al. 2017 appendix C; docs/math.md section 6',
  },
  {
    id: 'relaxed-bernoulli-mc',
    method: 'mc',
    q: ['RelaxedBernoulli'],
    p: ['RelaxedBernoulli'],
    check: () => null,
    reason: 'RelaxedBernoulli pair: Monte Carlo on logit-space samples (logistic densities, stable at low τ)',
    cite: 'Maddison et al. 2017 section 3.4',
  },
];

/**
 * Why generic Monte Carlo cannot give KL(q ‖ p) for two families, or null when it can: E_q[log q - log p] is a KL
 * only when both logs are densities with respect to the same measure (the family table's `measure`). A relaxed
 * density against a pmf (RelaxedBernoulli against Bernoulli) subtracts a pmf from a density: no KL exists.
 * Pairs with a registered rule (e.g. ExpConcrete against GumbelSoftmax, GenGS against a pmf) are decided there.
 */
export function klMeasureMismatch(qFamily: string, pFamily: string): string | null {
  const q = findDistribution(qFamily);
  const p = findDistribution(pFamily);
  if (!q || !p || q.measure === p.measure) return null;
  const counting = (m: string) => m === 'pmf' || m === 'truncated_pmf';
  const which = `${q.name}'s log-probability is ${MEASURE_TEXT[q.measure]}, ${p.name}'s is ${MEASURE_TEXT[p.measure]}`;
  if (counting(q.measure) || counting(p.measure)) return `${which}: their difference is no KL`;
  // Both are densities, but of different variables or spaces: a relaxed density is exact only from its own log
  // representation, and no registered pair relates the two.
  return `${which}: sgm has no KL between them (a relaxed density is exact only in its own log space, and no rule relates the two)`;
}

const MEASURE_TEXT: Readonly<Record<string, string>> = {
  pmf: 'a probability mass (pmf)',
  truncated_pmf: 'the mass of a truncated pmf',
  density: 'a density',
  relaxed_simplex: 'a density on the simplex',
  relaxed_log_simplex: 'a density of log z',
  relaxed_unit_interval: 'a density on (0, 1)',
};

/** Decides the KL method for KL(q ‖ p): the first matching rule, else generic Monte Carlo, with the reason. */
export function queryKl(q: KlDescription, p: KlDescription): KlPlan {
  const misses: string[] = [];
  for (const rule of KL_RULES) {
    if (!rule.q.includes(q.family) || !rule.p.includes(p.family)) continue;
    const why = rule.check(q, p);
    if (why === null) return { method: rule.method, rule: rule.id, reason: rule.reason };
    misses.push(why);
  }
  const because = misses.length > 0 ? misses[0] : `no registered pair for ${q.family}-${p.family}`;
  return {
    method: 'mc',
    rule: 'generic-mc',
    reason: `${because}: Monte Carlo from log densities, E_q[log q(z) - log p(z)]`,
  };
}
