// Shared helpers of the backend tests: seeded random tensors and an elementwise closeness check with a
// relative-plus-absolute tolerance (tfjs' expectArraysClose uses the same form).
import { expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { RandomStream } from '../../stdlib/random.js';
import { loadNativeAddon, type SgmNative } from '../../runtime/backend/native-addon.js';

/** A seeded standard-normal tensor. */
export function randn(shape: number[], seed: number): tf.Tensor {
  return new RandomStream(seed).normal(shape);
}

/** |a - b| <= atol + rtol |b| elementwise, with the worst index in the failure message. */
export function expectClose(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>, rtol = 1e-5, atol = 1e-5): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const b = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  expect(a.length).toBe(b.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  const where = worst === -1 ? 'all close' : `index ${worst}: ${a[worst]} vs ${b[worst]}`;
  expect(where, where).toBe('all close');
}

/**
 * The native addon (native/), loaded once per test file, or why it is absent. SGM_NATIVE=0 makes initBackend
 * ignore a built addon, so the tests treat it as absent too.
 */
export const nativeAddon: ReturnType<typeof loadNativeAddon> =
  process.env.SGM_NATIVE === '0' ? { reason: 'off (SGM_NATIVE=0)' } : loadNativeAddon();

/**
 * A test that needs the native addon, given the addon: skipped where the addon is absent (not built here, or
 * built for another Node), printing which test and why, so a skip is never silent. Everything else in
 * test/backend runs either way.
 */
export function itWithAddon(name: string, fn: (addon: SgmNative) => void | Promise<void>): void {
  const loaded = nativeAddon;
  if (!('addon' in loaded)) console.warn(`skipped "${name}": it needs the native addon, which is absent (${loaded.reason})`);
  it.skipIf(!('addon' in loaded))(name, () => ('addon' in loaded ? fn(loaded.addon) : undefined));
}

/** For `it.skipIf(...)` on a test of the fallback without the addon: true when the addon is built (on disk). */
export function skipWithAddon(test: string): boolean {
  if (!('addon' in loadNativeAddon())) return false;
  console.warn(`skipped "${test}": it checks the fallback without the native addon, which is built here`);
  return true;
}

/** Deterministic values in [-1, 1) (a 32-bit LCG), every 11th exactly zero. */
export function lcgValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 11 === 0 ? 0 : s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * The addon and why a test of its AVX-512 GEMM must skip here (null: it can run): no addon, an addon older than
 * gemmKernel (or than the other bindings in `needs`), or a CPU without AVX-512. Leaves the GEMM selection as found.
 */
export function avx512GemmAddon(needs: ReadonlyArray<keyof SgmNative> = []): { addon: SgmNative | null; initial: ReturnType<NonNullable<SgmNative['gemmKernel']>> | undefined; skipReason: string | null } {
  const addon: SgmNative | null = 'addon' in nativeAddon ? nativeAddon.addon : null;
  const initial = addon?.gemmKernel?.();
  const missing = ['gemmKernel' as const, ...needs].filter((k) => addon !== null && addon[k] === undefined);
  const skipReason =
    addon === null
      ? `the native addon is absent (${'reason' in nativeAddon ? nativeAddon.reason : ''})`
      : missing.length > 0
        ? `the addon predates ${missing.join(' and ')} (rebuild it: node native/build.mjs)`
        : addon.gemmKernel!('avx512') !== 'avx512'
          ? 'this CPU lacks AVX-512'
          : null;
  if (initial !== undefined) addon?.gemmKernel?.(initial);
  return { addon, initial, skipReason };
}

