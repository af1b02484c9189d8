/** The model graph: construction and exports. */
export * from './model-graph.js';
export * from './build.js';
export * from './export.js';
export * from './annotate.js';
export * from './feeding-parameters.js';
