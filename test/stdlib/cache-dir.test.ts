// sgm's per-user cache folder (stdlib/cache-dir.ts) on each platform, with and without the variables that move it.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgmCacheDir } from '../../stdlib/cache-dir.js';

describe('sgmCacheDir', () => {
  const home = '/home/ada';
  it('is $SGM_CACHE_DIR when set (made absolute), on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(sgmCacheDir({ SGM_CACHE_DIR: '/srv/sgm', XDG_CACHE_HOME: '/x' }, platform, home)).toBe(resolve('/srv/sgm'));
    }
    expect(sgmCacheDir({ SGM_CACHE_DIR: 'rel/cache' }, 'linux', home)).toBe(resolve('rel/cache'));
  });

  it('is $XDG_CACHE_HOME/sgm on Linux when that is absolute, else ~/.cache/sgm', () => {
    expect(sgmCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', home)).toBe(join('/var/cache/ada', 'sgm'));
    expect(sgmCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home)).toBe(join(home, '.cache', 'sgm'));
    expect(sgmCacheDir({}, 'linux', home)).toBe(join(home, '.cache', 'sgm'));
    expect(sgmCacheDir({ SGM_CACHE_DIR: '' }, 'freebsd', home)).toBe(join(home, '.cache', 'sgm'));
  });

  it('is the platform cache folder on macOS and Windows', () => {
    expect(sgmCacheDir({}, 'darwin', home)).toBe(join(home, 'Library', 'Caches', 'sgm'));
    expect(sgmCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', home)).toBe(join('C:\\Users\\ada\\AppData\\Local', 'sgm', 'Cache'));
  });
});
