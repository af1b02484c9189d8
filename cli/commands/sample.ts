/** `sgm sample FILE --checkpoint DIR -n N`: ancestral samples from a (trained) model. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runSample } from '../../runtime/commands/sample.js';
import { startBackend } from '../backend.js';
import { EXIT, type Io } from '../io.js';
import { loadModel } from '../load-model.js';
import { choice, collectSet, finiteNumber, positiveInt } from '../options.js';
import { runOverrides } from '../run-folder.js';

/** Registers the command. */
export function registerSample(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('sample')
    .description('draw samples of the latents and observed variables from the generative model')
    .argument('<file>', 'the .sgm model')
    .option('--checkpoint <dir>', 'run directory or checkpoint with trained weights (without it: the untrained model)')
    .option('-n, --num <n>', 'number of samples', positiveInt('-n'), 16)
    .option('--seed <n>', 'seed of the draws (default 0)', finiteNumber('--seed'))
    .option('--out <path>', 'a .json file, or a directory for one .npy per variable (default: stdout, see --format)')
    .option('--format <f>', 'without --out: text (a summary line per variable) or json (the samples)', 'text')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--set <name=value>', "override a hyperparameter (repeatable; default: the run's overrides from its model.json)", collectSet)
    .action(async (file: string, f: { checkpoint?: string; num: number; seed?: number; out?: string; format: string; backend?: string; set?: Record<string, number> }) => {
      const format = choice('--format', f.format, ['text', 'json'] as const);
      const checkpoint = f.checkpoint === undefined ? undefined : resolve(io.cwd, f.checkpoint);
      // Compile first (with the run's hyperparameters): a model with errors is reported before any backend work.
      const loaded = await loadModel(io, file, f.set ?? (checkpoint === undefined ? {} : runOverrides(checkpoint)));
      if (!loaded) return done(EXIT.userError);
      await startBackend(io, f.backend);
      await runSample(
        loaded.module,
        {
          n: f.num,
          format,
          ...(checkpoint ? { checkpoint } : {}),
          ...(f.seed !== undefined ? { seed: f.seed } : {}),
          ...(f.out ? { out: resolve(io.cwd, f.out) } : {}),
        },
        io,
      );
      done(EXIT.ok);
    });
}
