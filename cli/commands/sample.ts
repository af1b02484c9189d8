/** `sgm sample FILE --checkpoint DIR -n N`: ancestral samples from a (trained) model. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runSample } from '../../runtime/commands/sample.js';
import { collectSet } from '../front-end.js';
import { EXIT, type Io } from '../io.js';
import { loadModel } from '../load-model.js';
import { finiteNumber, positiveInt, startBackend } from './train.js';

/** Registers the command. */
export function registerSample(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('sample')
    .description('draw samples of the latents and observed variables from the generative model')
    .argument('<file>', 'the .sgm model')
    .option('--checkpoint <dir>', 'run directory or checkpoint with trained weights (without it: the untrained model)')
    .option('-n, --num <n>', 'number of samples', positiveInt('-n'), 16)
    .option('--seed <n>', 'seed of the draws (default 0)', finiteNumber('--seed'))
    .option('--out <path>', 'a .json file, or a directory for one .npy per variable (default: JSON on stdout)')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--set <name=value>', 'override a hyperparameter (repeatable)', collectSet)
    .action(async (file: string, f: { checkpoint?: string; num: number; seed?: number; out?: string; backend?: string; set?: Record<string, number> }) => {
      // Compile first: a model with errors is reported before any backend work.
      const loaded = await loadModel(io, file, f.set);
      if (!loaded) return done(EXIT.userError);
      await startBackend(io, f.backend);
      await runSample(
        loaded.module,
        {
          n: f.num,
          ...(f.checkpoint ? { checkpoint: resolve(io.cwd, f.checkpoint) } : {}),
          ...(f.seed !== undefined ? { seed: f.seed } : {}),
          ...(f.out ? { out: resolve(io.cwd, f.out) } : {}),
        },
        io,
      );
      done(EXIT.ok);
    });
}
