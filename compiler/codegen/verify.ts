/**
 * The last check of code generation: the module text must parse, declare no name twice in one scope (a module
 * that does either fails at import with a SyntaxError), and hold exactly the top-level statements the generator
 * writes. A model file cannot add a statement at the top of the module, whatever its names, comments and path.
 * A failure here is a bug in sgm, never a user mistake: `generate` reports it as an internal error. The parser is
 * the TypeScript that ts-morph bundles (a runtime dependency; the `typescript` package is only a devDependency).
 * Cost: about 50 ms for the largest shipped model, next to ~230 ms for generating and formatting it.
 */
import { ts } from 'ts-morph';

/** The top-level statements of every generated module, in order. */
export const TOP_LEVEL = [
  'import * as tf',
  'import sgm/stdlib',
  'import sgm/runtime',
  'const hyper',
  'type Dims',
  'type Fixed',
  'type Latents',
  'type Shared',
  'export const metadata',
  'export function create',
] as const;

/** A module-level build function of a fused chain, as describeTopLevel spells it. */
const FUSED_PROGRAM = /^const fused[0-9]+$/;

/** The module specifiers of sgm's packages in a generated module (generate.ts's options). */
export interface SgmModules {
  readonly stdlib: string;
  readonly runtime: string;
}

const DEFAULT_MODULES: SgmModules = { stdlib: 'sgm/stdlib', runtime: 'sgm/runtime' };

/** What a generated module's problems are (empty when it is well-formed). */
export function verifyModule(code: string, fileName: string, modules: SgmModules = DEFAULT_MODULES): string[] {
  const problems: string[] = [];
  const parsed = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, noEmit: true },
  });
  for (const d of parsed.diagnostics ?? []) problems.push(`syntax: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${d.start !== undefined ? ` at ${d.start}` : ''}`);
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  // The build functions of fused chains (emit-fusion.ts: generated names fused1, fused2, ...) follow `type Shared`.
  const top = file.statements.map((s) => describeTopLevel(s, modules)).filter((s, i, all) => !(FUSED_PROGRAM.test(s) && all.indexOf('type Shared') < i && i < all.indexOf('export const metadata')));
  if (top.length !== TOP_LEVEL.length || top.some((s, i) => s !== TOP_LEVEL[i])) problems.push(`top-level statements are [${top.join('; ')}], expected [${TOP_LEVEL.join('; ')}]`);
  problems.push(...redeclarations(file));
  return problems;
}

/** A top-level statement as `TOP_LEVEL` spells it (module specifiers of sgm's packages normalized). */
export function describeTopLevel(s: ts.Statement, modules: SgmModules = DEFAULT_MODULES): string {
  const exported = ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ? 'export ' : '';
  if (ts.isImportDeclaration(s)) {
    const from = (s.moduleSpecifier as ts.StringLiteral).text;
    if (from === '@tensorflow/tfjs-core') return 'import * as tf';
    return `import ${from === modules.stdlib ? 'sgm/stdlib' : from === modules.runtime ? 'sgm/runtime' : from}`;
  }
  if (ts.isVariableStatement(s)) return `${exported}const ${s.declarationList.declarations.map((d) => d.name.getText()).join(', ')}`;
  if (ts.isTypeAliasDeclaration(s)) return `${exported}type ${s.name.text}`;
  if (ts.isFunctionDeclaration(s)) return `${exported}function ${s.name?.text ?? ''}`;
  return `${ts.SyntaxKind[s.kind]}`;
}

/** Names declared twice in one scope (let/const/function/class/import, and parameters against the body). */
function redeclarations(file: ts.SourceFile): string[] {
  const problems: string[] = [];
  const check = (names: Array<[string, ts.Node]>): void => {
    const seen = new Set<string>();
    for (const [n, node] of names) {
      if (seen.has(n)) problems.push(`'${n}' is declared twice in one scope (line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
      seen.add(n);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) {
      const params = ts.isFunctionLike(node.parent) && !ts.isSourceFile(node) ? node.parent.parameters.flatMap((p) => bound(p.name)) : [];
      check([...params, ...node.statements.flatMap(declared)]);
    } else if (ts.isCaseBlock(node)) {
      check(node.clauses.flatMap((c) => c.statements.flatMap(declared)));
    } else if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) {
      check(node.parameters.flatMap((p) => bound(p.name)));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

/** Value names a statement declares in its scope. */
function declared(s: ts.Statement): Array<[string, ts.Node]> {
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => bound(d.name));
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return [[s.name.text, s.name]];
  if (ts.isImportDeclaration(s) && s.importClause && !s.importClause.isTypeOnly) {
    const c = s.importClause;
    const out: Array<[string, ts.Node]> = c.name ? [[c.name.text, c.name]] : [];
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) out.push([nb.name.text, nb.name]);
    if (nb && ts.isNamedImports(nb)) out.push(...nb.elements.filter((e) => !e.isTypeOnly).map((e): [string, ts.Node] => [e.name.text, e.name]));
    return out;
  }
  return [];
}

/** Names bound by a binding name (identifier or destructuring pattern). */
function bound(name: ts.BindingName): Array<[string, ts.Node]> {
  if (ts.isIdentifier(name)) return [[name.text, name]];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bound(e.name)));
}
