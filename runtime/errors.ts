/**
 * Errors the runtime raises, split by who must act. A `UserError` is the user's mistake (missing file, unknown
 * dataset, data that does not fit the model, unwritable directory, diverged training): the CLI prints its
 * one-line message and exits 1. Anything else is a bug in sgm: the CLI prints it with its stack and exits 2
 * (docs/architecture.md section 6).
 */

/** Exit codes of every sgm command: 0 success, 1 a user's mistake or an environment fault, 2 a bug in sgm. */
export const EXIT = { ok: 0, userError: 1, internal: 2 } as const;

/** Longest user-error message, in characters (a few terminal lines). */
const MAX_MESSAGE = 1000;

/** A mistake the user can fix; its message is one line, shown without a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    // One line by construction: a message with a newline would break the "one clear line" promise; and a
    // bounded one, so a value or list quoted from a huge input cannot print a line of hundreds of kilobytes.
    const line = message.replace(/\s*\n\s*/g, ' ');
    super(line.length <= MAX_MESSAGE ? line : `${line.slice(0, MAX_MESSAGE)}... (${line.length - MAX_MESSAGE} more characters)`);
    this.name = 'UserError';
  }
}

/** True when `error` is a user's mistake (exit 1) rather than a bug (exit 2). */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** The process exit code for an error: 1 for a user's mistake or an environment fault, 2 for an internal error. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return isUserError(error) || describeEnvironmentFault(error) !== undefined ? EXIT.userError : EXIT.internal;
}

/** The text the CLI prints for an error: `error: <one line>` for a user's mistake or an environment fault, the stack otherwise. */
export function formatError(error: unknown): string {
  if (isUserError(error)) return `error: ${error.message}`;
  const fault = describeEnvironmentFault(error);
  if (fault !== undefined) return `error: ${fault}`;
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}

/** The one-line reason of a Node file-system error (`ENOENT` → "no such file or directory"). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent of it is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EEXIST':
      return 'already exists';
    default:
      return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** Error codes of faults in the machine's environment rather than in sgm: the user (or their admin) must act. */
const ENVIRONMENT_FAULTS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM', 'EIO']);

/**
 * One line for an environment fault (a file-system error such as permission denied, a read-only file system or
 * a full disk) that reached the top without being turned into a UserError, naming the path; undefined for
 * anything else. The CLI reports these as user errors (exit 1), never as a bug in sgm.
 */
export function describeEnvironmentFault(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || !ENVIRONMENT_FAULTS.has(e.code)) return undefined;
  const reason = ['EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM', 'EIO'].includes(e.code) ? `${e.code}: ${e.message.split('\n')[0]}` : describeFsError(e);
  const what = e.path ? `cannot ${e.syscall ? `${e.syscall} ` : 'use '}'${e.path}'` : `${e.syscall ?? 'a file operation'} failed`;
  return `${what}: ${reason}`;
}
