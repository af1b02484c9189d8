/** TypeScript -> JavaScript for generated modules loaded at run time (type-stripping only, no checks). */
import { ts } from 'ts-morph';

/** The ES2022 module JavaScript of a generated TypeScript module. */
export function transpileToJs(code: string, fileName: string): string {
  return ts.transpileModule(code, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, sourceMap: false, removeComments: false },
  }).outputText;
}
