/** The declarative signature table of every distribution and built-in function (no tfjs import). */
export * from './types.js';
export * from './distributions.js';
export * from './functions.js';
export * from './support.js';
export * from './family-facts.js';
