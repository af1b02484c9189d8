// The curves of a training log: which metric is what, train vs held-out series, non-finite values dropped.
import { describe, expect, it } from 'vitest';
import { metricKind, trainingCurves } from '../../runtime/report/training-curves.js';
import type { LogRecord } from '../../runtime/train/jsonl-log.js';

const records: LogRecord[] = [
  { type: 'start', step: 0, model: 'm' },
  { type: 'train', step: 1, loss: 5, value: -5, metrics: { elbo: -5, loglik_x: -4, kl_z: 1, 'z.tau': 1 }, gradNorm: 3 },
  { type: 'train', step: 2, loss: 'NaN', value: 'NaN', metrics: { elbo: 'NaN', loglik_x: -3, kl_z: 'Infinity', 'z.tau': 0.9 }, gradNorm: 2 },
  { type: 'eval', step: 2, value: -4.5, metrics: { elbo: -4.5, loglik_x: -3.5, kl_z: 1.1 } },
  { type: 'checkpoint', step: 2, dir: '/x' },
  { type: 'end', step: 2, status: 'completed' },
];

describe('trainingCurves', () => {
  it('sorts metrics into objective, log-likelihood, KL and schedules', () => {
    expect(['elbo', 'objective', 'iwae_5', 'loglik_x', 'kl_zd', 'n.tau', 'Cd'].map(metricKind)).toEqual(['objective', 'objective', 'objective', 'loglik', 'kl', 'schedule', 'schedule']);
  });

  it('draws the surrogate loss only where it is not ± the objective (score function, enumeration)', () => {
    const surrogate = trainingCurves([
      { type: 'train', step: 1, loss: 7, value: -5, metrics: { elbo: -5 } },
      { type: 'train', step: 2, loss: 6, value: -4, metrics: { elbo: -4 } },
    ]);
    expect(surrogate.surrogate.map((p) => p.value)).toEqual([7, 6]);
    const minimized = trainingCurves([{ type: 'train', step: 1, loss: 3, value: 3, metrics: { objective: 3 } }]);
    expect(minimized.surrogate).toEqual([]);
  });

  it('gives train and held-out series, and drops non-finite values but counts them', () => {
    const c = trainingCurves(records);
    expect(c.objectiveName).toBe('elbo');
    expect(c.objective).toEqual([
      { step: 1, value: -5, series: 'train' },
      { step: 2, value: -4.5, series: 'held-out' },
    ]);
    expect(c.loglik.map((p) => p.series)).toEqual(['x (train)', 'x (train)', 'x (held-out)']);
    expect(c.kl).toEqual([
      { step: 1, value: 1, series: 'z (train)' },
      { step: 2, value: 1.1, series: 'z (held-out)' },
    ]);
    expect(c.schedules).toEqual([
      { step: 1, value: 1, series: 'z.tau' },
      { step: 2, value: 0.9, series: 'z.tau' },
    ]);
    expect(c.gradNorm.map((p) => p.value)).toEqual([3, 2]);
    expect(c.surrogate).toEqual([]); // the loss is the ELBO's negation: nothing more to draw
    expect(c.nonFinite).toBe(2); // the NaN value and the infinite KL (the NaN elbo is the objective metric, not drawn twice)
  });
});
