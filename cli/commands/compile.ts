/** `sgm compile FILES... [-o out] [--set K=20]`: the generated TypeScript module of each model. */
import { mkdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../runtime/checkpoint/write.js';
import { UserError } from '../../runtime/errors.js';
import { EXIT, type Io } from '../io.js';
import { compileFile } from '../load-model.js';
import { collectSet } from '../options.js';

/** Registers the command. */
export function registerCompile(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('compile')
    .description('compile models to TypeScript modules on TensorFlow.js')
    .argument('<files...>', 'the .sgm models')
    .option('-o, --output <path>', 'one model: write its module to this file; several: a directory for <name>.ts files')
    .option('--set <name=value>', 'override a hyperparameter (repeatable), e.g. --set K=20', collectSet)
    .option('--no-fuse', 'one TensorFlow.js op per elementwise operation (default: each chain of them is one fused kernel)')
    .addHelpText(
      'after',
      [
        '',
        'Without -o, one model is printed to stdout; several models need -o DIR. Every model is compiled and its',
        'diagnostics printed even when an earlier one has errors; nothing is written for a model with errors.',
        'The module imports @tensorflow/tfjs-core and sgm/{runtime,stdlib} only, exports `metadata` and',
        '`create(options)`, and type-checks under tsc --strict. Output is deterministic.',
        '',
        'Exit codes: 0 every model compiled, 1 errors in a model, 2 internal error.',
      ].join('\n'),
    )
    .action((files: string[], opts: { output?: string; set?: Record<string, number>; fuse?: boolean }) => {
      if (files.length > 1 && !opts.output) throw new UserError(`${files.length} models given: write them with -o DIR (one <name>.ts per model)`);
      const outName = (file: string): string => `${basename(file, extname(file))}.ts`;
      const names = files.map(outName);
      const clash = names.find((n, i) => names.indexOf(n) !== i);
      if (files.length > 1 && clash !== undefined) throw new UserError(`two models would both be written to '${clash}': compile them separately`);
      if (files.length > 1) makeDirectory(resolve(io.cwd, opts.output!));
      let ok = true;
      for (const file of files) {
        const result = compileFile(io, file, opts.set, { fuse: opts.fuse });
        if (!result.ok || !result.code) {
          ok = false;
          continue;
        }
        if (!opts.output) io.stdout(result.code);
        else if (files.length === 1) writeFileAtomic(resolve(io.cwd, opts.output), result.code);
        else writeFileAtomic(join(resolve(io.cwd, opts.output), outName(file)), result.code);
      }
      done(ok ? EXIT.ok : EXIT.userError);
    });
}

/** Creates the output directory of several modules; failing to is a one-line user error. */
function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the output directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
