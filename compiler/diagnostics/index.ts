/** Diagnostics: spans, the coded catalog, construction and printing. */
export * from './source.js';
export * from './catalog.js';
export * from './diagnostic.js';
export * from './make.js';
export * from './printer.js';
export * from './suggest.js';
