/** `sgm compare FILE`: every applicable gradient estimator of each latent, measured against a reference (runtime/compare/). */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../runtime/checkpoint/write.js';
import { compareEstimators } from '../../runtime/compare/compare.js';
import { compareChart, formatCompare } from '../../runtime/compare/report.js';
import { renderSvg } from '../../runtime/report/vega-svg.js';
import { startBackend } from '../backend.js';
import { EXIT, type Io } from '../io.js';
import { compileFile } from '../load-model.js';
import { readModelFile } from '../front-end.js';
import { collectSet, defined, finiteNumber, positiveInt, wholeNumber } from '../options.js';
import { runOverrides } from '../run-folder.js';

interface CompareFlags {
  data?: string;
  checkpoint?: string;
  estimators?: string;
  node?: string[];
  draws: number;
  referenceDraws?: number;
  batch: number;
  seed: number;
  warmup: number;
  json?: string;
  figure?: string;
  backend?: string;
  set?: Record<string, number>;
}

/** Registers the command. */
export function registerCompare(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('compare')
    .description("measure every applicable gradient estimator of each latent at fixed parameters: mean, variance, bias against an exact or high-draw reference, MSE and time per gradient")
    .argument('<file>', 'the .sgm model')
    .option('--data <spec>', "dataset (as for sgm train; default with --checkpoint: the run's); its first --batch rows are the measurement batch (a model without data needs none)")
    .option('--checkpoint <dir>', 'run directory or checkpoint whose parameters are measured (default: the initial parameters of --seed)')
    .option('--estimators <list>', 'comma-separated: auto, pathwise, reinforce, reinforce(baseline=loo,samples=4), enumerate, straight_through, or a relaxation by name (gengs, igr_i, ...); default: auto and every applicable one')
    .option('--node <name>', 'compare only this latent (repeatable; default: every sampled latent)', (v: string, prev?: string[]) => [...(prev ?? []), v])
    .option('--draws <n>', 'independent gradient draws per estimator', positiveInt('--draws'), 200)
    .option('--reference-draws <n>', 'draws of a stochastic reference (default: --draws)', positiveInt('--reference-draws'))
    .option('--batch <n>', 'rows of the measurement batch', positiveInt('--batch'), 100)
    .option('--seed <n>', 'seed of the initial parameters and of the draws', finiteNumber('--seed'), 0)
    .option('--warmup <n>', 'objective evaluations warming up EMA baselines before measuring', wholeNumber('--warmup'), 20)
    .option('--json <file>', "write the measurements as JSON (format sgm-compare/1); '-' prints them on stdout instead of the table (default with a run directory: RUN/compare.json)")
    .option('--figure <file>', 'write the figure as SVG (default with a run directory: RUN/compare.svg)')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--set <name=value>', "override a hyperparameter (repeatable; default: the run's overrides)", collectSet)
    .addHelpText(
      'after',
      [
        '',
        'The gradient is taken w.r.t. the trainable parameters that feed the latent; variance is the trace of its covariance;',
        'bias is against enumeration when it applies, else against a high-draw unbiased estimate (its error included).',
        '',
        'Examples:',
        '  sgm compare models/gengs_poisson.sgm --data "synthetic:poisson?rate=20"',
        '  sgm compare test/cases/good/enumerate_joint.sgm --estimators auto,reinforce --json out.json',
        '  sgm compare models/sbn_reinforce.sgm --data mnist-binarized --checkpoint runs/sbn --draws 50',
        '',
      ].join('\n'),
    )
    .action(async (file: string, f: CompareFlags) => {
      const checkpoint = f.checkpoint === undefined ? undefined : resolve(io.cwd, f.checkpoint);
      const hyper = f.set ?? (checkpoint ? runOverrides(checkpoint) : {});
      // Compile once here so the model's diagnostics print as `sgm check` prints them.
      if (!compileFile(io, file, hyper).ok) return done(EXIT.userError);
      await startBackend(io, f.backend);
      const report = await compareEstimators({
        source: readModelFile(io, file),
        path: file,
        hyper,
        ...defined({ data: f.data, checkpoint, estimators: f.estimators, nodes: f.node, referenceDraws: f.referenceDraws }),
        draws: Math.max(2, f.draws),
        batchSize: f.batch,
        seed: f.seed,
        warmup: f.warmup,
        log: (line) => io.stderr(`${line}\n`),
      });
      const runDir = checkpoint !== undefined && isDirectory(checkpoint) ? checkpoint : undefined;
      const json = f.json ?? (runDir ? join(runDir, 'compare.json') : undefined);
      const figure = f.figure ?? (runDir ? join(runDir, 'compare.svg') : undefined);
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (json === '-') io.stdout(text);
      else io.stdout(formatCompare(report));
      if (json !== undefined && json !== '-') {
        writeFileAtomic(resolve(io.cwd, json), text);
        io.stderr(`wrote ${json}\n`);
      }
      if (figure !== undefined) {
        writeFileAtomic(resolve(io.cwd, figure), await renderSvg(compareChart(report)));
        io.stderr(`wrote ${figure}\n`);
      }
      done(EXIT.ok);
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
