/**
 * The training log: one JSON object per line (JSONL), appended as training goes (docs/runtime.md, "Log").
 * Records carry a `type`: `start`, `train` (one per logged step, with every metric), `eval`, `checkpoint`,
 * `resume`, `non_finite`, `end`. Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity"
 * (JSON has no literal for them). On resume the file is cut back to its size at the checkpoint, so the lines
 * of steps that will be redone do not appear twice.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync, statSync } from 'node:fs';
import { UserError, describeFsError } from '../errors.js';

/** One log record. */
export type LogRecord = { readonly type: string } & Readonly<Record<string, unknown>>;

/** An open JSONL log. */
export class JsonlLog {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  /** Opens `path` for appending; with `truncateTo`, first cuts a longer file back to that many bytes. */
  static open(path: string, options: { truncateTo?: number } = {}): JsonlLog {
    try {
      const fd = openSync(path, 'a');
      const size = fstatSync(fd).size;
      if (options.truncateTo !== undefined && size > options.truncateTo) ftruncateSync(fd, options.truncateTo);
      return new JsonlLog(path, fd);
    } catch (error) {
      throw new UserError(`cannot write the training log '${path}': ${describeFsError(error)}`);
    }
  }

  /** False once closed or after a write failed (a full disk: nothing more is written). */
  get writable(): boolean {
    return this.fd !== undefined && !this.failed;
  }

  private failed = false;

  /**
   * Appends one record as one line (a single write, so a crash leaves at most one partial last line). A failed
   * write (no space left, an I/O error, a device such as /dev/full) is a one-line UserError.
   */
  write(record: LogRecord): void {
    if (this.fd === undefined) throw new Error(`log '${this.path}' is closed`);
    const line = Buffer.from(`${JSON.stringify(record, finiteReplacer)}\n`, 'utf8');
    try {
      let off = 0;
      while (off < line.length) off += writeSync(this.fd, line, off, line.length - off);
    } catch (error) {
      this.failed = true;
      throw new UserError(`cannot write the training log '${this.path}': ${describeFsError(error)}`);
    }
  }

  /** The file's current size in bytes (recorded in checkpoints). */
  bytes(): number {
    return this.fd === undefined ? statSync(this.path).size : fstatSync(this.fd).size;
  }

  /** Closes the file; further writes are errors. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Parses a JSONL log into its records (blank lines skipped). */
export function parseJsonl(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogRecord);
}

function finiteReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
