/** Where CLI output goes: real streams for the binary, buffers in tests. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout/stderr is a terminal (colours, progress bars). */
  readonly isTty: boolean;
  readonly cwd: string;
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

/** A user mistake on the command line: one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes (docs/architecture.md section 6). */
export const EXIT = { ok: 0, userError: 1, internal: 2 } as const;
