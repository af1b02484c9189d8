/**
 * The whole compiler: source text -> checked model -> plan -> generated TypeScript. Stops after the first stage
 * with errors; every stage's diagnostics are returned.
 */
import { generate } from './codegen/generate.js';
import { checkSource, type FrontEndOptions, type FrontEndResult } from './pipeline.js';
import { SGM_VERSION } from './version.js';

/** Options of `compileSource`. */
export interface CompileOptions extends FrontEndOptions {
  /** Version written into the generated file's header; default: this installation's (package.json). */
  readonly sgmVersion?: string;
  /** Import specifiers of the generated module (default 'sgm/stdlib' and 'sgm/runtime'). */
  readonly stdlibModule?: string;
  readonly runtimeModule?: string;
  /** Fuse chains of elementwise operations into one kernel each (GenerateOptions.fuse; `sgm compile --no-fuse`). */
  readonly fuse?: boolean;
}

/** The front end's result plus the generated module (when there are no errors). */
export interface CompileResult extends FrontEndResult {
  /** Generated TypeScript of the first model of the file. */
  readonly code?: string;
}

/** Compiles a .sgm source text to a TypeScript module. */
export function compileSource(path: string, text: string, options: CompileOptions = {}): CompileResult {
  const front = checkSource(path, text, options);
  if (!front.ok) return front;
  const generated = generate(front.models[0], front.plans[0], {
    sourcePath: path,
    sgmVersion: options.sgmVersion ?? SGM_VERSION,
    ...(options.stdlibModule ? { stdlibModule: options.stdlibModule } : {}),
    ...(options.runtimeModule ? { runtimeModule: options.runtimeModule } : {}),
    ...(options.fuse !== undefined ? { fuse: options.fuse } : {}),
  });
  return { ...front, diagnostics: [...front.diagnostics, ...generated.diagnostics], code: generated.value };
}
