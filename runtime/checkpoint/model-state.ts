/**
 * A model's variables in and out of checkpoints: the named tensors to save, the checks that a checkpoint was
 * written by this model (structure hash, then every variable's name and shape), and restoring the values.
 */
import { tf } from '../../stdlib/tf.js';
import type { ModelInstance, ModelMetadata } from '../model-api.js';
import { UserError } from '../errors.js';
import { VARIABLE_PREFIX, type CheckpointManifest, type ModelStamp } from './format.js';
import { modelHash } from './model-hash.js';
import { disposeCheckpoint, readCheckpoint } from './read.js';

/** Every model variable (trainable or not) as a checkpoint tensor named `variable/<name>`. */
export function variableEntries(model: ModelInstance): Array<{ name: string; tensor: tf.Tensor }> {
  return [...model.variables].map(([name, v]) => ({ name: VARIABLE_PREFIX + name, tensor: v }));
}

/** What a manifest records about the model. */
export function modelStamp(metadata: ModelMetadata): ModelStamp {
  return {
    name: metadata.name,
    source: metadata.source,
    sgmVersion: metadata.sgmVersion,
    hash: modelHash(metadata),
    hyperparameters: { ...metadata.hyperparameters },
  };
}

/** Refuses (UserError) a checkpoint written by a model with another name, hyperparameters or graph. */
export function checkModelStamp(manifest: CheckpointManifest, metadata: ModelMetadata, dir: string): void {
  const saved = manifest.model;
  const now = modelStamp(metadata);
  if (saved.hash === now.hash) return;
  const prefix = `checkpoint '${dir}' was written by`;
  if (saved.name !== now.name) throw new UserError(`${prefix} model '${saved.name}', not '${now.name}'`);
  const changed = Object.keys({ ...saved.hyperparameters, ...now.hyperparameters }).filter(
    (k) => saved.hyperparameters[k] !== now.hyperparameters[k],
  );
  if (changed.length > 0) {
    const desc = changed.map((k) => `${k}=${saved.hyperparameters[k] ?? 'unset'} (now ${now.hyperparameters[k] ?? 'unset'})`).join(', ');
    throw new UserError(`${prefix} '${saved.name}' with other hyperparameters: ${desc}`);
  }
  throw new UserError(`${prefix} a different version of model '${saved.name}' (its graph changed since; structure hash ${saved.hash.slice(0, 12)} vs ${now.hash.slice(0, 12)})`);
}

/** Assigns every model variable its value in `tensors`; a missing, extra or reshaped variable is a UserError. */
export function restoreVariables(model: ModelInstance, tensors: tf.NamedTensorMap, dir: string): void {
  const saved = new Set(Object.keys(tensors).filter((k) => k.startsWith(VARIABLE_PREFIX)));
  const updates: Array<[tf.Variable, tf.Tensor]> = [];
  for (const [name, variable] of model.variables) {
    const key = VARIABLE_PREFIX + name;
    const t = tensors[key];
    if (t === undefined) throw new UserError(`checkpoint '${dir}' has no value for variable '${name}' of model '${model.metadata.name}'`);
    if (!tf.util.arraysEqual(t.shape, variable.shape) || t.dtype !== variable.dtype) {
      throw new UserError(
        `checkpoint '${dir}': variable '${name}' is ${t.dtype} [${t.shape.join(', ')}] there but ${variable.dtype} [${variable.shape.join(', ')}] in the model`,
      );
    }
    saved.delete(key);
    updates.push([variable, t]);
  }
  if (saved.size > 0) {
    const extra = [...saved].map((k) => k.slice(VARIABLE_PREFIX.length)).join(', ');
    throw new UserError(`checkpoint '${dir}' has variables the model does not: ${extra}`);
  }
  // Assign only after every check passed, so a refused checkpoint leaves the model untouched.
  for (const [variable, t] of updates) variable.assign(t);
}

/** Loads the weights of the checkpoint `path` designates into `model` (after checking it is this model's). */
export function loadModelWeights(model: ModelInstance, path: string): CheckpointManifest {
  const ckpt = readCheckpoint(path);
  try {
    checkModelStamp(ckpt.manifest, model.metadata, ckpt.dir);
    restoreVariables(model, ckpt.tensors, ckpt.dir);
    return ckpt.manifest;
  } finally {
    disposeCheckpoint(ckpt);
  }
}
