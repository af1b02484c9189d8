// sgm installed for a user: its caches live in the user's cache folder, never in the package, so `sgm train` works
// from a package folder the user cannot write; environment faults (an unwritable cache, permission denied, a
// read-only or full disk) are one-line user errors with exit code 1, never "a bug in sgm".
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor, formatError } from '../../runtime/errors.js';
import { packageRoot } from '../../runtime/package-root.js';
import { sgm } from './run-cli.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sgm-user-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const trainArgs = (run: string): string[] => [
  'train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=200', '--steps', '20', '--batch', '20', '--lr', '0.05', '--backend', 'cpu', '--checkpoint', run,
];

describe('environment faults', () => {
  it('an unwritable model cache is one line naming the folder and SGM_CACHE_DIR, exit 1', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'a-file'), '');
    const saved = process.env.SGM_CACHE_DIR;
    process.env.SGM_CACHE_DIR = join(root, 'a-file', 'cache');
    try {
      const r = await sgm(trainArgs(join(root, 'run')));
      expect(r.code, r.stderr).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toEqual([`error: cannot write sgm's model cache '${join(root, 'a-file', 'cache', 'models')}': a parent of it is not a directory; set SGM_CACHE_DIR to a writable folder`]);
      expect(r.stderr).not.toMatch(/internal error|bug in sgm/);
    } finally {
      if (saved === undefined) delete process.env.SGM_CACHE_DIR;
      else process.env.SGM_CACHE_DIR = saved;
    }
  });

  it('permission denied, read-only and full file systems are user errors (exit 1, one line naming the path)', () => {
    const fault = (code: string, syscall: string, path: string): NodeJS.ErrnoException =>
      Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path });
    expect(formatError(fault('EACCES', 'mkdir', '/usr/lib/x'))).toBe("error: cannot mkdir '/usr/lib/x': permission denied");
    expect(formatError(fault('EROFS', 'open', '/ro/f'))).toBe("error: cannot open '/ro/f': read-only file system");
    expect(formatError(fault('ENOSPC', 'write', '/full/log'))).toBe("error: cannot write '/full/log': no space left on device");
    expect(formatError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }))).toBe('error: write failed: no space left on device');
    for (const code of ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']) expect(exitCodeFor(fault(code, 'open', '/p'))).toBe(1);
    // Anything else is still a bug: exit 2 with the stack.
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(2);
    expect(exitCodeFor(fault('EINVAL', 'open', '/p'))).toBe(2);
  });
});

/** Whether this test can run a command as the unprivileged user `nobody` (as root, with setpriv). */
function canRunAsNobody(): boolean {
  const ok = process.getuid?.() === 0 && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('id', ['nobody'], { stdio: 'ignore' }).status === 0;
  if (!ok) console.warn('skipped "sgm train as a user who cannot write the package folder": needs root, setpriv and a user `nobody` to switch to');
  return ok;
}

describe('a package folder the user cannot write', () => {
  it.skipIf(!canRunAsNobody())('sgm train as a user who cannot write the package folder: caches go to $HOME/.cache/sgm', () => {
    const root = packageRoot();
    const home = tempDir();
    const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    const uid = Number(nobody.stdout.trim());
    chownSync(home, uid, -1);
    const before = readdirSync(root).sort();
    const { SGM_CACHE_DIR: _cache, XDG_CACHE_HOME: _xdg, ...env } = process.env;
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, join(root, 'dist/cli/sgm.js'), ...trainArgs(join(home, 'run'))], {
      cwd: root,
      env: { ...env, HOME: home },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(home, '.cache', 'sgm', 'models')).some((f) => f.startsWith('gengs_poisson-'))).toBe(true);
    expect(existsSync(join(home, 'run', 'checkpoint', 'checkpoint.json'))).toBe(true);
    expect(readdirSync(root).sort(), 'nothing new in the package folder').toEqual(before);
  });
});
