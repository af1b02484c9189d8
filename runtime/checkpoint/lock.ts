/**
 * The run-folder lock: while a training writes a run folder (checkpoints, log, model files), the folder holds
 * `.sgm-train.lock`, a small JSON file with the training's process id, host and start time. It is created with
 * O_CREAT|O_EXCL (`'wx'`), so of two trainings started on one folder exactly one gets it; the other stops with a
 * UserError naming the process that holds it. A lock whose process no longer runs on this host (killed, machine
 * restarted) is stale: it is taken over, with a note. The lock is removed when the training ends (also on
 * process.exit); a `kill -9` leaves it behind, stale, for the next training to take over.
 */
import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError, describeFsError } from '../errors.js';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = '.sgm-train.lock';

/** What a lock file holds. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command?: string;
}

/** A held lock. */
export interface RunLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's (idempotent). */
  release(): void;
}

/** A lock file with no readable content is stale after this long (its writer died between create and write). */
const UNREADABLE_STALE_MS = 10_000;

/** Whether process `pid` runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return Number.isInteger(info.pid) && typeof info.host === 'string' ? (info as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of run folder `dir` (which must exist) for this process; `note` hears about a stale lock taken
 * over. Taking a lock this process already holds returns a handle whose release does nothing (the outer holder
 * releases it). Throws a one-line UserError when another live process holds it or the folder is not writable.
 */
export function lockRunDir(dir: string, note: (line: string) => void = () => {}): RunLock {
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ').slice(0, 500) };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot lock the run folder '${dir}': ${describeFsError(error)}`);
      const held = readLock(path);
      if (held && held.pid === process.pid && held.host === mine.host) return { path, release: () => {} };
      if (held && (held.host !== mine.host || processAlive(held.pid))) {
        const where = held.host === mine.host ? '' : ` on ${held.host}`;
        throw new UserError(
          `'${dir}' is in use by another training (process ${held.pid}${where}, started ${held.started}): wait for it to end or use another --checkpoint folder (if no training runs there, delete ${path})`,
        );
      }
      if (!held && Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) < UNREADABLE_STALE_MS) {
        throw new UserError(`'${dir}' is being locked by another training that is just starting (${path}): wait for it to end or use another --checkpoint folder`);
      }
      if (takeOverStale(path, held)) note(`taking over the stale lock of ${dir}: ${held ? `process ${held.pid} (started ${held.started}) no longer runs` : 'its lock file was empty'}`);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(mine)}\n`);
    } finally {
      closeSync(fd);
    }
    return { path, release: once(() => releaseIfMine(path)) };
  }
  throw new UserError(`cannot lock the run folder '${dir}': other trainings keep taking it`);
}

/**
 * Removes a stale lock whose content was `seen`, unless another process replaced it meanwhile: the lock is moved
 * aside by a rename (atomic, so one remover wins), and put back if what was moved is not the stale lock.
 */
function takeOverStale(path: string, seen: LockInfo | undefined): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // another process removed or replaced it first: try again from the start
  }
  const moved = readLock(aside);
  if (JSON.stringify(moved) !== JSON.stringify(seen)) {
    // A fresh lock of another process was moved: put it back where it was (unless yet another lock is there).
    try {
      if (!existsSync(path)) linkSync(aside, path);
    } catch {
      // Put back by nobody: the other process will find its lock gone only when it releases it, harmlessly.
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

function releaseIfMine(path: string): void {
  const held = readLock(path);
  if (held && held.pid === process.pid && held.host === hostname()) rmSync(path, { force: true });
}

function once(f: () => void): () => void {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    process.removeListener('exit', run);
    f();
  };
  process.on('exit', run);
  return run;
}
