/** Short training runs for the report tests: `sgm train` in-process into a run directory (WASM backend, small batches). */
import { expect } from 'vitest';
import { sgm } from '../cli/run-cli.js';

/** The runs the report tests use: an image VAE with IGR latents, and a flat GenGS model without images. */
export const TINY_RUNS = {
  igr_vae: ['models/igr_vae.sgm', '--data', 'mnist-binarized', '--steps', '30', '--batch', '50', '--eval-every', '15', '--eval-batches', '2', '--log-every', '5'],
  gengs_poisson: ['models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=300', '--steps', '40', '--batch', '50', '--lr', '0.05', '--log-every', '5'],
} as const;

/** Trains one of TINY_RUNS into `dir` (which must not hold a run yet). */
export async function trainTinyRun(name: keyof typeof TINY_RUNS, dir: string): Promise<void> {
  const r = await sgm(['train', ...TINY_RUNS[name], '--backend', 'wasm', '--checkpoint', dir]);
  expect(r.code, r.stderr).toBe(0);
}
