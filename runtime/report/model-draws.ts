/**
 * What the report draws from a trained model: relaxed latent samples on held-out rows (against their
 * discrete counterparts), and for image models reconstructions of held-out images and samples from the prior.
 * The model is the run's `model.sgm` compiled with its overrides (the caller compiles it), created with the
 * run's seed and given the checkpoint's weights; the data is the run's dataset, split as `sgm train` split it.
 * Whatever cannot be drawn is skipped with a note saying why.
 */
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadModelWeights } from '../checkpoint/model-state.js';
import { bindModelData } from '../data/bind.js';
import { deriveSeed } from '../data/js-random.js';
import { loadDataset } from '../data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../data/split.js';
import { isUserError } from '../errors.js';
import type { Batch, CompiledModelModule, DataSpec, ModelInstance, StepContext } from '../model-api.js';
import { bernoulliMeans } from './bernoulli-means.js';
import { squareSide, type ImageSet } from './image-grid.js';
import { relaxationOf, summariseRelaxed, type RelaxedLatentSummary, type SampledValues } from './relaxed-samples.js';
import type { Run } from './run-dir.js';

/** Held-out rows the relaxed samples are drawn on. */
const SAMPLE_ROWS = 200;
/** Images in the reconstruction grid (originals and reconstructions) and in the samples grid. */
const RECONSTRUCTED = 16;
const SAMPLED = 32;

/** What was drawn, and why anything was not. */
export interface ModelDraws {
  readonly relaxed: readonly RelaxedLatentSummary[];
  /** Originals and reconstructions interleaved by rows of `columns`. */
  readonly reconstructions?: { readonly images: ImageSet; readonly columns: number };
  readonly samples?: { readonly images: ImageSet; readonly columns: number };
  /** Why relaxed-sample figures or image grids are missing. */
  readonly notes: { readonly relaxed: readonly string[]; readonly images: readonly string[] };
}

/** Notes being collected. */
interface Notes {
  readonly relaxed: string[];
  readonly images: string[];
}

/** Draws from the run's trained model (the run must have a checkpoint). */
export async function drawFromModel(module: CompiledModelModule, run: Run, options: { readonly seed?: number; readonly log?: (m: string) => void } = {}): Promise<ModelDraws> {
  if (!run.checkpoint) throw new Error('drawFromModel needs a run with a checkpoint');
  const { manifest, dir } = run.checkpoint;
  const notes: Notes = { relaxed: [], images: [] };
  const model = await module.create({ seed: manifest.settings.seed, ...(options.log ? { log: options.log } : {}) });
  try {
    loadModelWeights(model, dir);
    const ctx: StepContext = { step: manifest.step, rng: new RandomStream(deriveSeed(options.seed ?? 0, 'report')) };
    const rows = heldOutRows(module, run, notes);
    const relaxed = rows ? drawRelaxed(model, rows, ctx, notes) : [];
    const images = rows ? drawImages(model, run, rows, ctx, notes) : {};
    if (rows) tf.dispose(Object.values(rows.batch));
    return { relaxed, ...images, notes };
  } finally {
    model.dispose();
  }
}

/** The first held-out rows of the run's dataset as a batch (undefined, with a note, when the data cannot be had). */
function heldOutRows(module: CompiledModelModule, run: Run, notes: Notes): { batch: Batch; size: number } | undefined {
  const specs = module.metadata.data;
  if (specs.length === 0) return { batch: {}, size: 0 };
  const name = run.checkpoint!.manifest.data.datasetName;
  try {
    const dataset = loadDataset(name);
    const start = run.records.find((r) => r.type === 'start');
    const train = Number(start?.trainSize);
    const test = Number(start?.testSize);
    // `sgm train` splits with --test-fraction (recorded as the split's sizes) and split seed 0.
    const testFraction = train > 0 && test >= 0 ? test / (train + test) : DEFAULT_TEST_FRACTION;
    const split = splitDataset(dataset, { testFraction, seed: 0 });
    const bound = bindModelData(module.metadata, split.test ?? split.train);
    if (!split.test) notes.relaxed.push(`the run held out no data: samples are drawn on training rows of '${name}'`);
    const size = Math.min(SAMPLE_ROWS, bound.size);
    return { batch: bound.batch(Array.from({ length: size }, (_v, i) => i)), size };
  } catch (error) {
    if (!isUserError(error)) throw error;
    const note = `draws on data are skipped: dataset '${name}' cannot be loaded (${error.message})`;
    notes.relaxed.push(note);
    notes.images.push(note);
    return undefined;
  }
}

/** Reads a tensor back as shape and values. */
const read = (t: tf.Tensor): SampledValues => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) });

