/**
 * Learning-rate schedules (`sgm train --lr 1e-3 --lr-schedule SPEC`, TrainOptions.lrSchedule; docs/cli.md).
 * The rate at 0-based step t is `lr · f(t)`, f the product of the factors the spec names:
 *
 *   spec     := factor ('*' factor)*
 *   factor   := 'constant' | name '(' [arg (',' arg)*] ')'
 *   arg      := number | key '=' number            (positional arguments in the order listed below)
 *
 *   constant                      f = 1
 *   exponential(decay, every=1)   f = decay^(t / every)              (continuous, tf.keras ExponentialDecay)
 *   step(decay, every)            f = decay^floor(t / every)         (staircase: times decay every `every` steps)
 *   cosine(steps, min=0)          f = min + (1 - min)·(1 + cos(π·min(t, steps)/steps))/2, then held at min
 *                                 (Loshchilov & Hutter 2017, SGDR, arXiv:1608.03983, without restarts)
 *   warmup(steps)                 f = min(1, (t + 1)/steps)          (linear; step 0 already moves, by lr/steps)
 *
 * e.g. `warmup(500) * cosine(steps=20000, min=0.01)`. A schedule is a pure function of the step, so a resumed run
 * continues it exactly (the checkpoint records the spec, and the step). Factors are computed in float64; the
 * optimizer receives the product as a plain number.
 */
import { UserError } from '../errors.js';

/** A parsed schedule: its canonical text (as checkpoints and logs record it) and its factor at a step. */
export interface LrSchedule {
  readonly text: string;
  /** f(t) of the module comment at 0-based step t. */
  factor(step: number): number;
}

interface Kind {
  /** Parameter names in positional order; a default of undefined means required. */
  readonly params: ReadonlyArray<readonly [string, number | undefined]>;
  /** Why the values are not valid, or undefined. */
  check(v: Readonly<Record<string, number>>): string | undefined;
  factor(t: number, v: Readonly<Record<string, number>>): number;
}

const positiveWhole = (x: number): boolean => Number.isInteger(x) && x >= 1;

const KINDS: Readonly<Record<string, Kind>> = {
  constant: { params: [], check: () => undefined, factor: () => 1 },
  exponential: {
    params: [['decay', undefined], ['every', 1]],
    check: (v) => (!(v.decay > 0 && v.decay <= 1) ? 'decay must be in (0, 1]' : !(v.every > 0) ? 'every must be > 0' : undefined),
    factor: (t, v) => Math.pow(v.decay, t / v.every),
  },
  step: {
    params: [['decay', undefined], ['every', undefined]],
    check: (v) => (!(v.decay > 0 && v.decay <= 1) ? 'decay must be in (0, 1]' : !positiveWhole(v.every) ? 'every must be a whole number >= 1' : undefined),
    factor: (t, v) => Math.pow(v.decay, Math.floor(t / v.every)),
  },
  cosine: {
    params: [['steps', undefined], ['min', 0]],
    check: (v) => (!positiveWhole(v.steps) ? 'steps must be a whole number >= 1' : !(v.min >= 0 && v.min <= 1) ? 'min must be in [0, 1]' : undefined),
    factor: (t, v) => v.min + ((1 - v.min) * (1 + Math.cos((Math.PI * Math.min(t, v.steps)) / v.steps))) / 2,
  },
  warmup: {
    params: [['steps', undefined]],
    check: (v) => (!positiveWhole(v.steps) ? 'steps must be a whole number >= 1' : undefined),
    factor: (t, v) => Math.min(1, (t + 1) / v.steps),
  },
};

/** The forms accepted, for messages and --help. */
export const LR_SCHEDULE_FORMS = 'constant, exponential(decay, every=1), step(decay, every), cosine(steps, min=0), warmup(steps), or a product of them with *';

/** Parses a schedule spec (see the module comment); a mistake is a one-line UserError quoting the spec. */
export function parseLrSchedule(spec: string): LrSchedule {
  const bad = (why: string): never => {
    throw new UserError(`--lr-schedule '${spec}': ${why} (expected ${LR_SCHEDULE_FORMS}, e.g. 'warmup(500) * cosine(steps=20000)')`);
  };
  if (spec.trim() === '') bad('empty');
  const parts: Array<{ kind: Kind; values: Record<string, number>; text: string }> = [];
  for (const raw of spec.split('*')) {
    const m = /^\s*([a-z]+)\s*(?:\(([^()]*)\))?\s*$/.exec(raw);
    if (!m) bad(`cannot read '${raw.trim()}'`);
    const [, name, argText] = m!;
    const kind = Object.hasOwn(KINDS, name) ? KINDS[name] : bad(`unknown schedule '${name}'`);
    if (argText === undefined && kind.params.some(([, d]) => d === undefined)) bad(`${name} needs ${kind.params.map(([k]) => k).join(', ')}`);
    const values: Record<string, number> = {};
    const args = argText === undefined || argText.trim() === '' ? [] : argText.split(',');
    if (args.length > kind.params.length) bad(`${name} takes ${kind.params.length === 0 ? 'no arguments' : kind.params.map(([k]) => k).join(', ')}`);
    args.forEach((a, i) => {
      const eq = a.indexOf('=');
      const key = eq < 0 ? kind.params[i][0] : a.slice(0, eq).trim();
      const valueText = (eq < 0 ? a : a.slice(eq + 1)).trim();
      if (!kind.params.some(([k]) => k === key)) bad(`${name} has no parameter '${key}' (it takes ${kind.params.map(([k]) => k).join(', ')})`);
      if (Object.hasOwn(values, key)) bad(`${name}: ${key} given twice`);
      const v = Number(valueText);
      if (valueText === '' || !Number.isFinite(v)) bad(`${name}: ${key}=${valueText} is not a number`);
      values[key] = v;
    });
    for (const [k, d] of kind.params) {
      if (Object.hasOwn(values, k)) continue;
      if (d === undefined) bad(`${name} needs ${k}`);
      values[k] = d!;
    }
    const why = kind.check(values);
    if (why !== undefined) bad(`${name}: ${why}`);
    const text = kind.params.length === 0 ? name : `${name}(${kind.params.map(([k]) => `${k}=${values[k]}`).join(', ')})`;
    parts.push({ kind, values, text });
  }
  return {
    text: parts.map((p) => p.text).join(' * '),
    factor: (step) => parts.reduce((f, p) => f * p.kind.factor(step, p.values), 1),
  };
}

/**
 * Sets the learning rate of a tfjs optimizer for the next update. tfjs' optimizers (Adam, and sgm's FusedAdam,
 * which extends it) read the protected field `learningRate` at every applyGradients (tfjs-core 4.22); checked here.
 */
export function setLearningRate(optimizer: object, lr: number): void {
  const o = optimizer as { learningRate?: unknown };
  if (typeof o.learningRate !== 'number') throw new Error('the optimizer has no numeric learningRate field: learning-rate schedules need updating (runtime/train/lr-schedule.ts)');
  o.learningRate = lr;
}
