/**
 * The distributions a model can name, as data: the one table of everything the compiler asks about a family.
 * The semantic checker checks arguments and infers shapes from it, the analysis reads support, rsample,
 * enumeration, measure and the family facts (family-facts.ts asks the questions), the code generator reads how a
 * family is drawn, and the stdlib classes expose the same entries as their `signature`. The compiler keeps no
 * family-name lists of its own (test/stdlib/family-table.test.ts checks it).
 *
 * Adding a distribution (docs/architecture.md, "How to add a distribution"): its entry in the file of its kind
 * (distributions-continuous.ts, distributions-discrete.ts, distributions-relaxed.ts), its class in
 * stdlib/distributions/<name>.ts registered in stdlib/distributions/register-all.ts, its line in docs/reference.md,
 * its fixture in test/stdlib/fixtures.ts.
 */
import { CONTINUOUS_DISTRIBUTIONS } from './distributions-continuous.js';
import { DISCRETE_DISTRIBUTIONS } from './distributions-discrete.js';
import { RELAXED_DISTRIBUTIONS } from './distributions-relaxed.js';
import type { DistributionSig } from './types.js';

/** Every distribution of the language, in the order they are documented. */
export const DISTRIBUTIONS: readonly DistributionSig[] = [...CONTINUOUS_DISTRIBUTIONS, ...DISCRETE_DISTRIBUTIONS, ...RELAXED_DISTRIBUTIONS];

/** Looks a distribution up by its name or one of its aliases. */
export function findDistribution(name: string): DistributionSig | undefined {
  return DISTRIBUTION_INDEX.get(name);
}

const DISTRIBUTION_INDEX: ReadonlyMap<string, DistributionSig> = new Map(
  DISTRIBUTIONS.flatMap((d) => [d.name, ...(d.aliases ?? [])].map((n) => [n, d] as const)),
);
