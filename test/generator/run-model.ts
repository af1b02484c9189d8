/**
 * Runs one generated model through the whole tool chain and classifies the outcome: check, compile (the
 * compiler API, in process), type-check of the generated module (tsc --strict against sgm's sources), import,
 * create, and two Adam steps on a synthetic batch in the support of every data declaration.
 *
 * Outcomes: ok; rejected (every diagnostic error has a catalog code: fine for a genuinely invalid model);
 * defects: uncoded (an error diagnostic without a catalog code), internal (an exception in a compiler stage or
 * in the generated code), module (the generated module does not parse or type-check), nan (a non-finite loss,
 * value, metric or gradient in the first steps), runtime-user (a run-time UserError on a model `check`
 * accepted), replay (a model declaring a replayable step gives other numbers or weights over four steps with
 * step replay than without it: test/generator/replay-check.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { CATALOG } from '../../compiler/diagnostics/catalog.js';
import { generate } from '../../compiler/codegen/generate.js';
import { checkSource } from '../../compiler/pipeline.js';
import { isUserError } from '../../runtime/errors.js';
import type { CompiledModelModule, ModelInstance } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { createAdam, trainableVariables } from '../../runtime/train/adam.js';
import { describeNonFinite, findNonFiniteNode } from '../../runtime/train/nan-guard.js';
import { trainStep } from '../../runtime/train/step.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import type { GeneratedModel } from './model-arb.js';
import { syntheticBatch } from './synthetic-batch.js';
import { replayDifference } from './replay-check.js';

export type OutcomeKind = 'ok' | 'rejected' | 'uncoded' | 'internal' | 'module' | 'nan' | 'runtime-user' | 'replay';

/** Outcomes that are defects of sgm (a well-typed model must never produce them). */
export const DEFECTS: ReadonlySet<OutcomeKind> = new Set(['uncoded', 'internal', 'module', 'nan', 'runtime-user', 'replay']);

export interface Outcome {
  readonly kind: OutcomeKind;
  /** check | compile | typecheck | load | create | train */
  readonly stage?: string;
  /** Error codes of a rejection. */
  readonly codes?: readonly string[];
  readonly message?: string;
  /** Milliseconds per stage. */
  readonly ms?: Readonly<Record<string, number>>;
}

export interface RunnerOptions {
  /** Directory under the package root for generated modules (imports must resolve from there). */
  readonly moduleDir: string;
  /** Cache of fitted priors. */
  readonly cacheDir: string;
  readonly steps?: number;
  readonly batchSize?: number;
  /** Type-check every generated module (the slowest stage after training). */
  readonly typecheck?: boolean;
}

const TS_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  skipLibCheck: true,
  esModuleInterop: true,
  baseUrl: packageRoot(),
  paths: { 'sgm/stdlib': ['stdlib/index.ts'], 'sgm/runtime': ['runtime/index.ts'] },
};

/**
 * Type-checks generated modules in batches: one program per batch, so sgm's sources are parsed and their types
 * resolved once per batch rather than once per module (one module alone takes ~4 s, a batch of 50 not much more).
 */
class ModuleChecker {
  private previous: ts.Program | undefined;
  private readonly host = ts.createCompilerHost(TS_OPTIONS);

  /** Problems of each file (empty when it type-checks). */
  check(files: readonly string[]): Map<string, string[]> {
    const program = ts.createProgram({ rootNames: files, options: TS_OPTIONS, host: this.host, ...(this.previous ? { oldProgram: this.previous } : {}) });
    this.previous = program;
    const out = new Map<string, string[]>();
    for (const file of files) {
      const sf = program.getSourceFile(file);
      if (!sf) {
        out.set(file, [`${file}: not found by tsc`]);
        continue;
      }
      out.set(
        file,
        [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
          const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : undefined;
          return `${pos ? `${pos.line + 1}:${pos.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        }),
      );
    }
    return out;
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n').slice(0, 3).join(' | ');

export class ModelRunner {
  private readonly checker = new ModuleChecker();
  private readonly steps: number;
  private readonly batchSize: number;

  constructor(private readonly options: RunnerOptions) {
    mkdirSync(options.moduleDir, { recursive: true });
    this.steps = options.steps ?? 2;
    this.batchSize = options.batchSize ?? 3;
  }

  /** Runs every model (type-checking in batches of `batch`); `each` sees every outcome as it is decided. */
  async runAll(models: readonly GeneratedModel[], batch = 50, each?: (m: GeneratedModel, o: Outcome) => void): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < models.length; i += batch) {
      for (const o of await this.runBatch(models.slice(i, i + batch), each)) outcomes.push(o);
    }
    return outcomes;
  }

