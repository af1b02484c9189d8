/** Locates the sgm package root; the function lives in stdlib/ (the lowest layer that needs it). */
export { packageRoot } from '../stdlib/package-root.js';
