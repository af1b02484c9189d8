/**
 * Parts of a generated model that depend on the estimator and KL rules: estimator overrides (`with ...`), the
 * estimator the compiler is expected to choose (for the exclusion filter), priors for a guide sample, and
 * objectives.
 */
import type { DistributionSig } from '../../stdlib/signatures/index.js';
import { buildDistribution, type Dim, type SampleInfo, type Source } from './dist-builder.js';
import type { ModelBuilder } from './model-arb.js';
import { applicableEstimators, baselines, fitPriorFamilies, fitPriorSig, priorFamilies } from './table.js';

/** A stochastic statement of a generated model. */
export interface Stochastic {
  readonly name: string;
  readonly family: DistributionSig;
  readonly info: SampleInfo;
  /** The estimator the compiler should pick (see predictEstimator). */
  readonly estimator: string;
}

/** The enumeration limit of the estimator rules (docs/language.md, "Estimators"). */
const ENUMERATION_LIMIT = 32;

/** Number of values of one element of a finite discrete sample, from the table's enumerationSize. */
function supportSize(family: DistributionSig, info: SampleInfo): number | undefined {
  switch (family.enumerationSize) {
    case 'two':
      return 2;
    case 'last_dim':
      return info.K;
    case 'total_count_plus_one':
      return info.total === undefined ? undefined : info.total + 1;
    default:
      return undefined;
  }
}

/** Whether the compiler can enumerate this sample (docs/language.md rule 2, per data point or jointly). */
function enumerable(family: DistributionSig, info: SampleInfo, perExampleOk: boolean): boolean {
  if (!family.hasEnumerateSupport) return false;
  const k = supportSize(family, info);
  if (k === undefined) return false;
  const eventAxes = family.event.kind === 'simplex' || family.event.kind === 'counts' ? 1 : 0;
  const perPoint = info.shape.slice(0, info.shape.length - eventAxes).filter((s) => s !== 'B');
  const count = perPoint.reduce<number>((p, s) => p * (s as number), 1);
  if (info.shape.includes('B')) return perExampleOk && count === 1 && k <= ENUMERATION_LIMIT;
  return k ** count <= ENUMERATION_LIMIT;
}

/** The estimator the compiler is expected to choose (the rules of docs/language.md, "Estimators"). */
export function predictEstimator(family: DistributionSig, info: SampleInfo, override: string | undefined, o: { perExampleOk: boolean }): string {
  if (override) return override;
  if (family.hasRsample) return info.hard ? 'straight_through' : 'pathwise';
  return enumerable(family, info, o.perExampleOk) ? 'enumerate' : 'reinforce';
}

/**
 * An estimator override for a sample: none (the compiler's choice) or one the table says applies. Enumeration
 * is requested only where the rules allow it, so overrides aim at valid models.
 */
export function estimatorOverride(b: ModelBuilder, family: DistributionSig, info: SampleInfo, perExampleOk: boolean): { text?: string; name?: string } {
  const d = b.draw;
  if (d.bool(0.55)) return {};
  const options = applicableEstimators(family).filter((e) => e !== 'enumerate' || enumerable(family, info, perExampleOk));
  const name = d.pick(options);
  if (name !== 'reinforce') return { text: d.bool(0.3) ? `${name}()` : name, name };
  const samples = d.int(1, 3);
  const names = baselines().map((f) => f.name).filter((n) => n !== 'loo' || samples > 1);
  const baseline = d.pick([undefined, ...names]);
  const baselineText = baseline === 'ema' && d.bool(0.5) ? `ema(${d.pick(['0.8', '0.9', '0.99'])})` : baseline;
  const args = [...(baselineText ? [`baseline = ${baselineText}`] : []), ...(samples > 1 || d.bool(0.3) ? [`samples = ${samples}`] : [])];
  return { text: args.length ? `reinforce(${args.join(', ')})` : 'reinforce', name };
}

