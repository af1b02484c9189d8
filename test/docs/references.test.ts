// Nothing in the repository refers to a file outside it: no path into the workspace folder beside the checkout,
// `design.md` / `math.md` only where docs/ holds such a file, and every "docs/<name>.md section N" names a section
// that exists. The checker itself is tested on made-up texts first, so a checker that finds nothing fails here.
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { checkRepository, checkText, sectionNumbers, type DocIndex } from './references.js';

// Built from pieces so this file does not hold the references it tests for.
const outside = ['..', 'shared', 'seeds'].join('/');
const designDoc = ['design', 'md'].join('.');

const docs: DocIndex = new Map([
  ['math.md', new Set([1, 2, 3, 4, 10])],
  ['architecture.md', new Set([1, 2])],
]);

describe('the reference checker', () => {
  it('reads numbered sections of a markdown text', () => {
    expect([...sectionNumbers('# T\n## 1. a\ntext\n## 12. b\n### 3. c\n## Notes\n')]).toEqual([1, 12, 3]);
  });

  it('flags a path into the workspace folder and a design document docs/ does not hold', () => {
    const bad = checkText('a.ts', `// see ${outside}\n// and ${designDoc} section 3\n`, docs);
    expect(bad.map((b) => [b.line, b.why])).toEqual([
      [1, 'points outside the repository'],
      [2, 'docs/ holds no design.md'],
    ]);
  });

  it('flags sections that do not exist, in single, list and range forms, across a comment line break', () => {
    const text = [
      '/** docs/math.md section 4 and docs/math.md section 5 */',
      '// docs/math.md sections 1-3 and docs/math.md sections 2 and 9',
      ' * (docs/math.md',
      ' * section 11) docs/architecture.md §2 docs/architecture.md section 10 rule 2',
      'docs/nothing.md',
    ].join('\n');
    expect(checkText('b.ts', text, docs).map((b) => `${b.line}: ${b.why}`)).toEqual([
      '5: docs/ holds no nothing.md',
      '1: docs/math.md has no section 5',
      '2: docs/math.md has no section 9',
      '3: docs/math.md has no section 11',
      '4: docs/architecture.md has no section 10',
    ]);
  });

  it('accepts references that resolve', () => {
    const text = 'docs/math.md section 10 rule 3; docs/math.md sections 1 and 3; docs/architecture.md section 2; math.md';
    expect(checkText('docs/x.md', text, docs)).toEqual([]);
  });
});

describe('the repository', () => {
  it('refers to nothing outside itself and to documentation sections that exist', () => {
    const bad = checkRepository(packageRoot()).map((b) => `${b.file}:${b.line}: ${b.text} (${b.why})`);
    expect(bad).toEqual([]);
  });
});
