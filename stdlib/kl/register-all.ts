/**
 * Binds every KL rule id of rules.ts to its compute function (one pair per file in this folder).
 * Registration happens only here.
 */
import type { KlCompute } from './kl-compute.js';
// IGR pairs
import { klIgrDiscreteCategorical } from './igr-discrete-categorical.js';
import { klIgrIgr } from './igr-igr.js';
import { klIgrPlanarGaussianMc } from './igr-planar-gaussian-mc.js';
import { klLogNormalLogNormal } from './lognormal-lognormal.js';
import { klNormalNormal } from './normal-normal.js';
// other pairs, generic Monte Carlo
import { klBernoulliBernoulli } from './bernoulli-bernoulli.js';
import { klCategoricalCategorical } from './categorical-categorical.js';
import { klConcreteConcreteMc } from './concrete-concrete-mc.js';
import { klGenericMc } from './generic-mc.js';
import { klGenGSEnumerated } from './gengs-enumerated.js';
import { klGenGSGenGS } from './gengs-gengs.js';
import { klPoissonPoisson } from './poisson-poisson.js';
import { klRelaxedBernoulliMc } from './relaxed-bernoulli-mc.js';
// continuous families of issue 16
import { klBetaBeta } from './beta-beta.js';
import { klDirichletDirichlet } from './dirichlet-dirichlet.js';
import { klExponentialExponential } from './exponential-exponential.js';
import { klGammaGamma } from './gamma-gamma.js';
import { klHalfNormalHalfNormal } from './halfnormal-halfnormal.js';
import { klLaplaceLaplace } from './laplace-laplace.js';
import { klMvnMvn } from './mvn-mvn.js';

/** Rule id -> compute function. Filled as pair files land; a rule without an entry falls back to generic MC. */
export const KL_COMPUTE: Readonly<Record<string, KlCompute>> = {
  // ── IGR pairs ──
  'normal-normal': klNormalNormal,
  'lognormal-lognormal': klLogNormalLogNormal,
  'igr-igr': klIgrIgr,
  'igr-i-rescaled': klIgrIgr,
  'igr-planar-gaussian-mc': klIgrPlanarGaussianMc,
  // the discrete H of an IGR_I guide under `with relax` (chosen by the estimator, not by the pair table)
  'igr-discrete-categorical': klIgrDiscreteCategorical,
  // ── other pairs, generic Monte Carlo ──
  'categorical-categorical': klCategoricalCategorical,
  'bernoulli-bernoulli': klBernoulliBernoulli,
  'poisson-poisson': klPoissonPoisson,
  'gengs-gengs': klGenGSGenGS,
  'gengs-enumerated': klGenGSEnumerated,
  'concrete-concrete-mc': klConcreteConcreteMc,
  'relaxed-bernoulli-mc': klRelaxedBernoulliMc,
  'generic-mc': klGenericMc,
  // ── continuous families of issue 16 ──
  'gamma-gamma': klGammaGamma,
  'beta-beta': klBetaBeta,
  'dirichlet-dirichlet': klDirichletDirichlet,
  'exponential-exponential': klExponentialExponential,
  'laplace-laplace': klLaplaceLaplace,
  'halfnormal-halfnormal': klHalfNormalHalfNormal,
  'mvn-mvn': klMvnMvn,
};
