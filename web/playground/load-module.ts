/**
 * Compiles a model in the page and loads its generated module, as `loadModel` does in Node: compileSource (the
 * same TypeScript `sgm compile` prints), type-stripped by transpileToJs, then imported from a blob: URL. The
 * module's three imports (`@tensorflow/tfjs-core`, `sgm/stdlib`, `sgm/runtime`) are pointed at small blob:
 * modules that re-export the page's own copies (the bundled browser entries), so the model and the page share
 * one TensorFlow.js engine. The page's policy allows scripts from 'self' and blob: only.
 */
import { compileSource } from '../../compiler/compile.js';
import { transpileToJs } from '../../compiler/codegen/transpile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import * as runtime from '../../runtime/browser.js';
import * as stdlib from '../../stdlib/browser.js';

type Namespace = Record<string, unknown>;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

let shims: Record<string, string> | undefined;

/** A blob: module re-exporting every named member of a namespace held on globalThis.__sgmPlayground. */
function shimModule(key: string, namespace: Namespace): string {
  const names = Object.keys(namespace).filter((n) => IDENTIFIER.test(n) && n !== 'default');
  const code = names.map((n) => `export const ${n} = globalThis.__sgmPlayground.${key}.${n};`).join('\n');
  return URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
}

function shimUrls(): Record<string, string> {
  if (!shims) {
    const spaces: Record<string, Namespace> = { tf: stdlib.tf as unknown as Namespace, stdlib: stdlib as unknown as Namespace, runtime: runtime as unknown as Namespace };
    (globalThis as { __sgmPlayground?: unknown }).__sgmPlayground = spaces;
    shims = {
      '@tensorflow/tfjs-core': shimModule('tf', spaces.tf),
      'sgm/stdlib': shimModule('stdlib', spaces.stdlib),
      'sgm/runtime': shimModule('runtime', spaces.runtime),
    };
  }
  return shims;
}

/** The compiled module, or the diagnostics that stopped compilation. */
export async function compileInPage(path: string, text: string): Promise<{ module?: runtime.CompiledModelModule; diagnostics: readonly Diagnostic[] }> {
  const result = compileSource(path, text);
  if (!result.code) return { diagnostics: result.diagnostics };
  const urls = shimUrls();
  const js = transpileToJs(result.code, 'model.ts').replace(/from\s+'([^']+)'/g, (whole, spec: string) => (urls[spec] ? `from '${urls[spec]}'` : whole));
  const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
  try {
    const module = (await import(/* webpackIgnore: true */ url)) as runtime.CompiledModelModule;
    return { module, diagnostics: result.diagnostics };
  } finally {
    URL.revokeObjectURL(url);
  }
}
