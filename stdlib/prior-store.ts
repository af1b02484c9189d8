/**
 * Where fitPrior (fit-prior.ts) keeps its fitted priors: a `PriorStore` of named JSON texts, chosen by the entry
 * point that loaded sgm. Imports nothing from Node, so the stdlib runs in a page:
 * - Node (stdlib/index.ts) installs the file store of stdlib/node/prior-file-store.ts (sgm's per-user cache);
 * - a page (stdlib/browser.ts) keeps the memory store below, which `usePriorCacheInIndexedDb` (browser-cache.ts)
 *   backs with IndexedDB;
 * - anything else (a worker, a test importing fit-prior.ts alone) gets the memory store.
 */

/** A cache of fitted priors: JSON texts by entry name. */
export interface PriorStore {
  /** Where the entries live, for messages ("/home/me/.cache/sgm/priors", "memory"). */
  readonly where: string;
  /** The entry's text, or undefined when absent. */
  read(name: string): string | undefined;
  /** Stores the entry; throws (with an error `code` when there is one) when it cannot. */
  write(name: string, text: string): void;
}

/** Makes the store for a fit, given `FitPriorOptions.cacheDir` (meaningful to a file store only). */
export type PriorStoreFactory = (cacheDir: string | undefined) => PriorStore;

/** The in-memory store: entries live as long as the page or process. */
export class MemoryPriorStore implements PriorStore {
  readonly where = 'memory';
  readonly entries = new Map<string, string>();
  /** Called after every write (the IndexedDB mirror listens here). */
  onWrite: ((name: string, text: string) => void) | undefined;
  read(name: string): string | undefined {
    return this.entries.get(name);
  }
  write(name: string, text: string): void {
    this.entries.set(name, text);
    this.onWrite?.(name, text);
  }
}

/** The process-wide memory store (also the default). */
export const memoryPriorStore = new MemoryPriorStore();

let factory: PriorStoreFactory = () => memoryPriorStore;

/** Installs the store fitPrior uses from now on (the entry points call this once). */
export function setPriorStoreFactory(next: PriorStoreFactory): void {
  factory = next;
}

/** The store for one fit. */
export function priorStore(cacheDir: string | undefined): PriorStore {
  return factory(cacheDir);
}

/**
 * A 64-bit FNV-1a digest of the key text as 16 hex digits (two 32-bit halves with different offsets; pure JS,
 * no node:crypto). Names entries only: a reader compares the full key, so a collision costs a refit, never a
 * wrong prior.
 */
export function keyDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
