/** `sgm eval FILE --checkpoint DIR`: the papers' statistics of a trained model on held-out data (runtime/commands/eval.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runEval } from '../../runtime/commands/eval.js';
import { UserError } from '../../runtime/errors.js';
import { startBackend } from '../backend.js';
import { EXIT, type Io } from '../io.js';
import { loadModel } from '../load-model.js';
import { choice, collectSet, finiteNumber, positiveInt, wholeNumber } from '../options.js';
import { runOverrides } from '../run-folder.js';

interface EvalFlags {
  checkpoint?: string;
  data?: string;
  samples?: number;
  batches?: number;
  batch?: number;
  seed?: number;
  testFraction?: number;
  recoverySamples?: number;
  rho?: number;
  truncationRule?: string;
  format: string;
  backend?: string;
  set?: Record<string, number>;
}

/** Registers the command. */
export function registerEval(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('eval')
    .description('evaluate a trained model on held-out data: test ELBO, discrete log-likelihood by importance sampling, distance to the simplex vertices, recovered distributions')
    .argument('<file>', 'the .sgm model')
    .option('--checkpoint <dir>', 'run directory (or checkpoint) written by sgm train (required)')
    .option('--data <spec>', "dataset (default: the one the run was trained on); its held-out split is evaluated")
    .option('--samples <n>', 'importance samples per test row (default 1000; 0 skips the log-likelihood)', wholeNumber('--samples'))
    .option('--batches <n>', 'evaluate at most this many test batches', positiveInt('--batches'))
    .option('--batch <n>', 'test batch size (default 100)', positiveInt('--batch'))
    .option('--seed <n>', 'seed of the evaluation draws (default 0)', finiteNumber('--seed'))
    .option('--test-fraction <x>', "held-out fraction; must be the run's (default 0.1)", finiteNumber('--test-fraction'))
    .option('--recovery-samples <n>', 'Monte Carlo draws to recover IGR-SB / IGR-Planar posteriors (default 1000)', positiveInt('--recovery-samples'))
    .option('--rho <x>', 'precision ρ for counting the categories IGR-SB uses (default 0.99)', finiteNumber('--rho'))
    .option('--truncation-rule <r>', "what the IGR-SB category count sums: softmax (z, the IGR paper's eq. 19; default) or sticks (w, the authors' code)")
    .option('--format <f>', 'text or json', 'text')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--set <name=value>', "override a hyperparameter (repeatable; default: the run's overrides from its model.json)", collectSet)
    .addHelpText(
      'after',
      '\nExamples:\n  sgm eval models/igr_vae.sgm --checkpoint runs/igr\n  sgm eval models/igr_vae.sgm --checkpoint runs/igr --samples 100 --batches 2 --format json\n',
    )
    .action(async (file: string, f: EvalFlags) => {
      if (f.checkpoint === undefined) throw new UserError('--checkpoint is required: the run directory written by sgm train');
      const format = choice('--format', f.format, ['text', 'json'] as const);
      if (f.rho !== undefined && !(f.rho > 0 && f.rho < 1)) throw new UserError(`--rho must lie in (0, 1), got ${f.rho}`);
      const truncationRule = f.truncationRule === undefined ? undefined : choice('--truncation-rule', f.truncationRule, ['softmax', 'sticks'] as const);
      const checkpoint = resolve(io.cwd, f.checkpoint);
      const loaded = await loadModel(io, file, f.set ?? runOverrides(checkpoint));
      if (!loaded) return done(EXIT.userError);
      await startBackend(io, f.backend);
      const { exitCode } = await runEval(
        loaded.module,
        {
          checkpoint,
          format,
          ...(f.data !== undefined ? { data: f.data } : {}),
          ...(f.samples !== undefined ? { samples: f.samples } : {}),
          ...(f.batches !== undefined ? { batches: f.batches } : {}),
          ...(f.batch !== undefined ? { batchSize: f.batch } : {}),
          ...(f.seed !== undefined ? { seed: f.seed } : {}),
          ...(f.testFraction !== undefined ? { testFraction: f.testFraction } : {}),
          ...(f.recoverySamples !== undefined ? { recoverySamples: f.recoverySamples } : {}),
          ...(f.rho !== undefined ? { rho: f.rho } : {}),
          ...(truncationRule !== undefined ? { truncationRule } : {}),
        },
        io,
      );
      done(exitCode);
    });
}
