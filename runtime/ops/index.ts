/** Tensor operations generated code calls that tfjs does not provide in the language's form. */
export { sumToBatch } from './reduce.js';
export { stopGradient } from './stop-gradient.js';
export { matmulLast } from './matmul.js';
export { planarFlowVariables } from './planar-flow-variables.js';
export { truncatedPmfOf } from './truncated-pmf-of.js';
export { requireData, requireDim } from './require-data.js';
export { select, type AxisSelection, type OneHotIndex } from './select.js';
