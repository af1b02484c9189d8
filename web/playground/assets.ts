/**
 * What `npm run build:playground` (scripts/build-playground.ts) bundles into the page as constants: the example
 * models of models/, a subset of binarized MNIST packed at one bit per pixel, and the graph page's script.
 */
import type { PackedDigits } from './data.js';

declare const __SGM_MODELS__: Readonly<Record<string, string>>;
declare const __SGM_DIGITS__: PackedDigits;
declare const __SGM_GRAPH_SCRIPT__: string;

export const MODELS = __SGM_MODELS__;
export const DIGITS = __SGM_DIGITS__;
export const GRAPH_SCRIPT = __SGM_GRAPH_SCRIPT__;
