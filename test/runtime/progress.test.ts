import { describe, expect, it } from 'vitest';
import type { ModelInstance } from '../../runtime/model-api.js';
import { lossLabel } from '../../runtime/train/trainer.js';
import { formatDuration, formatNumber, formatProgressLine, ProgressBar } from '../../runtime/train/progress.js';

const values = { loss: 103.2149, value: -103.2149, metrics: { elbo: -103.2149, kl_z: 12.5, tau: 0.5123 } };

describe('progress', () => {
  it('formats a line with step, loss, value, schedules first, rate and ETA', () => {
    const line = formatProgressLine({ step: 1200, total: 3000, valueLabel: 'elbo', values, stepsPerSecond: 9.812, bar: true });
    expect(line).toBe('step 1200/3000 [####------] 40% | loss 103.2 | elbo -103.2 | tau 0.5123 | kl_z 12.5 | 9.812 steps/s | ETA 3m03s');
  });

  it('labels a score-function surrogate as such, not as the loss', () => {
    const line = formatProgressLine({ step: 10, total: 20, valueLabel: 'elbo', lossLabel: 'surrogate', values, stepsPerSecond: 1, bar: false });
    expect(line).toContain('| surrogate 103.2 | elbo -103.2 |');
    expect(line).not.toContain('loss ');
  });

  it('calls the loss a surrogate exactly when a node uses the score function', () => {
    const withEstimators = (...estimators: string[]) => ({ metadata: { nodes: estimators.map((estimator, i) => ({ name: `n${i}`, estimator })) } }) as unknown as ModelInstance;
    expect(lossLabel(withEstimators('pathwise', 'reinforce'))).toBe('surrogate');
    expect(lossLabel(withEstimators('pathwise', 'enumerate'))).toBe('loss');
  });

  it('formats numbers and durations compactly', () => {
    expect(formatNumber(1234567)).toBe('1.23e+6');
    expect(formatNumber(0.0001234)).toBe('1.23e-4');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(7500)).toBe('2h05m');
  });

  it('redraws one line on a terminal, throttled, and ends it with a newline', () => {
    const out: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ stream: { write: (t: string) => out.push(t), isTTY: true }, redrawMs: 100 }, {
      totalSteps: 10,
      startStep: 0,
      valueLabel: 'elbo',
      clock: () => now,
    });
    for (let s = 1; s <= 10; s++) {
      now += 30;
      bar.update(s, values);
    }
    bar.note('eval at step 10: test elbo -99');
    bar.finish();
    const text = out.join('');
    // Redraws at t = 30 (first), 150, 270 (>= 100 ms apart) and the last step; each starts with a carriage return.
    expect(out.filter((t) => t.startsWith('\rstep')).length).toBe(4 + 2);
    expect(text).toContain('\r\x1b[Keval at step 10: test elbo -99\n');
    expect(text.endsWith('\x1b[K\n')).toBe(true);
    expect(text).toContain('step 10/10 [##########] 100%');
  });

  it('prints plain lines every `every` steps when not on a terminal', () => {
    const out: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ stream: { write: (t: string) => out.push(t) }, every: 4 }, {
      totalSteps: 10,
      startStep: 0,
      valueLabel: 'elbo',
      clock: () => (now += 500),
    });
    for (let s = 1; s <= 10; s++) bar.update(s, values);
    bar.finish();
    expect(out.map((l) => l.split(' | ')[0])).toEqual(['step  4/10', 'step  8/10', 'step 10/10']);
    expect(out.join('')).not.toMatch(/[\r\x1b]/);
    expect(out[2]).toMatch(/ETA 0s\n$/);
  });
});

describe('ProgressBar.rate', () => {
  it('counts from the end of the first step, whose one-time setup does not recur', () => {
    let now = 0;
    const bar = new ProgressBar({ stream: { write: () => true }, every: 100 }, { totalSteps: 20, startStep: 5, valueLabel: 'elbo', clock: () => now });
    expect(bar.rate(5)).toBe(0);
    now = 3000; // the session's first step (step 6) takes 3 s
    bar.update(6, values);
    expect(bar.rate(6)).toBeCloseTo(1 / 3, 12);
    for (let s = 7; s <= 16; s++) {
      now += 100; // then 10 steps of 100 ms each
      bar.update(s, values);
    }
    expect(bar.rate(16)).toBeCloseTo(10, 12);
  });
});
