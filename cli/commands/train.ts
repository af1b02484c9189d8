/** `sgm train FILE --data <name|path> ...`: compiles the model and trains it (runtime/commands/train.ts). */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { runTrain } from '../../runtime/commands/train.js';
import { UserError } from '../../runtime/errors.js';
import { BACKENDS, startBackend } from '../backend.js';
import { EXIT, type Io } from '../io.js';
import { loadModel } from '../load-model.js';
import { collectSet, defined, finiteNumber, positiveInt, wholeNumber } from '../options.js';
import { writeRunModel } from '../run-folder.js';

interface TrainFlags {
  data?: string;
  steps: number;
  batch: number;
  lr?: number;
  lrSchedule?: string;
  beta1?: number;
  beta2?: number;
  seed?: number;
  backend?: string;
  checkpoint?: string;
  resume?: boolean;
  overwrite?: boolean;
  checkpointEvery?: number;
  evalEvery?: number;
  logEvery?: number;
  evalBatches?: number;
  testFraction?: number;
  log?: string;
  json?: boolean;
  quiet?: boolean;
  set?: Record<string, number>;
  /** false with --no-fuse. */
  fuse?: boolean;
}

/** Registers the command. */
export function registerTrain(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('train')
    .description('compile a model and train it with Adam, with checkpoints, resume, a progress bar and a JSONL log')
    .argument('<file>', 'the .sgm model')
    .option('--data <spec>', 'dataset: mnist-binarized, mnist (?binarize=dynamic|fixed|<threshold>, &labels=N for a 0/1 column labelled with N training rows per class), fashion-mnist, mnist-halves, synthetic:<kind>?..., or a .csv/.json/.npy path (a model without data declarations needs none)')
    .option('--steps <n>', 'training steps', positiveInt('--steps'), 1000)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 100)
    .option('--lr <x>', 'Adam learning rate (default 1e-3; with --resume, a new rate applies from the checkpoint on)', finiteNumber('--lr'))
    .option('--lr-schedule <spec>', "learning-rate schedule, the rate at step t being lr·f(t): constant, exponential(decay, every=1), step(decay, every), cosine(steps, min=0), warmup(steps), or a product with *, e.g. 'warmup(500) * cosine(20000)' (logged as the metric lr; a resumed run continues it)")
    .option('--beta1 <x>', 'Adam β1 (default 0.9)', finiteNumber('--beta1'))
    .option('--beta2 <x>', 'Adam β2 (default 0.999)', finiteNumber('--beta2'))
    .option('--seed <n>', 'seed of initialisation, batch order and sampling (default 0)', finiteNumber('--seed'))
    .option('--backend <name>', `one of ${BACKENDS.join(', ')} (default: the fastest available)`)
    .option('--checkpoint <dir>', 'run directory: checkpoints, train.jsonl log')
    .option('--resume', 'continue the run in --checkpoint exactly where it stopped')
    .option('--overwrite', 'start a new run in a --checkpoint directory that already has one')
    .option('--checkpoint-every <n>', 'steps between checkpoints (default 500; 0: only at the end)', wholeNumber('--checkpoint-every'))
    .option('--eval-every <n>', 'steps between evaluations on held-out data (default 500; 0: only at the end)', wholeNumber('--eval-every'))
    .option('--log-every <n>', 'steps between log records (default 10; also the first and last step)', positiveInt('--log-every'))
    .option('--eval-batches <n>', 'evaluate on at most this many held-out batches', positiveInt('--eval-batches'))
    .option('--test-fraction <x>', 'held-out fraction of the dataset (default 0.1)', finiteNumber('--test-fraction'))
    .option('--log <path>', 'JSONL log (default <checkpoint>/train.jsonl)')
    .option('--json', 'print the summary (status, steps, final values, last evaluation, checkpoint) as one JSON object on stdout')
    .option('--quiet', 'no progress display and no notes on stderr (errors and the summary are still printed)')
    .option('--set <name=value>', 'override a hyperparameter (repeatable)', collectSet)
    .option('--no-fuse', 'compile with one TensorFlow.js op per elementwise operation (default: each chain of them is one fused kernel)')
    .addHelpText(
      'after',
      '\nExamples:\n  sgm train models/igr_vae.sgm --data mnist-binarized --steps 3000 --checkpoint runs/igr\n  sgm train models/igr_vae.sgm --data mnist-binarized --steps 6000 --checkpoint runs/igr --resume\n  sgm train models/gengs_poisson.sgm --data synthetic:poisson?rate=20 --steps 2000 --lr 0.05\n\nEnvironment: SGM_NATIVE=0 ignores the native OpenBLAS kernels (built when sgm is installed where OpenBLAS is, e.g. after apt-get install libopenblas-dev and npm rebuild sgm); SGM_THREADS=n sets their threads (default: one per core; results are the same for any n); SGM_WASM_THREADS=n sets the threads of the WASM backend without them (default: one per idle core, at most 4; 0: the single-threaded build; same results).\n\nExit codes: 0 trained, 1 user error or stopped by the NaN/Inf guard (the last good checkpoint is kept), 2 internal error.',
    )
    .action(async (file: string, f: TrainFlags) => {
      // Compile first: a model with errors is reported before any backend work.
      const loaded = await loadModel(io, file, f.set, { fuse: f.fuse });
      if (!loaded) return done(EXIT.userError);
      await startBackend(io, f.backend, f.quiet ?? false);
      const declared = loaded.module.metadata.data;
      if (f.data === undefined && declared.length > 0) {
        throw new UserError(`--data is required: the model declares ${declared.map((d) => `data ${d.name}: [${d.shape.join(', ')}]`).join(', ')}`);
      }
      const at = (p: string | undefined) => (p === undefined ? undefined : resolve(io.cwd, p));
      const { exitCode } = await runTrain(
        loaded.module,
        {
          data: f.data ?? 'none',
          steps: f.steps,
          batch: f.batch,
          ...(f.checkpoint ? { onStarted: () => writeRunModel(resolve(io.cwd, f.checkpoint!), loaded.result, f.set ?? {}) } : {}),
          ...defined({
            lr: f.lr,
            lrSchedule: f.lrSchedule,
            beta1: f.beta1,
            beta2: f.beta2,
            seed: f.seed,
            checkpoint: at(f.checkpoint),
            resume: f.resume,
            overwrite: f.overwrite,
            checkpointEvery: f.checkpointEvery,
            evalEvery: f.evalEvery,
            logEvery: f.logEvery,
            evalBatches: f.evalBatches,
            testFraction: f.testFraction,
            log: at(f.log),
            json: f.json,
            quiet: f.quiet,
          }),
        },
        io,
      );
      done(exitCode);
    });
}
