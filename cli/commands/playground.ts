/** `sgm playground [--port N] [--dir DIR]`: serves the playground page on 127.0.0.1 until Ctrl-C. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../runtime/errors.js';
import { packageRoot } from '../../runtime/package-root.js';
import { sgmCacheDir } from '../../stdlib/cache-dir.js';
import { buildPlayground } from '../../web/playground-build.js';
import { serveFolder } from '../../web/serve-folder.js';
import { EXIT, type Io } from '../io.js';
import { portNumber, untilStopped } from '../options.js';

/** The policy the page declares in its meta tag, sent as a header too. */
function pageCsp(dir: string): string {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  if (!m) throw new UserError(`${join(dir, 'index.html')} is not the playground page (no Content-Security-Policy): rebuild it with npm run build:playground`);
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

export function registerPlayground(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('playground')
    .description('serve the playground on 127.0.0.1: edit a model with live diagnostics, see its plan and graph, train it in the browser')
    .option('--port <n>', 'port (default 0: any free port)', portNumber, 0)
    .option('--dir <dir>', 'a playground folder built by npm run build:playground (default: the package’s dist/playground, else built into sgm’s cache)')
    .addHelpText('after', '\nThe page works offline; its training runs in the browser on WebGPU, WebGL, WASM or CPU.\n\nExample:\n  sgm playground --port 8080\n')
    .action(async (opts: { port: number; dir?: string }) => {
      let dir = opts.dir ? resolve(opts.dir) : join(packageRoot(), 'dist', 'playground');
      if (!existsSync(join(dir, 'index.html'))) {
        if (opts.dir) throw new UserError(`'${opts.dir}' holds no playground (index.html): build one with npm run build:playground`);
        dir = join(sgmCacheDir(), 'playground');
        if (!existsSync(join(dir, 'index.html'))) {
          io.stderr(`building the playground into ${dir} (once)…\n`);
          await buildPlayground(dir);
        }
      }
      const server = await serveFolder(dir, pageCsp(dir), opts.port);
      io.stdout(`serving the playground at ${server.url} (127.0.0.1 only; Ctrl-C to stop)\n`);
      await untilStopped();
      await server.close();
      done(EXIT.ok);
    });
}
