/**
 * The KL decision of one latent (design of the analysis stage, analyze.ts): the registered rule for the pair
 * (stdlib/kl/rules.ts), the `kl(z) = ...` override, a coded error when no KL exists between the two families
 * (SGM5004: their log-probabilities are taken with respect to different measures, e.g. a relaxed density against a
 * pmf), and the sampled log-ratio when the prior's parents depend on the latent under the guide (mean-field.ts).
 */
import { klMeasureMismatch, queryKl } from '../../stdlib/kl/rules.js';
import { klSupportFix, klSupportMismatch } from '../../stdlib/kl/support.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { CheckedModel } from '../semantics/types.js';
import type { Sampled } from './analyze.js';
import { constantArg, displayName, klDescription } from './describe.js';
import { priorParentDependingOn } from './mean-field.js';
import type { KlDecision } from './plan.js';

/** Rule id of the sampled log-ratio log q(z) - log p(z | pa) at the guide's own draw (mean-field.ts). */
export const SAMPLED_LOG_RATIO = 'sampled-log-ratio';

/**
 * The KL decision of latent `z`. `discreteGuide`: the guide's estimator draws the discrete variable its relaxed
 * family stands for (EstimatorModule.discreteKl), whose KL against a one-hot categorical prior is that rule.
 */
export function chooseKl(
  model: CheckedModel,
  z: string,
  q: Sampled,
  p: Sampled,
  diagnostics: Diagnostic[],
  discreteGuide?: { readonly rule: string; readonly reason: string },
): KlDecision | undefined {
  const line = model.file.position(q.statement.span.start).line;
  if (discreteGuide) return discreteGuideKl(model, z, q, p, diagnostics, discreteGuide, line);
  const plan = queryKl(klDescription(model, q.dist), klDescription(model, p.dist));
  const override = model.klOverrides.get(z);
  const method = override ? model.calls.get(override.method) : undefined;
  const base = { latent: z, posterior: displayName(q.dist), prior: displayName(p.dist), line };
  const mismatch = plan.rule === 'generic-mc' ? klMeasureMismatch(q.dist.sig.name, p.dist.sig.name) : null;
  if (mismatch) {
    const relaxedGuide = q.dist.sig.relaxation !== 'none';
    diagnostics.push(
      makeDiagnostic('SGM5004', p.statement.distribution.span, `no KL between the guide's ${base.posterior} and the prior ${base.prior} of '${z}'`, {
        label: 'prior of a different kind',
        notes: [mismatch],
        help: relaxedGuide
          ? `give '${z}' a relaxed prior of the guide's family at the same temperature (${q.dist.sig.name}), or sample the guide from the discrete family (${p.dist.sig.name}, with enumerate or reinforce)`
          : p.dist.sig.measure === 'truncated_pmf'
            ? `give '${z}' the discrete prior that GenGS relaxes (its base), or a GenGS guide with the same truncation`
            : `give the prior and the guide of '${z}' the same kind of distribution (both discrete, or both relaxed at the same temperature)`,
      }),
    );
    return undefined;
  }
  // The guide's draws can leave the prior's support (an IGR_SB prior): KL = +∞ whatever the method (support.ts).
  const outside = klSupportMismatch(klDescription(model, q.dist), klDescription(model, p.dist));
  if (outside) {
    diagnostics.push(
      makeDiagnostic('SGM5005', p.statement.distribution.span, `no finite KL between the guide's ${base.posterior} and the prior ${base.prior} of '${z}'`, {
        label: "support smaller than the guide's",
        notes: [outside],
        help: klSupportFix(z, q.dist.sig.name),
      }),
    );
    return undefined;
  }
  // Analytic (or freshly drawn) KL sums z out; that is the ELBO's term only if the prior's parents do not depend
  // on z under the guide (mean-field.ts). Otherwise: log q(z) - log p(z | pa) at the guide's draw.
  const dependent = priorParentDependingOn(model, z);
  if (dependent !== undefined) {
    const why = `the prior of '${z}' reads '${dependent}', which the guide draws given '${z}': a KL that sums '${z}' out is not the ELBO's term (valid only for guides mean-field in '${z}')`;
    if (method?.name === 'closed_form') {
      diagnostics.push(
        makeDiagnostic('SGM5002', override!.method.span, `no closed-form KL for '${z}' here`, {
          label: 'closed form requested',
          notes: [why],
          help: `remove the kl(${z}) line: sgm then uses the sampled log-ratio log q(${z}) - log p(${z} | ${dependent})`,
        }),
      );
      return undefined;
    }
    return {
      ...base,
      method: 'mc',
      rule: SAMPLED_LOG_RATIO,
      samples: 1,
      reason: `sampled log-ratio log q(${z}) - log p(${z} | ...) at the guide's draw: ${why}`,
      overridden: method !== undefined,
    };
  }
  if (method?.name === 'closed_form') {
    if (plan.method !== 'closed_form') {
      diagnostics.push(
        makeDiagnostic('SGM5002', override!.method.span, `no closed-form KL for ${base.posterior} against ${base.prior}`, {
          label: 'closed form requested',
          notes: [plan.reason],
          help: 'use kl(z) = mc(samples = k), or make the prior match the posterior family, τ and δ',
        }),
      );
      return undefined;
    }
    return { ...base, method: 'closed_form', rule: plan.rule, samples: 1, reason: `requested closed form: ${plan.reason}`, overridden: true };
  }
  if (method?.name === 'mc') {
    const samples = constantArg(method, 'samples') ?? 1;
    if (plan.method === 'closed_form' && q.dist.sig.measure === 'truncated_pmf') {
      // GenGS's logProb is the truncated pmf of the cells, not a density of its relaxed draws: log q - log p at
      // relaxed draws would not estimate that KL. The exact sum over the cells is what the request can get.
      return { ...base, method: 'closed_form', rule: plan.rule, samples: 1, reason: `Monte Carlo requested, but ${q.dist.sig.name}'s log-probability is the pmf of its cells, not a density of its relaxed draws: ${plan.reason}`, overridden: true };
    }
    const rule = plan.method === 'mc' ? plan.rule : 'generic-mc';
    return { ...base, method: 'mc', rule, samples, reason: `requested Monte Carlo with ${samples} sample${samples === 1 ? '' : 's'}${plan.method === 'closed_form' ? ' (a closed form exists)' : `: ${plan.reason}`}`, overridden: true };
  }
  return { ...base, method: plan.method, rule: plan.rule, samples: 1, reason: plan.method === 'mc' ? `${plan.reason}; 1 sample per step` : plan.reason, overridden: false };
}

