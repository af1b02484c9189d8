/**
 * The exact continuous distributions of the signature table (see distributions.ts for how the table is used and
 * how to add a distribution).
 */
import { mu, sigma } from './params.js';
import type { DistributionSig } from './types.js';

export const CONTINUOUS_DISTRIBUTIONS: readonly DistributionSig[] = [
  {
    name: 'Normal',
    aliases: ['Gaussian'],
    doc: 'Normal distribution N(mu, sigma^2), elementwise',
    cite: 'standard',
    params: [mu, sigma],
    support: 'real',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
  {
    name: 'LogNormal',
    doc: 'exp of a Normal(mu, sigma^2), elementwise',
    cite: 'standard',
    params: [mu, sigma],
    support: 'positive',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
  {
    name: 'Uniform',
    doc: 'continuous uniform on [low, high), elementwise',
    cite: 'standard',
    params: [
      { name: 'low', kind: 'tensor', constraint: 'real', doc: 'lower bound' },
      { name: 'high', kind: 'tensor', constraint: 'real', doc: 'upper bound (> low)' },
    ],
    support: 'real',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
];
