/** Runs the CLI in-process with captured output (for tests). */
import { run } from '../../cli/main.js';
import { packageRoot } from '../../runtime/package-root.js';

/** Exit code and everything printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sgm ...argv` in the package root (or `cwd`). */
export async function sgm(argv: string[], cwd = packageRoot()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false, cwd });
  return { code, stdout, stderr };
}