/** The KL of a guide that draws the discrete variable of its relaxation: against a one-hot categorical prior only. */
function discreteGuideKl(
  model: CheckedModel,
  z: string,
  q: Sampled,
  p: Sampled,
  diagnostics: Diagnostic[],
  discrete: { readonly rule: string; readonly reason: string },
  line: number,
): KlDecision | undefined {
  const base = { latent: z, posterior: displayName(q.dist), prior: displayName(p.dist), line };
  if (p.dist.sig.measure !== 'pmf' || p.dist.sig.support !== 'one_hot') {
    diagnostics.push(
      makeDiagnostic('SGM5004', p.statement.distribution.span, `no KL between the discrete draw of '${z}' and the prior ${base.prior}`, {
        label: 'prior of a different kind',
        notes: [`the guide's estimator makes '${z}' the discrete variable its ${q.dist.sig.name} relaxes (one-hot values)`],
        help: `give '${z}' a one-hot categorical prior, e.g. OneHotCategorical(probs = uniform(K))`,
      }),
    );
    return undefined;
  }
  if (priorParentDependingOn(model, z) !== undefined) {
    diagnostics.push(
      makeDiagnostic('SGM5004', p.statement.distribution.span, `the prior of '${z}' reads a latent the guide draws given '${z}'`, {
        label: 'not generated with a discrete IGR draw',
        help: `use a prior of '${z}' that does not depend on later latents`,
      }),
    );
    return undefined;
  }
  return { ...base, method: 'closed_form', rule: discrete.rule, samples: 1, reason: discrete.reason, overridden: model.klOverrides.has(z) };
}
