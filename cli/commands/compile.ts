/** `sgm compile FILE [-o out.ts] [--set K=20]`: the generated TypeScript module of a model. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { collectSet } from '../front-end.js';
import { EXIT, type Io } from '../io.js';
import { compileFile } from '../load-model.js';
import { writeAtomic } from './graph.js';

/** Registers the command. */
export function registerCompile(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('compile')
    .description('compile a model to a TypeScript module on TensorFlow.js (docs/architecture.md section 4)')
    .argument('<file>', 'the .sgm model')
    .option('-o, --output <path>', 'write the module to a file instead of stdout')
    .option('--set <name=value>', 'override a hyperparameter (repeatable), e.g. --set K=20', collectSet)
    .addHelpText(
      'after',
      '\nThe module imports @tensorflow/tfjs-core and sgm/{runtime,stdlib} only, exports `metadata` and\n`create(options)`, and type-checks under tsc --strict. Output is deterministic.',
    )
    .action((file: string, opts: { output?: string; set?: Record<string, number> }) => {
      const result = compileFile(io, file, opts.set);
      if (!result.ok || !result.code) return done(EXIT.userError);
      if (opts.output) writeAtomic(resolve(io.cwd, opts.output), result.code);
      else io.stdout(result.code);
      done(EXIT.ok);
    });
}
