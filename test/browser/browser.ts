/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (installed by .ci/run when missing)
 * driven by playwright-core, one browser per test file with a fresh profile directory, removed on close.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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

/** The Chromium binary: $SGM_CHROMIUM, else Debian's. */
export function chromiumExecutable(): string {
  const candidates = [process.env.SGM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')}: install it with \`apt-get install chromium\` (or set SGM_CHROMIUM)`);
  return found;
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
  const profile = mkdtempSync(join(tmpdir(), 'sgm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    timeout: 60_000,
  });
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
