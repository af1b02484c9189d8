/**
 * Compiling and importing a model in one call, for library users and the CLI: .sgm source -> generated
 * TypeScript -> JavaScript written into the model cache (keyed by a hash of the code, so an unchanged model is
 * neither rewritten nor re-imported) -> `import()`.
 *
 * The generated module imports this installation's runtime and stdlib by absolute file URL (not by the package
 * names `sgm/runtime`, `sgm/stdlib`), so it can live in any cache folder, inside the package or not, and shares
 * one copy of the runtime (and of TensorFlow.js) with the caller. Run from the TypeScript sources (tsx, vitest),
 * those URLs name the sources.
 *
 * The compiler (ts-morph, TypeScript) is imported on the first call only: generated modules import this runtime
 * too, and should not pay for loading the compiler.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import type { CompileResult } from '../compiler/compile.js';
import { writeFileAtomic } from './checkpoint/write.js';
import { describeFsError, isUserError, UserError } from './errors.js';
import type { CompiledModelModule } from './model-api.js';
import { packageRoot } from './package-root.js';

/** Model source text given directly, with the file name its diagnostics should show. */
export interface ModelSource {
  readonly source: string;
  /** Name of the source in diagnostics and in the generated header (default 'model.sgm'). */
  readonly path?: string;
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Hyperparameter overrides, as `--set K=20` on the command line. */
  readonly overrides?: Readonly<Record<string, number>>;
  /** Folder for compiled modules; default: `modelCacheDir()`. */
  readonly cacheDir?: string;
  /** Folder a relative model path is resolved against; default: the process's working directory. */
  readonly cwd?: string;
}

/** A compiled and imported model. */
export interface LoadedModel {
  /** The generated module: `metadata` and `create(options)`. */
  readonly module: CompiledModelModule;
  /** The compiler's result: warnings in `diagnostics`, the checked models and their estimator/KL plans. */
  readonly compiled: CompileResult;
}

/** A model that does not compile: its diagnostics, and the printed form with source lines and carets. */
export class ModelCompileError extends UserError {
  constructor(
    readonly result: CompileResult,
    /** Every diagnostic, formatted as `sgm check` prints them. */
    readonly formatted: string,
  ) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    super(`${result.file.path} does not compile: ${first ? `${first.code} ${first.message}` : 'no code generated'}${more}`);
    this.name = 'ModelCompileError';
  }

  /** The diagnostics of the failed compilation. */
  get diagnostics(): readonly Diagnostic[] {
    return this.result.diagnostics;
  }
}

/**
 * Where compiled modules are cached unless a caller names a folder: `$SGM_CACHE_DIR/models`, else
 * `<package root>/.sgm-cache/models`. The one place that decides it.
 */
export function modelCacheDir(): string {
  const env = process.env.SGM_CACHE_DIR;
  return env ? join(env, 'models') : join(packageRoot(), '.sgm-cache', 'models');
}

/** Extension of this file: '.ts' when run from the sources (tsx, vitest), '.js' from dist/. */
const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Absolute import specifiers of this installation's runtime and stdlib entry points. */
export function runtimeImportSpecifiers(): { readonly runtimeModule: string; readonly stdlibModule: string } {
  return {
    runtimeModule: new URL(`./index${OWN_EXTENSION}`, import.meta.url).href,
    stdlibModule: new URL(`../stdlib/index${OWN_EXTENSION}`, import.meta.url).href,
  };
}

/**
 * Compiles model source text for loading into this process (imports by absolute URL, see the file comment).
 * Never throws for the user's mistakes: they are in the result's diagnostics.
 */
export async function compileForLoading(path: string, text: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompileResult> {
  const { compileSource } = await import('../compiler/compile.js');
  return compileSource(path, text, { overrides: { ...overrides }, ...runtimeImportSpecifiers() });
}

/**
 * Writes `code` into `dir` as `<name>-<hash of code>.<extension>` (atomically, once) and imports it. A cache
 * folder that cannot be written is a UserError naming the folder.
 */
export async function importCachedModule(dir: string, name: string, code: string, extension: string): Promise<CompiledModelModule> {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(dir, `${name}-${hash}.${extension}`);
  if (!existsSync(file)) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file, code);
    } catch (e) {
      const why = isUserError(e) ? e.message : describeFsError(e);
      throw new UserError(`cannot write the model cache '${dir}' (${why}): set SGM_CACHE_DIR, or pass cacheDir, to use another folder`);
    }
  }
  return (await import(pathToFileURL(file).href)) as CompiledModelModule;
}

/** Imports the module of a successful `compileForLoading` result through the cache. */
export async function importCompiledModel(result: CompileResult, cacheDir: string = modelCacheDir()): Promise<CompiledModelModule> {
  if (!result.ok || result.code === undefined) throw new Error('importCompiledModel: the result has errors; check result.ok first');
  const { transpileToJs } = await import('../compiler/codegen/transpile.js');
  const name = result.models[0].name;
  return importCachedModule(cacheDir, name, transpileToJs(result.code, `${name}.ts`), 'mjs');
}

/** Reads a model file (`path` as the caller gave it, resolved against `cwd`); failures are one-line UserErrors. */
function readModelSource(path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    throw new UserError(`cannot read '${path}': ${describeFsError(e)}`);
  }
}

/**
 * Compiles a model and imports the generated module, in one call.
 *
 * `pathOrSource` is a path to a .sgm file (a string without `{`), model source text (a string with `{`: every
 * model has a body), or `{ source, path }`. Throws a `ModelCompileError` (a `UserError`, with the diagnostics)
 * when the model has errors, and a `UserError` when the file cannot be read or the cache cannot be written;
 * warnings are in `compiled.diagnostics`.
 */
export async function loadModel(pathOrSource: string | ModelSource, options: LoadModelOptions = {}): Promise<LoadedModel> {
  let path: string;
  let text: string;
  if (typeof pathOrSource !== 'string') {
    path = pathOrSource.path ?? 'model.sgm';
    text = pathOrSource.source;
  } else if (pathOrSource.includes('{')) {
    path = 'model.sgm';
    text = pathOrSource;
  } else {
    path = pathOrSource;
    text = readModelSource(pathOrSource, options.cwd ?? process.cwd());
  }
  const compiled = await compileForLoading(path, text, options.overrides);
  if (!compiled.ok || compiled.code === undefined) {
    const { formatDiagnostics } = await import('../compiler/diagnostics/printer.js');
    throw new ModelCompileError(compiled, formatDiagnostics(compiled.file, compiled.diagnostics));
  }
  return { module: await importCompiledModel(compiled, options.cacheDir ?? modelCacheDir()), compiled };
}
