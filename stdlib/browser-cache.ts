/**
 * fit_prior's cache in a page: the memory store (prior-store.ts) mirrored into IndexedDB, so a fitted prior
 * survives a reload. fitPrior is synchronous and IndexedDB is not: `usePriorCacheInIndexedDb` reads every stored
 * entry into memory once (await it before creating a model), and later writes go to IndexedDB in the background.
 * Without IndexedDB (Node, a worker without it, a private window that refuses it) the memory store stays as it is.
 */
import { memoryPriorStore, setPriorStoreFactory } from './prior-store.js';

const STORE = 'priors';

/** Minimal IndexedDB types used here (lib.dom has them; kept local so the stdlib does not need DOM types). */
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): IdbObjectStore };
}
interface IdbObjectStore {
  put(value: string, key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<string[]>;
  getAllKeys(): IdbRequest<string[]>;
}
interface IdbFactory {
  open(name: string, version: number): IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
}

function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Loads the fitted priors stored in IndexedDB database `name` into memory and mirrors new fits there.
 * Resolves to the number of entries loaded, or to undefined when the page has no usable IndexedDB.
 */
export async function usePriorCacheInIndexedDb(name = 'sgm-cache'): Promise<number | undefined> {
  const idb = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  // Without IndexedDB (Node, some workers) the installed store is left alone: in Node it is the file store.
  if (!idb) return undefined;
  setPriorStoreFactory(() => memoryPriorStore);
  try {
    const open = idb.open(name, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
    };
    const db = await done(open);
    const store = db.transaction(STORE, 'readonly').objectStore(STORE);
    const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
    keys.forEach((key, i) => memoryPriorStore.entries.set(key, values[i]));
    memoryPriorStore.onWrite = (entry, text) => {
      // Fire and forget: the fit is already in memory; a failed mirror only costs a refit after a reload.
      void done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(text, entry)).catch(() => undefined);
    };
    return keys.length;
  } catch {
    return undefined;
  }
}