  private async runBatch(models: readonly GeneratedModel[], each?: (m: GeneratedModel, o: Outcome) => void): Promise<Outcome[]> {
    const compiled = models.map((m) => this.compile(m));
    const files = compiled.flatMap((c) => ('file' in c ? [c.file] : []));
    let problems = new Map<string, string[]>();
    if (this.options.typecheck !== false && files.length > 0) {
      const t = performance.now();
      problems = this.checker.check(files);
      const share = (performance.now() - t) / files.length;
      for (const c of compiled) if ('file' in c) c.ms.typecheck = share;
    }
    const outcomes: Outcome[] = [];
    for (let i = 0; i < models.length; i++) {
      const c = compiled[i];
      let o: Outcome;
      if (!('file' in c)) o = c;
      else {
        try {
          const p = problems.get(c.file) ?? [];
          o = p.length > 0 ? { kind: 'module', stage: 'typecheck', message: p.slice(0, 3).join(' | '), ms: c.ms } : await this.train(models[i], c.file, c.ms);
        } finally {
          rmSync(c.file, { force: true });
        }
      }
      outcomes.push(o);
      each?.(models[i], o);
    }
    return outcomes;
  }

  /** Check and compile; the module file written on success. */
  private compile(m: GeneratedModel): Outcome | { file: string; ms: Record<string, number> } {
    const ms: Record<string, number> = {};
    const timed = <T>(stage: string, f: () => T): T => {
      const t = performance.now();
      try {
        return f();
      } finally {
        ms[stage] = (ms[stage] ?? 0) + performance.now() - t;
      }
    };
    let front: ReturnType<typeof checkSource>;
    try {
      front = timed('check', () => checkSource(`${m.name}.sgm`, m.text));
    } catch (e) {
      return { kind: 'internal', stage: 'check', message: firstLine(e), ms };
    }
    const errors = front.diagnostics.filter((d) => d.severity === 'error');
    const uncoded = front.diagnostics.filter((d) => !(d.code in CATALOG));
    if (uncoded.length > 0) return { kind: 'uncoded', stage: 'check', message: uncoded.map((d) => `${d.code} ${d.message}`).join('; '), ms };
    if (!front.ok) return { kind: 'rejected', stage: 'check', codes: [...new Set(errors.map((d) => d.code))].sort(), message: errors.map((d) => `${d.code} ${d.message}`).join('; '), ms };
    // The code generation stage on the front end's result (compileSource would run the front end again).
    let code: string;
    try {
      const g = timed('compile', () => generate(front.models[0], front.plans[0], { sourcePath: `${m.name}.sgm`, sgmVersion: '0.0.0-generator' }));
      const gErrors = g.diagnostics.filter((d) => d.severity === 'error');
      if (gErrors.length > 0) {
        const bad = gErrors.filter((d) => !(d.code in CATALOG));
        if (bad.length > 0) return { kind: 'uncoded', stage: 'compile', message: bad.map((d) => `${d.code} ${d.message}`).join('; '), ms };
        return { kind: 'rejected', stage: 'compile', codes: [...new Set(gErrors.map((d) => d.code))].sort(), message: gErrors.map((d) => `${d.code} ${d.message}`).join('; '), ms };
      }
      code = g.value;
    } catch (e) {
      return { kind: 'internal', stage: 'compile', message: firstLine(e), ms };
    }
    const file = join(this.options.moduleDir, `${m.name}.ts`);
    writeFileSync(file, code);
    return { file, ms };
  }

  private async train(m: GeneratedModel, file: string, ms: Record<string, number>): Promise<Outcome> {
    let t = performance.now();
    let module: CompiledModelModule;
    try {
      module = (await import(pathToFileURL(file).href)) as CompiledModelModule;
    } catch (e) {
      return { kind: 'module', stage: 'load', message: firstLine(e), ms };
    }
    ms.load = performance.now() - t;
    let model: ModelInstance | undefined;
    let optimizer: tf.Optimizer | undefined;
    let stage = 'create';
    try {
      t = performance.now();
      model = await module.create({ seed: 0, cacheDir: this.options.cacheDir });
      ms.create = performance.now() - t;
      stage = 'train';
      t = performance.now();
      const trainables = trainableVariables(model);
      optimizer = createAdam({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999 });
      const rng = new RandomStream(1);
      for (let step = 0; step < this.steps; step++) {
        const batch = syntheticBatch(m.data, this.batchSize, step + 1);
        try {
          const before = rng.state();
          const out = trainStep(model, batch, { step, rng }, optimizer, trainables);
          if (!out.applied) {
            const found = findNonFiniteNode(model, batch, { step, rng: RandomStream.fromState(before) });
            return { kind: 'nan', stage: 'train', message: `step ${step + 1}: ${describeNonFinite(found, out.badGradients, out.badScalars)}`, ms };
          }
        } finally {
          tf.dispose(Object.values(batch));
        }
      }
      ms.train = performance.now() - t;
      if (model.replayableStep === true) {
        t = performance.now();
        stage = 'replay';
        const difference = await replayDifference(module, m, this.batchSize, this.options.cacheDir);
        ms.replay = performance.now() - t;
        if (difference !== null) return { kind: 'replay', stage, message: difference, ms };
      }
      return { kind: 'ok', ms };
    } catch (e) {
      return { kind: isUserError(e) ? 'runtime-user' : 'internal', stage, message: firstLine(e), ms };
    } finally {
      optimizer?.dispose();
      model?.dispose();
    }
  }
}

/** A directory for generated modules under the package root (so that tfjs and sgm/* resolve from it). */
export function defaultModuleDir(tag: string): string {
  return join(packageRoot(), 'test/out/generator', `${tag}-${process.pid}`);
}
