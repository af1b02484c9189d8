import type { CommandIo } from '../runtime/commands/command-io.js';

/** Where CLI output goes (the runtime commands' streams, plus what only the CLI needs): real streams or test buffers. */
export interface Io extends CommandIo {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** Colours in diagnostics; default: decided by `colorEnabled` from the environment and `isTty`. */
  readonly color?: boolean;
  /** The environment read for NO_COLOR / FORCE_COLOR (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The values of the global `--color` option. */
export type ColorWhen = 'auto' | 'always' | 'never';

/**
 * Whether to colour output, by the usual conventions: `--color always|never` wins; otherwise a non-empty
 * NO_COLOR turns colours off (no-color.org), FORCE_COLOR turns them on unless it is '0' or 'false', and
 * without either, colours go to terminals only.
 */
export function colorEnabled(when: ColorWhen, env: Readonly<Record<string, string | undefined>>, isTty: boolean): boolean {
  if (when !== 'auto') return when === 'always';
  if ((env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTty;
}

/** The process's own streams. EPIPE (output piped into `head`) ends output quietly. */
export function processIo(): Io {
  const quiet = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  };
  process.stdout.on('error', quiet);
  process.stderr.on('error', quiet);
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

export { EXIT } from '../runtime/errors.js';
