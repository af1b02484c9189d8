/**
 * sgm's neural-network layers for generated code: `dense`, `mlp`, their weight initialisation, and `variablesOf`
 * (the named variable map of ModelInstance.variables). See each file's header for the call the code generator
 * emits.
 */
export { activate, dense, type Activation } from './dense.js';
export { mlp } from './mlp.js';
export { initDense, initLimit, initMlp, ownedVariable, variablesOf, type DenseWeights, type InitOptions, type WeightInit } from './init.js';
