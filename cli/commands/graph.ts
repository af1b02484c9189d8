/** `sgm graph FILE --format dot|json|mermaid|html [-o OUT]` and `sgm graph FILE --serve`: the model graph. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { planRows } from '../../compiler/analysis/explain.js';
import { formatDiagnostics } from '../../compiler/diagnostics/printer.js';
import { annotateGraph, buildGraph, graphToDot, graphToJsonText, graphToMermaid } from '../../compiler/graph/index.js';
import type { FrontEndResult } from '../../compiler/pipeline.js';
import { graphPageHtml } from '../../web/graph-page-html.js';
import { escapeHtml } from '../../web/html.js';
import { servePage } from '../../web/serve.js';
import { writeFileAtomic } from '../../runtime/checkpoint/write.js';
import { UserError } from '../../runtime/errors.js';
import { frontEnd, printDiagnostics } from '../front-end.js';
import { EXIT, type Io } from '../io.js';
import { choice, collectSet, portNumber, untilStopped } from '../options.js';

const FORMATS = ['dot', 'json', 'mermaid', 'html'] as const;
type GraphFormat = (typeof FORMATS)[number];

/** The annotated graph of a checked file's first model. */
function annotatedGraph(result: FrontEndResult) {
  return annotateGraph(buildGraph(result.models[0]).value, result.plans[0]);
}

/** The HTML page of a checked file's first model. */
function htmlPage(result: FrontEndResult): Promise<string> {
  return graphPageHtml(annotatedGraph(result), result.file.text, planRows(result.plans[0], result.file.path));
}

interface GraphFlags {
  format: string;
  output?: string;
  serve?: boolean;
  port: number;
  set?: Record<string, number>;
}

/** Registers the command. */
export function registerGraph(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('graph')
    .description('print the model graph (data, params, ops, stochastic and observed nodes, objective), or show it as an interactive page')
    .argument('<file>', 'the .sgm model')
    .option('--format <format>', `one of ${FORMATS.join(', ')} (html: one self-contained page, no network needed to view it)`, 'dot')
    .option('-o, --output <path>', 'write to a file instead of stdout')
    .option('--serve', 'serve the html page on 127.0.0.1 (rebuilt from the file on every reload) until Ctrl-C')
    .option('--port <n>', 'port for --serve (default 0: any free port)', portNumber, 0)
    .option('--set <name=value>', 'override a hyperparameter (repeatable)', collectSet)
    .addHelpText(
      'after',
      `
The html page draws the graph left to right with the guide and the generative model in bands: node shape
and colour show the kind (data, parameter, op, stochastic, observed, objective) and the gradient estimator
(pathwise, score function, enumeration, straight-through); KL edges show closed form or Monte Carlo. Hover
or click a node for its distribution, shape, estimator, the reason for it, and its source line.

Examples:
  sgm graph models/igr_vae.sgm --format html -o igr_vae.html
  sgm graph models/igr_vae.sgm --serve --port 8080
  sgm graph models/igr_vae.sgm --format dot | dot -Tsvg > igr_vae.svg
  sgm graph models/igr_vae.sgm --format mermaid -o igr_vae.mmd`,
    )
    .action(async (file: string, opts: GraphFlags) => {
      const format = choice<GraphFormat>('--format', opts.format, FORMATS);
      if (opts.serve && opts.output) throw new UserError('--serve and -o do not go together: write the page with --format html -o FILE, or serve it');
      if (opts.serve && opts.format !== 'dot' && format !== 'html') throw new UserError(`--serve shows the html page; --format ${format} does not apply`);
      const result = frontEnd(io, file, opts.set);
      printDiagnostics(io, result, 'text');
      if (!result.ok) return done(EXIT.userError);
      if (opts.serve) return done(await serve(io, file, opts.set, opts.port));
      const text =
        format === 'html'
          ? await htmlPage(result)
          : format === 'dot'
            ? graphToDot(annotatedGraph(result))
            : format === 'json'
              ? graphToJsonText(annotatedGraph(result))
              : graphToMermaid(annotatedGraph(result));
      if (opts.output) writeFileAtomic(resolve(io.cwd, opts.output), text);
      else io.stdout(text);
      done(EXIT.ok);
    });
}

/** Serves the page until SIGINT or SIGTERM; a model with errors after an edit is served as its diagnostics. */
async function serve(io: Io, file: string, set: Record<string, number> | undefined, port: number): Promise<number> {
  const page = await servePage(async () => {
    const result = frontEnd(io, file, set);
    if (result.ok) return { status: 200, html: await htmlPage(result) };
    const text = formatDiagnostics(result.file, result.diagnostics, { color: false });
    return { status: 500, html: `<!doctype html><meta charset="utf-8"><title>sgm: errors in ${escapeHtml(file)}</title><pre>${escapeHtml(text)}</pre>` };
  }, port);
  io.stdout(`serving the graph of ${file} at ${page.url} (127.0.0.1 only; rebuilt on every reload; Ctrl-C to stop)\n`);
  await untilStopped();
  await page.close();
  return EXIT.ok;
}
