/**
 * Limits of the native addon's bindings that its browser-safe callers (fused-adam.ts, sum-of-squares.ts) need as
 * values: kept apart from native-addon.ts, which loads the addon with Node's require and must not reach a bundle.
 */

/** Most variables per adamInPlace call and most arrays per sumOfSquares call (ADAM_MANY_MAX in sgm_native.c). */
export const NATIVE_MAX_ARRAYS = 256;
