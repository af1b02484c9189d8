/**
 * Progress of a slow evaluation on stderr: one line redrawn in place on a terminal, otherwise a plain line at
 * most every few seconds, e.g. `eval: batch 3/10, importance samples 400/1000 | 31% | ETA 1m12s`.
 */
/** Where progress goes. */
export interface EvalProgressSink {
  readonly write: (text: string) => void;
  readonly isTty: boolean;
}

/** Seconds between plain (non-terminal) progress lines. */
const PLAIN_EVERY_MS = 5000;
/** Milliseconds between terminal redraws. */
const TTY_EVERY_MS = 200;

/** A progress line for work measured in units (here: importance samples × batches). */
export class EvalProgress {
  private readonly start = performance.now();
  private last = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly sink: EvalProgressSink | undefined,
    private readonly total: number,
  ) {}

  /** Reports `done` of `total` units with a description of where the work is. */
  update(done: number, where: string): void {
    if (!this.sink) return;
    const now = performance.now();
    if (now - this.last < (this.sink.isTty ? TTY_EVERY_MS : PLAIN_EVERY_MS) && done < this.total) return;
    this.last = now;
    const share = this.total > 0 ? done / this.total : 1;
    const eta = share > 0 ? ((now - this.start) / share - (now - this.start)) / 1000 : Number.NaN;
    const line = `eval: ${where} | ${Math.floor(share * 100)}% | ETA ${formatSeconds(eta)}`;
    this.sink.write(this.sink.isTty ? `\r${line}\x1b[K` : `${line}\n`);
    this.drawn = true;
  }

  /** Ends the display (a newline after a redrawn line). */
  finish(): void {
    if (this.sink?.isTty && this.drawn) this.sink.write('\n');
  }
}

/** 75 → "1m15s", 8.2 → "8s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
