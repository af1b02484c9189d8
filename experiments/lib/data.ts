/** The experiments' data: a dataset spec, split like `sgm train` splits it (10% held out, split seed 0), bound to a model. */
import { bindModelData, type BoundData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../../runtime/data/split.js';
import type { ModelMetadata } from '../../runtime/model-api.js';

/** Training and test rows of `spec` for a model (the test split is the one `sgm train` and `sgm eval` use). */
export function splitData(spec: string, metadata: ModelMetadata): { train: BoundData; test: BoundData } {
  const split = splitDataset(loadDataset(spec), { testFraction: DEFAULT_TEST_FRACTION, seed: 0 });
  if (!split.test) throw new Error(`${spec}: no test rows`);
  return { train: bindModelData(metadata, split.train), test: bindModelData(metadata, split.test) };
}
