/** Parsers of option values shared by the commands (commander's argument parsers); a bad value is a UserError. */
import { UserError } from '../runtime/errors.js';

/** Collects repeated `--set K=20` options into a record (null prototype: a name like `constructor` is just a name). */
export function collectSet(value: string, previous?: Record<string, number>): Record<string, number> {
  const m = /^([\p{L}_][\p{L}\p{N}_]*)=(.+)$/u.exec(value);
  const n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(n)) throw new UserError(`--set expects NAME=NUMBER (e.g. --set K=20), got '${value}'`);
  const out: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, previous);
  out[m[1]] = n;
  return out;
}

/** Validates a choice such as --format. */
export function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** A positive integer option. */
export function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`${flag} expects a positive integer, got '${v}'`);
    return n;
  };
}

/** A whole-number option that may be 0. */
export function wholeNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} expects a whole number >= 0, got '${v}'`);
    return n;
  };
}

/** A TCP port option: a whole number from 0 (any free port) to 65535. */
export function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--port expects a port number from 0 to 65535, got '${v}'`);
  return n;
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C), removing both listeners: how a serving command waits to stop. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A finite number option. */
export function finiteNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UserError(`${flag} expects a number, got '${v}'`);
    return n;
  };
}

/** The entries of an object whose value is defined (exactOptionalPropertyTypes-friendly spreading). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
