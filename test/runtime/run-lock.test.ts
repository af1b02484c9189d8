// The run-folder lock (runtime/checkpoint/lock.ts): one training per run folder. Unit checks of the lock file
// (pid inside, re-entrant in one process, released, a live holder refused by name, a stale one taken over with a
// note), then two concurrent `sgm train` processes of the built CLI on one folder: the second stops with one
// line naming the first, exit 1; the first completes, and its JSONL log is whole.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockRunDir, processAlive } from '../../runtime/checkpoint/lock.js';
import { UserError } from '../../runtime/errors.js';
import { packageRoot } from '../../runtime/package-root.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sgm-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The pid of a process that has exited (so no longer runs). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(processAlive(pid)).toBe(false);
  return pid;
}

describe('lockRunDir', () => {
  it('writes the pid into the lock file, is re-entrant within the process, and release removes it', () => {
    const dir = tempDir();
    const lock = lockRunDir(dir);
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
    expect(info).toMatchObject({ pid: process.pid, host: hostname() });
    const inner = lockRunDir(dir);
    inner.release();
    expect(existsSync(join(dir, LOCK_FILE)), 'the inner handle leaves the outer lock').toBe(true);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock.release();
  });

  it('refuses a folder locked by a live process, in one line naming it', () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), started: '2026-01-02T03:04:05Z' }));
      let error: unknown;
      try {
        lockRunDir(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const message = (error as Error).message;
      expect(message).toContain(`process ${holder.pid}`);
      expect(message).toContain(dir);
      expect(message.split('\n')).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, 'the holder keeps its lock').toBe(holder.pid);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('refuses a lock of another host (its process cannot be checked from here)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, started: 'x' }));
    expect(() => lockRunDir(dir)).toThrow(/on not-/);
  });

  it('takes over a stale lock (its process no longer runs) with a note', () => {
    const dir = tempDir();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), started: 'earlier' }));
    const notes: string[] = [];
    const lock = lockRunDir(dir, (l) => notes.push(l));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`process ${pid}`);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('waits out an unreadable lock while it is fresh (its writer may be starting) and takes it over when old', () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '');
    expect(() => lockRunDir(dir)).toThrow(/just starting/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const notes: string[] = [];
    lockRunDir(dir, (l) => notes.push(l)).release();
    expect(notes[0]).toMatch(/empty/);
  });
});

describe('two `sgm train` on one run folder', () => {
  const root = packageRoot();
  const cli = join(root, 'dist/cli/sgm.js');
  const args = (dir: string, steps: number): string[] => [
    cli, 'train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=500', '--steps', String(steps),
    '--batch', '50', '--lr', '0.05', '--backend', 'cpu', '--checkpoint', dir, '--checkpoint-every', '50', '--log-every', '1',
  ];

  it('the second refuses in one line naming the first; the first completes with its log whole', async () => {
    expect(existsSync(cli), 'dist/ is missing: run `npm run build` (npm ci does it)').toBe(true);
    const dir = tempDir();
    const steps = 1000;
    const first = spawn(process.execPath, args(dir, steps), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
    const firstDone = new Promise<number | null>((r) => first.on('close', r));
    // Start the second once the first holds the lock and has trained a few steps.
    const deadline = Date.now() + 60_000;
    while (!(existsSync(join(dir, 'train.jsonl')) && readFileSync(join(dir, 'train.jsonl'), 'utf8').split('\n').length > 5)) {
      if (Date.now() > deadline || first.exitCode !== null) throw new Error(`the first training did not start: ${firstErr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = spawnSync(process.execPath, args(dir, steps), { cwd: root, encoding: 'utf8' });
    const stillRunning = first.exitCode === null;
    expect(second.status, second.stderr).toBe(1);
    const errorLines = second.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errorLines, second.stderr).toHaveLength(1);
    expect(errorLines[0]).toContain(`process ${first.pid}`);
    expect(stillRunning, 'the first training was still running when the second was refused').toBe(true);

    expect(await firstDone, firstErr).toBe(0);
    const records = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; status?: string });
    expect(records[0].type).toBe('start');
    expect(records.filter((r) => r.type === 'start' || r.type === 'resume')).toHaveLength(1);
    expect(records.at(-1)).toMatchObject({ type: 'end', step: steps, status: 'completed' });
    const trainSteps = records.filter((r) => r.type === 'train').map((r) => r.step);
    expect(trainSteps).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    expect(existsSync(join(dir, LOCK_FILE)), 'the lock is released at the end').toBe(false);
  }, 180_000);
});
