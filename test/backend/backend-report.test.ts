// The backend line names the GEMM the native kernels run (AVX-512 by default where the CPU has it, SGM_GEMM), so a
// user comparing runs can tell from it which one ran.
import { afterAll, describe, expect, it } from 'vitest';
import { formatBackendLine, type BackendInfo } from '../../runtime/backend/backend-report.js';
import { currentBackend, describeBackend, initBackend } from '../../runtime/backend/index.js';
import { itWithAddon } from './helpers.js';

const base: BackendInfo = { name: 'wasm', reason: 'first choice', skipped: [], fixes: [], native: { state: 'disabled', reason: 'off' } };
const installed = (gemm?: 'avx512' | 'openblas'): BackendInfo => ({
  ...base,
  native: { state: 'installed', kernels: [], config: '', threads: 2, ...(gemm === undefined ? {} : { gemm }) },
});

describe('backend line', () => {
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('says which GEMM the native kernels run', () => {
    expect(formatBackendLine(installed('avx512'))).toBe('backend: wasm + native kernels (AVX-512 GEMM + OpenBLAS, 2 threads)');
    expect(formatBackendLine(installed('openblas'))).toBe('backend: wasm + native kernels (OpenBLAS, 2 threads)');
    // An addon built before gemmKernel existed runs OpenBLAS.
    expect(formatBackendLine(installed())).toBe('backend: wasm + native kernels (OpenBLAS, 2 threads)');
  });

  itWithAddon('reports the addon\'s GEMM after initBackend', async (addon) => {
    await initBackend('cpu', { native: true });
    const native = currentBackend()?.native;
    expect(native?.state).toBe('installed');
    const kind = addon.gemmKernel?.() ?? 'openblas';
    expect(native?.state === 'installed' ? (native.gemm ?? 'openblas') : null).toBe(kind);
    expect(describeBackend()).toContain(kind === 'avx512' ? '(AVX-512 GEMM + OpenBLAS, ' : '(OpenBLAS, ');
  });
});
