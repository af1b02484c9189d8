/**
 * Compiling and importing a model in one call, for library users and the CLI: .sgm source -> generated
 * TypeScript -> JavaScript written into the model cache (keyed by a hash of the code, so an unchanged model is
 * neither rewritten nor re-imported) -> `import()`.
 *
 * The model cache (runtime/model-cache.ts) binds the generated module's imports of `sgm/runtime`, `sgm/stdlib` and
 * tfjs-core to this installation's files, so the module can live in any cache folder and shares one copy of the
 * runtime (and of TensorFlow.js) with the caller.
 *
 * The compiler (ts-morph, TypeScript) is imported on the first call only: generated modules import this runtime
 * too, and should not pay for loading the compiler.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import type { CompileResult } from '../compiler/compile.js';
import { describeFsError, UserError } from './errors.js';
import type { CompiledModelModule } from './model-api.js';
import { importGeneratedModule, modelCacheDir } from './model-cache.js';

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

export { modelCacheDir };

/**
 * Compiles model source text for loading into this process. Never throws for the user's mistakes: they are in
 * the result's diagnostics.
 */
export async function compileForLoading(path: string, text: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompileResult> {
  const { compileSource } = await import('../compiler/compile.js');
  return compileSource(path, text, { overrides: { ...overrides } });
}

/**
 * Imports the module of a successful `compileForLoading` result through the model cache (runtime/model-cache.ts:
 * written once per code hash, its imports bound to this installation).
 */
export async function importCompiledModel(result: CompileResult, cacheDir: string = modelCacheDir()): Promise<CompiledModelModule> {
  if (!result.ok || result.code === undefined) throw new Error('importCompiledModel: the result has errors; check result.ok first');
  const { transpileToJs } = await import('../compiler/codegen/transpile.js');
  const name = result.models[0].name;
  return importGeneratedModule(name, transpileToJs(result.code, `${name}.ts`), 'mjs', cacheDir);
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
