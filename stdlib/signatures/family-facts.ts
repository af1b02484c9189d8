/**
 * The questions the compiler asks about a distribution family, answered from the signature table only: a new
 * family gets every answer from its table entry, and no stage keeps a list of family names of its own
 * (test/stdlib/family-table.test.ts checks both).
 */
import { DISTRIBUTIONS, findDistribution } from './distributions.js';
import { SUPPORT_VALUES } from './support.js';
import type { DistributionSig, RelaxationFamily, SignFact } from './types.js';

/** The names of the families matching a predicate, in table order (for messages). */
export function familyNames(pred: (d: DistributionSig) => boolean): string[] {
  return DISTRIBUTIONS.filter(pred).map((d) => d.name);
}

/** The family names and aliases matching a predicate (for rules keyed by the name a user wrote). */
export function familyNamesWithAliases(pred: (d: DistributionSig) => boolean): string[] {
  return DISTRIBUTIONS.filter(pred).flatMap((d) => [d.name, ...(d.aliases ?? [])]);
}

/** A count distribution whose truncated pmf sgm tabulates: `pmf(dist, n)` and GenGS's cells. */
export function isCountBase(d: DistributionSig): boolean {
  return d.count !== undefined;
}

/** GenGS(base = d) is accepted. */
export function isGenGsBase(d: DistributionSig): boolean {
  return d.genGsBase === true;
}

/** The support is infinite: GenGS over it needs `trunc`, enumeration is impossible. */
export function hasInfiniteSupport(d: DistributionSig): boolean {
  return d.enumerationSize === 'infinite';
}

/** The support is 0..total_count (Binomial): a GenGS over it without `trunc` keeps every value. */
export function hasTotalCountSupport(d: DistributionSig): boolean {
  return d.enumerationSize === 'total_count_plus_one';
}

/** A discrete family over K categories given by the last axis of probs/logits (a fit_prior target). */
export function isCategoricalFamily(d: DistributionSig): boolean {
  return d.discrete && d.enumerationSize === 'last_dim';
}

/** Whether d belongs to the relaxation family f (IGR, Concrete, GenGS). */
export function inRelaxationFamily(d: DistributionSig, f: RelaxationFamily): boolean {
  return d.relaxationFamily === f;
}

/**
 * How the straight-through form is asked for: families with a `hard` parameter take `hard = true` (the sampler
 * returns the hard sample with relaxed gradients); the others (IGR) have an rsampleStraightThrough method.
 */
export function straightThroughByHardFlag(d: DistributionSig): boolean {
  return d.params.some((p) => p.name === 'hard');
}

/** The families `fit_prior` accepts (those with `fitPriorAs`). */
export function fitPriorFamilies(): string[] {
  return familyNames((d) => d.fitPriorAs !== undefined);
}

/** The family of the prior `fit_prior(family, ...)` gives, or undefined when fit_prior does not take it. */
export function fitPriorResultFamily(family: string): DistributionSig | undefined {
  const as = findDistribution(family)?.fitPriorAs;
  return as === undefined ? undefined : findDistribution(as);
}

/** What the values of a draw of d are known to satisfy (from its support), for the shape checker's SGM4004. */
export function sampleSign(d: DistributionSig): SignFact {
  return SUPPORT_VALUES[d.support].sign;
}
