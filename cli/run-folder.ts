/**
 * The model of a run, kept beside its checkpoints: `model.sgm` (the source as compiled) and `model.json`
 * (hyperparameter overrides, the estimator/KL plan and the annotated graph), written by `sgm train` and read
 * by `sgm sample`, `sgm eval` and `sgm report` so that they rebuild the model the run trained.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planRows } from '../compiler/analysis/explain.js';
import type { CompileResult } from '../compiler/compile.js';
import { annotateGraph, buildGraph, graphToJson } from '../compiler/graph/index.js';
import { writeFileAtomic } from '../runtime/checkpoint/write.js';
import { UserError } from '../runtime/errors.js';

/** Writes `model.sgm` and `model.json` into the run directory `dir`. */
export function writeRunModel(dir: string, result: CompileResult, overrides: Record<string, number>): void {
  const model = result.models[0];
  const plan = result.plans[0];
  writeFileAtomic(join(dir, 'model.sgm'), result.file.text);
  const info = {
    format: 'sgm-run-model/1',
    source: result.file.path,
    model: model.name,
    overrides: { ...overrides },
    hyperparameters: model.hyperparameters,
    plan: planRows(plan, result.file.path),
    graph: graphToJson(annotateGraph(buildGraph(model).value, plan)),
  };
  writeFileAtomic(join(dir, 'model.json'), JSON.stringify(info, null, 2) + '\n');
}

/**
 * The hyperparameter overrides a run was trained with, from its `model.json` (`path` may be the run directory
 * or its checkpoint/ folder); empty when there is none. Only finite numbers are taken.
 */
export function runOverrides(path: string): Record<string, number> {
  for (const dir of [path, dirname(path)]) {
    const file = join(dir, 'model.json');
    if (!existsSync(file)) continue;
    let info: unknown;
    try {
      info = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new UserError(`cannot read ${file}: not the JSON that sgm train writes`);
    }
    const overrides = (info as { overrides?: unknown } | null)?.overrides ?? {};
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new UserError(`${file}: 'overrides' is not an object of numbers`);
    const out: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [k, v] of Object.entries(overrides)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${file}: override '${k}' is not a finite number`);
      out[k] = v;
    }
    return out;
  }
  return {};
}
