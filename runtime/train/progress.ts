/**
 * The progress display. On a terminal: one line redrawn in place (at most every `redrawMs`), e.g.
 *   step 1200/3000 [####------] 40% | loss 103.2 | elbo -103.2 | tau 0.512 | 9.81 steps/s | ETA 3m04s
 * Elsewhere (a file, CI): the same text as a plain line every `every` steps and at the end. Messages (eval
 * results, checkpoints) are printed on their own lines above the bar.
 */

/** Where and how often progress is shown. */
export interface ProgressOptions {
  /** Default: process.stderr (stdout stays free for results). */
  readonly stream?: ProgressStream;
  /** Force the terminal (single updating line) or plain mode; default: the stream's isTTY. */
  readonly tty?: boolean;
  /** Plain mode: a line every this many steps; default ceil(steps / 20). */
  readonly every?: number;
  /** Terminal mode: minimum milliseconds between redraws; default 100. */
  readonly redrawMs?: number;
}

/** The part of a writable stream the progress display uses. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The numbers one progress line shows. */
export interface ProgressValues {
  readonly loss: number;
  readonly value: number;
  readonly metrics: Readonly<Record<string, number>>;
}

// Schedules are what a user watches while annealing: shown first when a model reports many metrics.
const SCHEDULE_NAME = /^(tau|τ|temperature|temp|beta|β)(_|$)/i;
const MAX_METRICS = 4;

/** A progress display for one training session. */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly every: number;
  private readonly redrawMs: number;
  private readonly startTime: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  /** The session's first completed step and when it completed: the rate is measured from there (see `rate`). */
  private rateFrom: { readonly step: number; readonly time: number } | undefined;
  private drawn = false;
  private lastLine = '';

  constructor(
    options: ProgressOptions,
    private readonly session: {
      readonly totalSteps: number;
      readonly startStep: number;
      readonly valueLabel: string;
      /** `loss`, or `surrogate` when the minimised quantity is a score-function surrogate (trainer.ts lossLabel). */
      readonly lossLabel?: string;
      readonly clock: () => number;
    },
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.every = options.every ?? Math.max(1, Math.ceil(session.totalSteps / 20));
    this.redrawMs = options.redrawMs ?? 100;
    this.startTime = session.clock();
  }

  /**
   * Steps per second in this session (0 before the first step completes), counted from the end of the session's
   * first step once there is a later one: the first step also creates the backend's kernels and compiles the
   * code (1-3 s for the reference VAE, 20-100 of its steps), a cost that does not come again, so the steady rate
   * gives the ETA and compares with `npm run bench`'s step time, which also leaves out warm-up steps.
   * Evaluations and checkpoints inside the window are counted: they recur.
   */
  rate(step: number): number {
    const from = this.rateFrom !== undefined && step > this.rateFrom.step ? this.rateFrom : { step: this.session.startStep, time: this.startTime };
    const seconds = (this.session.clock() - from.time) / 1000;
    return seconds > 0 ? (step - from.step) / seconds : 0;
  }

  /** Shows completed step `step` (1-based count) with its numbers. */
  update(step: number, values: ProgressValues): void {
    const now = this.session.clock();
    const last = step >= this.session.totalSteps;
    this.lastLine = formatProgressLine({
      step,
      total: this.session.totalSteps,
      valueLabel: this.session.valueLabel,
      lossLabel: this.session.lossLabel ?? 'loss',
      values,
      stepsPerSecond: this.rate(step),
      bar: this.tty,
    });
    this.rateFrom ??= { step, time: now };
    if (this.tty) {
      if (!last && now - this.lastDraw < this.redrawMs) return;
      this.lastDraw = now;
      this.redraw();
    } else if (last || step % this.every === 0) {
      this.stream.write(`${this.lastLine}\n`);
    }
  }

  /** Prints a message on its own line, keeping the bar (on a terminal) below it. */
  note(message: string): void {
    if (this.tty && this.drawn) {
      this.stream.write(`\r\x1b[K${message}\n`);
      this.redraw();
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Ends the display: on a terminal, the bar's last state stays on screen. */
  finish(): void {
    if (this.tty && this.lastLine !== '') {
      this.redraw();
      this.stream.write('\n');
      this.drawn = false;
    }
  }

  private redraw(): void {
    const width = this.stream.columns;
    const line = width && this.lastLine.length >= width ? this.lastLine.slice(0, width - 1) : this.lastLine;
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}

/** The text of one progress line (pure: the display and the tests use it). */
export function formatProgressLine(p: {
  step: number;
  total: number;
  valueLabel: string;
  lossLabel?: string;
  values: ProgressValues;
  stepsPerSecond: number;
  bar: boolean;
}): string {
  const width = String(p.total).length;
  const parts = [`step ${String(p.step).padStart(width)}/${p.total}`];
  if (p.bar) {
    const frac = Math.min(1, p.step / p.total);
    const filled = Math.round(frac * 10);
    parts[0] += ` [${'#'.repeat(filled)}${'-'.repeat(10 - filled)}] ${Math.floor(frac * 100)}%`;
  }
  const shown = Object.entries(p.values.metrics)
    .filter(([k]) => k !== p.valueLabel && k !== 'loss')
    .sort(([a], [b]) => Number(SCHEDULE_NAME.test(b)) - Number(SCHEDULE_NAME.test(a)))
    .slice(0, MAX_METRICS);
  parts.push(`${p.lossLabel ?? 'loss'} ${formatNumber(p.values.loss)}`, `${p.valueLabel} ${formatNumber(p.values.value)}`);
  for (const [k, v] of shown) parts.push(`${k} ${formatNumber(v)}`);
  const remaining = p.total - p.step;
  parts.push(`${formatNumber(p.stepsPerSecond)} steps/s`);
  parts.push(`ETA ${p.stepsPerSecond > 0 ? formatDuration(remaining / p.stepsPerSecond) : '?'}`);
  return parts.join(' | ');
}

/** A number in 4 significant digits, exponent notation when very large or small. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** A duration like `45s`, `3m04s`, `2h05m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
