/**
 * The checkpoint format (docs/runtime.md, "Checkpoints"). A run directory holds the current checkpoint in
 * `checkpoint/`, a directory of three files:
 *  - `checkpoint.json`: the manifest below (written last: a directory without it is incomplete), with the size
 *    and SHA-256 of the two other files and a SHA-256 of itself;
 *  - `weights.bin`: every tensor's bytes, concatenated (tfjs `io.encodeWeights` layout, little-endian);
 *  - `weights.json`: the index of weights.bin, tfjs `WeightsManifestEntry[]` (name, shape, dtype, in order).
 * Tensor names: `variable/<name>` for every model variable (trainable or not, e.g. baselines),
 * `adam/m/<name>` and `adam/v/<name>` for Adam's first and second moments of trainable variables.
 * `checkpoint.previous/` keeps the checkpoint before the current one; `.checkpoint.tmp/` holds a checkpoint
 * being written (see write.ts).
 */

/** The `format` field of every manifest. */
export const CHECKPOINT_FORMAT = 'sgm-checkpoint';
/** Version of the layout below; readers refuse other versions (version 1 had no checksums). */
export const CHECKPOINT_VERSION = 2;

/** File names inside a checkpoint directory. */
export const MANIFEST_FILE = 'checkpoint.json';
export const WEIGHTS_FILE = 'weights.bin';
export const INDEX_FILE = 'weights.json';

/** Directory names inside a run directory. */
export const CURRENT_DIR = 'checkpoint';
export const TMP_DIR = '.checkpoint.tmp';
export const PREVIOUS_DIR = 'checkpoint.previous';
/** The checkpoint before the previous one while it is being deleted (write.ts). */
export const TRASH_DIR = '.checkpoint.trash';

/** The files the manifest records (size and SHA-256), in the order they are written. */
export const DATA_FILES = [WEIGHTS_FILE, INDEX_FILE] as const;
export type DataFileName = (typeof DATA_FILES)[number];

/** Size and SHA-256 (hex) of one file of a checkpoint. */
export interface FileStamp {
  readonly bytes: number;
  readonly sha256: string;
}

/** Tensor-name prefixes inside weights.bin. */
export const VARIABLE_PREFIX = 'variable/';
export const ADAM_M_PREFIX = 'adam/m/';
export const ADAM_V_PREFIX = 'adam/v/';

/** The settings that define a training run; a resumed run takes them from its checkpoint. */
export interface TrainingSettings {
  readonly seed: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** The learning-rate schedule's canonical text (train/lr-schedule.ts); absent: constant. */
  readonly lrSchedule?: string;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** Adam's scalar state; its moment tensors are in weights.bin. */
export interface AdamScalars {
  readonly kind: 'adam';
  /** Number of applied updates (tfjs `iterations`). */
  readonly iterations: number;
  /**
   * beta1^(t+1) and beta2^(t+1) exactly as the optimizer holds them (float32 products accumulated step by
   * step). Saved because tfjs' setWeights recomputes them with pow(), which differs in the last bits after
   * a few steps and would break bit-exact resume.
   */
  readonly accBeta1: number;
  readonly accBeta2: number;
}

/** Where the data iterator stands: enough, with the seed, to draw the same next batch. */
export interface DataPosition {
  readonly datasetName: string;
  /** SHA-256 of the bound training columns (bind.ts); resuming on other data is refused. */
  readonly fingerprint: string;
  readonly size: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly batchesPerEpoch: number;
}

/** What the manifest records about the model. */
export interface ModelStamp {
  readonly name: string;
  readonly source: string;
  readonly sgmVersion: string;
  /** modelHash(metadata) (model-hash.ts). */
  readonly hash: string;
  readonly hyperparameters: Readonly<Record<string, number>>;
}

/** The manifest, `checkpoint.json`. */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  /** Completed optimizer steps; a resumed run's next step index. */
  readonly step: number;
  readonly settings: TrainingSettings;
  /** State of the training RandomStream (stdlib/random.ts) before step `step`. */
  readonly rng: { readonly seed: number; readonly counter: number };
  readonly data: DataPosition;
  readonly model: ModelStamp;
  readonly optimizer: AdamScalars;
  /** Metrics of the last step before the checkpoint (loss, value and the model's metrics). */
  readonly metrics: Readonly<Record<string, number>>;
  /** The run's JSONL log and its size when the checkpoint was taken (a resumed run truncates it there). */
  readonly log?: { readonly file: string; readonly bytes: number };
  /** Target step count of the run that wrote it (informative). */
  readonly targetSteps: number;
  readonly createdAt: string;
  /** Size and SHA-256 of weights.bin and weights.json. */
  readonly files: Readonly<Record<DataFileName, FileStamp>>;
  /** SHA-256 (hex) of the manifest's own JSON without this field (manifestChecksum in manifest-schema.ts). */
  readonly checksum: string;
}

/** What the trainer fills in; writeCheckpoint adds `files` and `checksum`. */
export type ManifestContent = Omit<CheckpointManifest, 'files' | 'checksum'>;
