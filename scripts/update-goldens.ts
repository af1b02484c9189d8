/**
 * Regenerates every golden file (test/cases/{good,bad,models}) and the generated reference pages (docs/reference.md,
 * docs/diagnostics.md). Run `npm run goldens`, then review the diff:
 * each golden is a claim about the compiler's behaviour.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allGoldens, type Golden } from '../test/golden-outputs.js';
import { packageRoot } from '../runtime/package-root.js';

const root = packageRoot();
const { good, bad, models, docs } = allGoldens();
const goldens: Golden[] = [...good.flatMap(([, g]) => g), ...bad.map(([, g]) => g), ...models.flatMap(([, g]) => g), ...docs];
let changed = 0;
for (const g of goldens) {
  const file = join(root, g.path);
  if (existsSync(file) && readFileSync(file, 'utf8') === g.text) continue;
  writeFileSync(file, g.text);
  changed++;
  console.log(`updated ${g.path}`);
}
console.log(`${goldens.length} goldens, ${changed} updated`);