/** Relaxed draws of every latent with a relaxation: from the guide (models with one) or the model's trace. */
function drawRelaxed(model: ModelInstance, rows: { batch: Batch }, ctx: StepContext, notes: Notes): RelaxedLatentSummary[] {
  const meta = model.metadata;
  const nodes = meta.nodes.filter((n) => n.kind === 'stochastic' && n.block !== 'generative' && n.distribution !== undefined && relaxationOf(n.distribution) !== undefined);
  if (nodes.length === 0) {
    notes.relaxed.push('no latent variable is drawn from a relaxation (IGR, Gumbel-Softmax, RelaxedBernoulli, GenGS): no relaxed-vs-discrete figures');
    return [];
  }
  const fromGuide = nodes.every((n) => meta.latents.includes(n.name));
  const drawn = tf.tidy(() => (fromGuide ? model.guide(rows.batch, ctx) : Object.fromEntries(model.trace(rows.batch, ctx))));
  try {
    return nodes.flatMap((n) => {
      const t = drawn[n.name];
      if (!t) {
        notes.relaxed.push(`'${n.name}' was not among the model's sampled values`);
        return [];
      }
      return [summariseRelaxed(n.name, n.distribution!, relaxationOf(n.distribution!)!, read(t))];
    });
  } finally {
    tf.dispose(Object.values(drawn));
  }
}

/** The image shape of a data declaration ([B, H*W] with a square H*W, or [B, H, W]), or undefined. */
function imageShape(spec: DataSpec): { height: number; width: number } | undefined {
  const dims = spec.shape.slice(1);
  if (dims.length === 1 && typeof dims[0] === 'number') {
    const side = squareSide(dims[0]);
    return side ? { height: side, width: side } : undefined;
  }
  if (dims.length === 2 && typeof dims[0] === 'number' && typeof dims[1] === 'number') return { height: dims[0], width: dims[1] };
  return undefined;
}

/** Reconstructions and prior samples of an image model with a Bernoulli likelihood (else notes saying why not). */
function drawImages(model: ModelInstance, run: Run, rows: { batch: Batch; size: number }, ctx: StepContext, notes: Notes): Pick<ModelDraws, 'reconstructions' | 'samples'> {
  const meta = model.metadata;
  const image = meta.data.map((spec) => ({ spec, shape: imageShape(spec) })).find((d) => d.shape !== undefined);
  if (!image?.shape) {
    notes.images.push('no image data (a data declaration of H×W values, e.g. [B, 784] for 28×28): no image grids');
    return {};
  }
  const name = image.spec.name;
  const observed = meta.nodes.find((n) => n.kind === 'observed' && n.name === name);
  const why =
    observed?.distribution !== 'Bernoulli'
      ? `'${name}' is not observed through a Bernoulli likelihood`
      : !model.logLikelihood || meta.latents.length === 0
        ? 'the model has no guide and generative blocks (no latents to decode)'
        : readByGenerative(run, name)
          ? `'${name}' is also an input of the generative model`
          : undefined;
  if (why) {
    notes.images.push(`image grids are skipped: ${why}`);
    return {};
  }
  const { height, width } = image.shape;
  const pixels = height * width;
  const n = Math.min(RECONSTRUCTED, rows.size);
  const out: { reconstructions?: ModelDraws['reconstructions']; samples?: ModelDraws['samples'] } = {};
  if (n > 0) {
    const batch = Object.fromEntries(Object.entries(rows.batch).map(([k, t]) => [k, t.slice(0, n)])) as Batch;
    const latents = model.guide(batch, ctx);
    const means = bernoulliMeans(model, name, batch, ctx, latents);
    const originals = batch[name].dataSync();
    tf.dispose([...Object.values(latents), ...Object.values(batch)]);
    const columns = n / 2 >= 4 ? n / 2 : n;
    const images: Float32Array[] = [];
    // Rows alternate: `columns` originals, then their reconstructions.
    for (let r = 0; r < n; r += columns) {
      for (let i = r; i < r + columns && i < n; i++) images.push(Float32Array.from(originals.subarray(i * pixels, (i + 1) * pixels)));
      for (let i = r; i < r + columns && i < n; i++) images.push(means.subarray(i * pixels, (i + 1) * pixels));
    }
    out.reconstructions = { images: { height, width, images }, columns };
  }
  if (meta.data.length > 1) {
    notes.images.push('prior samples are skipped: the model has more than one data declaration');
    return out;
  }
  const drawn = model.sample(SAMPLED, ctx);
  const latents = Object.fromEntries(meta.latents.map((z) => [z, drawn[z]]));
  const zeros = tf.zeros([SAMPLED, ...image.spec.shape.slice(1).map(Number)]);
  try {
    const means = bernoulliMeans(model, name, { [name]: zeros }, ctx, latents);
    out.samples = { images: { height, width, images: Array.from({ length: SAMPLED }, (_v, i) => means.subarray(i * pixels, (i + 1) * pixels)) }, columns: 8 };
  } finally {
    tf.dispose([zeros, ...Object.values(drawn)]);
  }
  return out;
}

/** Whether the data `name` feeds a node of the generative block (in the run's annotated graph). */
function readByGenerative(run: Run, name: string): boolean {
  const graph = run.model?.graph;
  if (!graph) return false;
  const block = new Map(graph.nodes.map((n) => [n.id, n.block]));
  return graph.edges.some((e) => e.source === name && e.kind === 'arg' && block.get(e.target) === 'generative');
}
