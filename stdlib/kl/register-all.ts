/**
 * Binds every KL rule id of rules.ts to its compute function (one pair per file in this folder).
 * Registration happens only here.
 */
import type { KlCompute } from './kl-compute.js';

/** Rule id -> compute function. Filled as pair files land; a rule without an entry falls back to generic MC. */
export const KL_COMPUTE: Readonly<Record<string, KlCompute>> = {
  // ── section S1 (IGR pairs) ──
  // ── section S2 (other pairs, generic MC) ──
};
