/**
 * Gradient estimators of the analysis plan (docs/math.md section 10), as the helpers generated code calls:
 * pathwise (rsample: nothing to add), score function with baselines, enumeration, straight-through
 * (stdlib/straight-through.ts and the distributions' `hard` forms), and the score-function family of
 * docs/math.md section 11: NVIL (nvil.ts), VIMCO (vimco.ts), MuProp (muprop.ts), the unordered set estimator
 * (unordered-set.ts, with stochastic-beam.ts); and the relaxation-based control variates REBAR (rebar.ts), RELAX
 * (relax.ts) and RELAX over IGR (relax-igr.ts).
 */
export { EmaBaseline, leaveOneOut } from './baselines.js';
export { scoreFunctionTerm } from './score-function.js';
export { expectation, jointConfigurations } from './enumeration.js';
export { observedKl, observedLogWeight, observedWeight } from './partial-observation.js';
export { logSumOverCopies, sumOverCopies, tiledSupport, tileBatch } from './tiled-enumeration.js';
export { NvilBaseline, type NvilOptions } from './nvil.js';
export { iwaeBound, vimcoLeaveOneOutBounds, vimcoScoreTerm, vimcoSurrogate, type VimcoTerms } from './vimco.js';
export { meanFieldExpansion, mupropControlVariate, mupropSurrogate, type MupropInputs } from './muprop.js';
export { RebarEstimator, REBAR_DEFAULTS, type RebarOptions, type RelaxationTermInput } from './rebar.js';
export { RelaxEstimator, RELAX_DEFAULTS, type RelaxOptions } from './relax.js';
export { RelaxIgrEstimator, RELAX_IGR_DEFAULTS, type RelaxIgrOptions } from './relax-igr.js';
export type { RelaxationFamily } from './relaxation-noise.js';
export { stochasticBeamSearch, type BeamSet } from './stochastic-beam.js';
export { drawUnorderedSet, leaveOneOutRatios, unorderedSetSample, unorderedSetSurrogate, UnorderedSet, type UnorderedSample } from './unordered-set.js';
