/**
 * sgm's per-user cache folder, which holds the compiled-model cache (`models/`) and the fitted-prior cache
 * (`priors/`): $SGM_CACHE_DIR when set; else the platform's cache folder: `$XDG_CACHE_HOME/sgm` (an absolute
 * XDG_CACHE_HOME only, as the XDG Base Directory specification says) or `~/.cache/sgm` on Linux and other Unixes,
 * `~/Library/Caches/sgm` on macOS, `%LOCALAPPDATA%\sgm\Cache` on Windows. Never inside the package: an
 * installed package may be read-only or shared by several users.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The cache root for this user and environment (not created here). */
export function sgmCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.SGM_CACHE_DIR) return resolve(env.SGM_CACHE_DIR);
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'sgm', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'sgm');
  const xdg = env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? join(xdg, 'sgm') : join(home, '.cache', 'sgm');
}
