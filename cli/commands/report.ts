/** `sgm report RUN_DIR [-o report.html]`: a self-contained HTML report of a training run. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isUserError } from '../../runtime/errors.js';
import { buildReport } from '../../runtime/report/build-report.js';
import { renderReportPage } from '../../web/report-page.js';
import { drawFromModel, type ModelDraws } from '../../runtime/report/model-draws.js';
import { readRun, type Run } from '../../runtime/report/run-dir.js';
import { EXIT, type Io } from '../io.js';
import { loadModel } from '../load-model.js';
import { SGM_VERSION } from '../version.js';
import { writeFileAtomic } from '../../runtime/checkpoint/write.js';
import { startBackend } from '../backend.js';
import { finiteNumber } from '../options.js';

interface ReportFlags {
  output?: string;
  seed?: number;
  draws: boolean;
  backend?: string;
}

/** Registers the command. */
export function registerReport(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('report')
    .description('write an HTML report of a training run: curves, KL per latent, schedules, relaxed vs discrete samples, image grids, the plan')
    .argument('<run-dir>', 'the run directory of `sgm train --checkpoint DIR`')
    .option('-o, --output <path>', 'where to write the page (default <run-dir>/report.html)')
    .option('--seed <n>', 'seed of the draws from the trained model (default 0)', finiteNumber('--seed'))
    .option('--no-draws', 'only what the log holds: do not load the model and its checkpoint')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu, for the draws')
    .addHelpText(
      'after',
      `
The page is one file with no script and no network: charts are SVG (Vega-Lite, made in Node) and image grids
are PNG. From the log (train.jsonl): the objective on training and held-out data, log-likelihood terms, KL per
latent, schedules (τ, ...) and the gradient norm. From the model (model.sgm recompiled with the run's overrides,
the checkpoint's weights, the run's held-out data): relaxed samples against their discrete values and their
distance to the nearest vertex; for image data ([B, 784] = 28×28) with a Bernoulli likelihood, reconstructions
and samples. What cannot be drawn is skipped with a note saying why. Finally the estimator plan and the source.

Examples:
  sgm train models/igr_vae.sgm --data mnist-binarized --steps 3000 --checkpoint runs/igr
  sgm report runs/igr                      # writes runs/igr/report.html
  sgm report runs/igr -o igr-report.html --no-draws`,
    )
    .action(async (dir: string, f: ReportFlags) => {
      const run = readRun(resolve(io.cwd, dir));
      const { draws, drawNote } = f.draws ? await draw(io, run, f) : { draws: undefined, drawNote: 'nothing was drawn from the model (--no-draws)' };
      const report = await buildReport(run, { ...(draws ? { draws } : {}), ...(drawNote ? { drawNote } : {}), generatedBy: `sgm ${SGM_VERSION} report`, runLabel: dir });
      const out = resolve(io.cwd, f.output ?? join(dir, 'report.html'));
      writeFileAtomic(out, renderReportPage(report.content));
      io.stdout(`wrote ${out} (${report.figures.length} figures${report.notes.length > 0 ? `; ${report.notes.length} notes on what was skipped` : ''})\n`);
      done(EXIT.ok);
    });
}

/** Draws from the run's model, or says why it cannot (no checkpoint, no model.sgm, it no longer compiles or fits). */
async function draw(io: Io, run: Run, f: ReportFlags): Promise<{ draws?: ModelDraws; drawNote?: string }> {
  if (!run.checkpoint) return { drawNote: 'the run has no checkpoint, so nothing was drawn from the model' };
  if (!run.sourceFile) return { drawNote: 'the run directory has no model.sgm, so nothing was drawn from the model' };
  const loaded = await loadModel(io, run.sourceFile, run.model?.overrides ?? {});
  if (!loaded) return { drawNote: "the run's model.sgm does not compile with this sgm (its errors are printed on stderr)" };
  await startBackend(io, f.backend);
  try {
    return { draws: await drawFromModel(loaded.module, run, { ...(f.seed !== undefined ? { seed: f.seed } : {}), log: (m) => io.stderr(`${m}\n`) }) };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { drawNote: `nothing was drawn from the model: ${error.message}` };
  }
}