/** A prior statement for a guide sample: same-support family from constants/params/features, or fit_prior. */
export function priorFor(b: ModelBuilder, q: SampleInfo, source: Source, guideOuter: readonly Dim[]): { call: string; annotation?: string; sameFamily: boolean } {
  const d = b.draw;
  const fitFamilies = fitPriorFamilies();
  const fit = fitPriorSig();
  if (source.kind !== 'features' && fit && fitFamilies.includes(q.family.name) && d.bool(0.35)) {
    // fit_prior's temperature is a compile-time constant: the guide's when it is one, else the hyperparameter.
    const tau = q.tau !== undefined && /^(tau|[0-9.]+)$/.test(q.tau) ? q.tau : 'tau';
    // The target must be constant: the uniform vector, or the literal probabilities (i + 1) / (K (K + 1) / 2).
    const K = q.K ?? 2;
    const literal = `[${Array.from({ length: K }, (_, i) => String((i + 1) / ((K * (K + 1)) / 2))).join(', ')}]`;
    const target = d.bool(0.7) ? `Categorical(uniform(${b.dim(K)}))` : `Categorical(probs = ${literal})`;
    const extra = d.bool(0.2) ? `, fit_tau = ${d.pick(['0.1', '0.5'])}` : '';
    return { call: `${fit.name}(${q.family.name}, ${target}, ${tau}${extra})`, sameFamily: true };
  }
  const families = priorFamilies(q.family, !b.cfg.exclude.has('relaxed-guide-discrete-prior'));
  // With relaxed-mc-kl excluded, relaxed guides mostly get a prior of their own family (closed form when the
  // constants agree); the models whose plan still says Monte Carlo are dropped by respectsExclusions.
  const relaxedSame = q.family.relaxation !== 'none' && b.cfg.exclude.has('relaxed-mc-kl') && d.bool(0.9);
  const sameFamily = (d.bool(0.6) || relaxedSame) && families.includes(q.family);
  const picked = sameFamily ? q.family : d.pick(families);
  // An IGR_SB prior against another guide family has KL = +∞ (SGM5005, its support is part of the simplex):
  // kept in 1 of 5 such draws, enough to exercise the rejection; the others take the guide's family.
  const p = picked.name === 'IGR_SB' && q.family.name !== 'IGR_SB' && families.includes(q.family) && !d.rare(0.2) ? q.family : picked;
  if (p.support !== q.support) b.tags.push('mixed-support-prior');
  // A prior from constants or params has no batch axis: N values (sometimes written as an annotation) or one.
  const perLatent = guideOuter.filter((s): s is number => s !== 'B');
  const outer: Dim[] = source.kind === 'features' ? [...guideOuter] : d.bool(0.5) ? perLatent : [];
  const built = buildDistribution(b, { sig: p, source, outer, K: q.K ?? 2, match: q });
  const annotate = source.kind !== 'features' && outer.length === 0 && perLatent.length > 0 && p.event.kind === 'elementwise' && d.bool(0.3);
  return { call: built.call, ...(annotate ? { annotation: `[${perLatent.map((n) => b.dim(n)).join(', ')}]` } : {}), sameFamily: p === q.family };
}

/** Model-level statements and the objective for the chosen kind. */
export function objectiveFor(
  b: ModelBuilder,
  kind: 'elbo' | 'iwae' | 'loglik_kl' | 'minimize' | 'capacity',
  observed: readonly string[],
  latents: readonly string[],
): { pre: string[]; objective: string } {
  const d = b.draw;
  const allReparam = b.stochastic.every((s) => s.estimator === 'pathwise' || s.estimator === 'straight_through');
  const loglik = observed.map((x) => `loglik(${x})`).join(' + ');
  switch (kind === 'iwae' && !allReparam ? 'elbo' : kind) {
    case 'elbo':
      b.tags.push('elbo');
      return { pre: [], objective: d.bool(0.8) ? 'maximize elbo' : 'maximize elbo()' };
    case 'iwae':
      b.tags.push('iwae');
      return { pre: [], objective: `maximize iwae(${d.bool(0.5) ? 'samples' : 'k'} = ${d.int(1, 4)})` };
    case 'loglik_kl': {
      b.tags.push('loglik-kl');
      const weight = (): string => d.pick(['', '0.5 * ', 'ramp(0 -> 1, steps = 10) * ', 'anneal(1.0 -> 0.1, steps = 5) * ']);
      return { pre: [], objective: `maximize ${loglik}${latents.map((z) => ` - ${weight()}kl(${z})`).join('')}` };
    }
    case 'minimize':
      b.tags.push('minimize');
      return { pre: [], objective: `minimize ${latents.map((z) => `kl(${z})`).join(' + ')} - ${observed.length > 1 ? `(${loglik})` : loglik}` };
    case 'capacity': {
      b.tags.push('capacity');
      const c = b.fresh('h');
      return { pre: [`${c} = ramp(0.0 -> 2.0, steps = 50)`], objective: `maximize ${loglik}${latents.map((z) => ` - 3 * abs(kl(${z}) - ${c})`).join('')}` };
    }
  }
}
