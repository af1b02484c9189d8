/**
 * Every distribution class by its language name: the single registration list. The runtime and generated
 * code construct distributions through this table or by importing the classes directly.
 */
import type { Distribution } from './distribution.js';
// Gaussian-based (continuous and IGR)
import { IGR_I } from './igr-i.js';
import { IGR_Planar } from './igr-planar.js';
import { IGR_SB } from './igr-sb.js';
import { LogNormal } from './log-normal.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';
// continuous, issue 16 (Gamma-based ones with implicit reparameterization gradients)
import { Beta } from './beta.js';
import { Dirichlet } from './dirichlet.js';
import { Exponential } from './exponential.js';
import { Gamma } from './gamma.js';
import { HalfNormal } from './half-normal.js';
import { Laplace } from './laplace.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormal } from './multivariate-normal.js';
import { StudentT } from './student-t.js';
import { MixtureSameFamily } from './mixture-same-family.js';
// discrete and relaxed
import { Bernoulli } from './bernoulli.js';
import { Binomial } from './binomial.js';
import { Categorical } from './categorical.js';
import { ExpConcrete } from './exp-concrete.js';
import { GenGS } from './gen-gs.js';
import { Geometric } from './geometric.js';
import { GumbelSoftmax } from './gumbel-softmax.js';
import { Multinomial } from './multinomial.js';
import { NegativeBinomial } from './negative-binomial.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { Poisson } from './poisson.js';
import { RelaxedBernoulli } from './relaxed-bernoulli.js';

/** Constructor of a distribution from its named parameters (names as in the signature table). */
// The parameter bag is heterogeneous (tensors, numbers, a base distribution); each class validates its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionConstructor = new (params: any) => Distribution;

export const DISTRIBUTION_CLASSES: Readonly<Record<string, DistributionConstructor>> = {
  // Gaussian-based (continuous and IGR)
  Normal,
  LogNormal,
  Uniform,
  IGR_I,
  IGR_SB,
  IGR_Planar,
  Gamma,
  Beta,
  Dirichlet,
  Exponential,
  Laplace,
  StudentT,
  HalfNormal,
  MultivariateNormal,
  MultivariateNormalDiag,
  MixtureSameFamily,
  // discrete and relaxed
  Bernoulli,
  Categorical,
  OneHotCategorical,
  Poisson,
  Binomial,
  Geometric,
  NegativeBinomial,
  Multinomial,
  GumbelSoftmax,
  ExpConcrete,
  RelaxedBernoulli,
  GenGS,
};
