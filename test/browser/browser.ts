/**
 * Headless Chromium for the browser tests, driven by playwright-core, one browser per test file with a fresh
 * profile directory, removed on close. Which Chromium (`chromiumLaunch`): $SGM_CHROMIUM when it names a binary;
 * else the system's (/usr/bin/chromium, e.g. Debian's `chromium` package) when installed; else the one shipped in
 * the `@sparticuz/chromium` npm package (a devDependency: `npm ci` is enough, no apt). SGM_CHROMIUM=npm forces the
 * npm one even where a system Chromium is installed.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { packageRoot } from '../../runtime/package-root.js';

/** Flags for a quiet, offline, GPU-less headless Chromium (WebGL falls back to SwiftShader). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** The window size pages are opened at (and screenshots taken at). */
export const VIEWPORT = { width: 1400, height: 850 } as const;

/** The system Chromium binaries looked for, in order. */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** A Chromium binary and the flags to start it with. */
export interface ChromiumLaunch {
  readonly executablePath: string;
  readonly args: readonly string[];
  /** Where it came from, for messages: 'SGM_CHROMIUM', 'system' or 'npm (@sparticuz/chromium)'. */
  readonly source: string;
}

/** The Chromium to use (see the module comment). */
export async function chromiumLaunch(): Promise<ChromiumLaunch> {
  const requested = process.env.SGM_CHROMIUM;
  if (requested && requested !== 'npm') {
    if (!existsSync(requested)) throw new Error(`SGM_CHROMIUM=${requested}: no such file (unset it to use the system or the npm Chromium, or set it to 'npm')`);
    return { executablePath: requested, args: CHROMIUM_ARGS, source: 'SGM_CHROMIUM' };
  }
  const system = requested === 'npm' ? undefined : SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { executablePath: system, args: CHROMIUM_ARGS, source: 'system' };
  return npmChromium();
}

/**
 * The Chromium of `@sparticuz/chromium`: `executablePath()` unpacks the compressed binary, fonts and SwiftShader
 * into the temporary folder once per machine. Test files run in parallel processes, so the first unpacks under
 * a lock file and the others wait for it (an unpacking cut short would leave a truncated binary behind).
 * Its flags are the package's own (headless shell, SwiftShader WebGL, single process) plus sgm's quiet ones,
 * without --disable-gpu, which would turn off the SwiftShader WebGL the package sets up.
 */
async function npmChromium(): Promise<ChromiumLaunch> {
  const { default: packaged } = await import('@sparticuz/chromium');
  const lock = join(tmpdir(), 'sgm-chromium-unpack.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than the deadline is left over from a killed process: take it over.
      if (Date.now() > deadline || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000) {
        rmSync(lock, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  let executablePath: string;
  try {
    executablePath = await packaged.executablePath();
  } finally {
    rmSync(lock, { force: true });
  }
  const args = [...packaged.args, ...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu' && !packaged.args.includes(a))];
  return { executablePath, args, source: 'npm (@sparticuz/chromium)' };
}

/** A launched browser. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new page (tab) at the test viewport size. */
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile directory. */
export async function launchBrowser(): Promise<TestBrowser> {
  const launch = await chromiumLaunch();
  const profile = mkdtempSync(join(tmpdir(), 'sgm-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: launch.executablePath,
      headless: true,
      args: [...launch.args],
      viewport: VIEWPORT,
      timeout: 60_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`the ${launch.source} Chromium (${launch.executablePath}) did not start: ${(e as Error).message}`);
  }
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did: errors it reported, and every URL it requested. */
export interface PageWatch {
  readonly errors: string[];
  readonly requests: string[];
}

/** Records a page's console errors, uncaught exceptions and requests (from now on). */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(`page: ${e.message}`));
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('requestfailed', (r) => watch.errors.push(`request failed: ${r.url()}`));
  return watch;
}

/** The requests that went anywhere but the page itself (data: URIs stay in the page). */
export function foreignRequests(watch: PageWatch, pageUrl: string): string[] {
  return watch.requests.filter((u) => u !== pageUrl && !u.startsWith('data:'));
}

/** Where a test saves a screenshot (test/out/screenshots/<name>.png, a gitignored artifact folder). */
export function screenshotPath(name: string): string {
  const dir = join(packageRoot(), 'test', 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
