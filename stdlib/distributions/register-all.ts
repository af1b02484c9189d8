/**
 * Every distribution class by its language name: the single registration list. The runtime and generated
 * code construct distributions through this table or by importing the classes directly.
 */
import type { Distribution } from './distribution.js';

/** Constructor of a distribution from its named parameters (names as in the signature table). */
// The parameter bag is heterogeneous (tensors, numbers, a base distribution); each class validates its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionConstructor = new (params: any) => Distribution;

export const DISTRIBUTION_CLASSES: Readonly<Record<string, DistributionConstructor>> = {
  // ── section S1 ──
  // ── section S2 ──
};
