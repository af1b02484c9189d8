// check-support.ts names the data sets with a `-binarized` variant without importing the registry (so data
// binding runs in a page): the list must agree with the registry's names.
import { expect, it } from 'vitest';
import { HAS_BINARIZED_VARIANT } from '../../runtime/data/check-support.js';
import { DATASETS } from '../../runtime/data/registry.js';

it('HAS_BINARIZED_VARIANT lists exactly the data sets whose `-binarized` variant is registered', () => {
  const expected = Object.keys(DATASETS).filter((name) => Object.hasOwn(DATASETS, `${name}-binarized`));
  expect([...HAS_BINARIZED_VARIANT].sort()).toEqual(expected.sort());
  expect(expected.length).toBeGreaterThan(0);
});
