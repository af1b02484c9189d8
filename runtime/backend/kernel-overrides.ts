/**
 * Replacing a backend's kernel with a wrapper, reversibly. tfjs keeps one kernel registry keyed by
 * (kernel, backend); sgm's speed fixes (explicit transposes, native BLAS kernels) replace entries in it and keep
 * the stock entry so the wrapper can delegate to it and so tests can compare against it.
 */
import { tf } from '../../stdlib/tf.js';

const originals = new Map<string, tf.KernelConfig>();
const key = (kernelName: string, backendName: string): string => `${backendName}/${kernelName}`;

/** The kernel tfjs registered for (kernelName, backendName) before any sgm override, or undefined. */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return originals.get(key(kernelName, backendName)) ?? tf.getKernel(kernelName, backendName);
}

/**
 * Registers `wrap(stock)` in place of the stock kernel (re-wrapping the stock one if an override is already
 * installed). Returns false, changing nothing, when the backend has no such kernel.
 */
export function overrideKernel(
  kernelName: string,
  backendName: string,
  wrap: (stock: tf.KernelConfig) => tf.KernelConfig,
): boolean {
  const stock = stockKernel(kernelName, backendName);
  if (stock === undefined) return false;
  originals.set(key(kernelName, backendName), stock);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...wrap(stock), kernelName, backendName });
  return true;
}

/** Puts the stock kernel back; a no-op when it was not overridden. */
export function restoreKernel(kernelName: string, backendName: string): void {
  const stock = originals.get(key(kernelName, backendName));
  if (stock === undefined) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(stock);
  originals.delete(key(kernelName, backendName));
}

/** Puts back every stock kernel of `backendName` that an override replaced. */
export function restoreAllKernels(backendName: string): void {
  for (const k of [...originals.keys()]) {
    const [backend, kernel] = k.split('/');
    if (backend === backendName) restoreKernel(kernel, backendName);
  }
}

/** Names ("backend/kernel") of the kernels currently overridden. */
export function overriddenKernels(): string[] {
  return [...originals.keys()];
}
