/**
 * Gradient estimators of the analysis plan (docs/math.md section 10), as the helpers generated code calls:
 * pathwise (rsample: nothing to add), score function with baselines, enumeration, straight-through
 * (stdlib/straight-through.ts and the distributions' `hard` forms).
 */
export { EmaBaseline, leaveOneOut } from './baselines.js';
export { scoreFunctionTerm } from './score-function.js';
export { expectation, jointConfigurations } from './enumeration.js';
