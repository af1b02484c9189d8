// check-support.ts names the data sets that take `binarize=` without importing the registry (so data binding runs
// in a page): the list must agree with the registry's parameters.
import { expect, it } from 'vitest';
import { TAKES_BINARIZE } from '../../runtime/data/check-support.js';
import { DATASETS } from '../../runtime/data/registry.js';

it('TAKES_BINARIZE lists exactly the data sets whose registry entry takes binarize=', () => {
  const expected = Object.keys(DATASETS).filter((name) => Object.hasOwn(DATASETS[name].params, 'binarize'));
  expect([...TAKES_BINARIZE].sort()).toEqual(expected.sort());
  expect(expected.length).toBeGreaterThan(0);
});
