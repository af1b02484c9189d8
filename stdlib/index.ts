/**
 * sgm/stdlib, Node entry (package.json `exports` condition `node`): everything of the browser-safe entry
 * (browser.ts), with fitted priors cached on disk in sgm's per-user cache (node/prior-file-store.ts).
 * See docs/stdlib.md.
 */
export * from './browser.js';
export { priorCacheDir, filePriorStore } from './node/prior-file-store.js';
