/**
 * Gradient estimators of the analysis plan (docs/math.md section 10), as the helpers generated code calls:
 * pathwise (rsample: nothing to add), score function with baselines, enumeration, straight-through
 * (stdlib/straight-through.ts and the distributions' `hard` forms), and the relaxation-based control variates
 * REBAR and RELAX (docs/math.md section 11).
 */
export { EmaBaseline, leaveOneOut } from './baselines.js';
export { scoreFunctionTerm } from './score-function.js';
export { expectation, jointConfigurations } from './enumeration.js';
export { RebarEstimator, REBAR_DEFAULTS, type RebarOptions, type RelaxationTermInput } from './rebar.js';
export { RelaxEstimator, RELAX_DEFAULTS, type RelaxOptions } from './relax.js';
export type { RelaxationFamily } from './relaxation-noise.js';
