/** `sgm graph FILE --format dot|json|mermaid [-o OUT]`: the model graph. */
import { writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { annotateGraph, buildGraph, graphToDot, graphToJsonText, graphToMermaid } from '../../compiler/graph/index.js';
import { choice, collectSet, frontEnd, printDiagnostics } from '../front-end.js';
import { CliError, EXIT, type Io } from '../io.js';

const FORMATS = ['dot', 'json', 'mermaid'] as const;
type GraphFormat = (typeof FORMATS)[number];

/** Writes a file atomically (temp + rename), so a failed run never leaves half a file. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw new CliError(`cannot write '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Registers the command. */
export function registerGraph(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('graph')
    .description('print the model graph (data, params, ops, stochastic and observed nodes, objective)')
    .argument('<file>', 'the .sgm model')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'dot')
    .option('-o, --output <path>', 'write to a file instead of stdout')
    .option('--set <name=value>', 'override a hyperparameter (repeatable)', collectSet)
    .addHelpText('after', '\nExamples:\n  sgm graph models/igr_vae.sgm --format dot | dot -Tsvg > igr_vae.svg\n  sgm graph models/igr_vae.sgm --format mermaid -o igr_vae.mmd')
    .action((file: string, opts: { format: string; output?: string; set?: Record<string, number> }) => {
      const format = choice<GraphFormat>('--format', opts.format, FORMATS);
      const result = frontEnd(io, file, opts.set);
      printDiagnostics(io, result, 'text');
      if (!result.ok) return done(EXIT.userError);
      const graph = annotateGraph(buildGraph(result.models[0]).value, result.plans[0]);
      const text = format === 'dot' ? graphToDot(graph) : format === 'json' ? graphToJsonText(graph) : graphToMermaid(graph);
      if (opts.output) writeAtomic(resolve(io.cwd, opts.output), text);
      else io.stdout(text);
      done(EXIT.ok);
    });
}
