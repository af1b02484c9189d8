/** Parameters shared by several distributions of the signature table (distributions-*.ts). */
import type { ParamSig } from './types.js';

export const probs: ParamSig = {
  name: 'probs',
  kind: 'tensor',
  constraint: 'unit_interval',
  optional: true,
  doc: 'event probabilities',
};
export const logits: ParamSig = {
  name: 'logits',
  kind: 'tensor',
  constraint: 'real',
  optional: true,
  doc: 'unnormalised log-probabilities',
};
export const simplexProbs: ParamSig = { ...probs, constraint: 'simplex', doc: 'category probabilities (last axis sums to 1)' };
export const tau = (dflt?: number): ParamSig => ({
  name: 'tau',
  kind: 'scalar',
  constraint: 'positive',
  aliases: ['temperature', 'τ'],
  ...(dflt === undefined ? {} : { optional: true, default: dflt }),
  doc: 'temperature of the relaxation; a schedule such as anneal(1 -> 0.1, steps = 2000) is allowed',
});
export const delta: ParamSig = {
  name: 'delta',
  kind: 'constant',
  constraint: 'positive',
  optional: true,
  default: 1,
  aliases: ['δ'],
  doc: 'softmax++ offset δ (docs/math.md section 1: default 1, as the authors\' final code)',
};
export const mu: ParamSig = { name: 'mu', kind: 'tensor', constraint: 'real', aliases: ['μ', 'loc'], doc: 'Gaussian mean' };
export const sigma: ParamSig = {
  name: 'sigma',
  kind: 'tensor',
  constraint: 'positive',
  aliases: ['σ', 'scale'],
  doc: 'Gaussian standard deviation (broadcast with mu)',
};
export const hard: ParamSig = {
  name: 'hard',
  kind: 'constant',
  constraint: 'boolean',
  optional: true,
  default: false,
  doc: 'straight-through: one-hot forward pass, relaxed backward pass',
};

