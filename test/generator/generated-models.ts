/**
 * The body shared by the generated-models CI test files: `count` models from one seed through check, compile,
 * type-check and two training steps; no defect (internal error, uncoded diagnostic, invalid module, NaN/Inf in
 * the first steps, run-time user error after a clean check) and every rejection a coded diagnostic. The 300
 * models are split over three files so vitest runs them in parallel forks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { CATALOG } from '../../compiler/diagnostics/catalog.js';
import { modelArbitrary } from './model-arb.js';
import { defaultModuleDir, DEFECTS, ModelRunner, type Outcome } from './run-model.js';

export function generatedModelsTest(seed: number, count: number): void {
  it(`${count} generated models (seed ${seed}): no internal error, no NaN in 2 steps, every rejection coded`, async () => {
    const models = fc.sample(modelArbitrary(), { seed, numRuns: count });
    const runner = new ModelRunner({ moduleDir: defaultModuleDir(`ci-${seed}`), cacheDir: mkdtempSync(join(tmpdir(), 'sgm-gen-priors-')) });
    const outcomes = await runner.runAll(models);
    const defects = outcomes.flatMap((o, i) => (DEFECTS.has(o.kind) ? [`${o.kind} at ${o.stage}: ${o.message}\n${models[i].text}`] : []));
    expect(defects).toEqual([]);
    const rejected = outcomes.filter((o): o is Outcome & { codes: string[] } => o.kind === 'rejected');
    for (const o of rejected) {
      expect(o.codes.length).toBeGreaterThan(0);
      for (const c of o.codes) expect(c in CATALOG, c).toBe(true);
    }
    // The generator aims at valid models: most of them must get through to training.
    const ok = outcomes.filter((o) => o.kind === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(Math.ceil(0.8 * count));
  }, 900_000);
}
