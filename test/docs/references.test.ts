// Nothing in the repository refers to a file outside it: no path into the workspace folder beside the checkout,
// the workspace's design and math notes named only where docs/ holds a file of that name, and every
// "docs/<name>.md section N" names a section that exists. The checker itself is tested on made-up texts first, so a
// checker that finds nothing fails here. The made-up texts are written as DOCS/NAME (which `refs` expands to the
// path of NAME, lower case, under docs/) so that this file holds none of the references it tests for.
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { checkRepository, checkText, sectionNumbers, type DocIndex } from './references.js';

const outside = ['..', 'shared', 'seeds'].join('/');
const designDoc = ['design', 'md'].join('.');
/** DOCS/MATH -> docs/math.md, and a bare MATH.MD -> math.md. */
const refs = (text: string): string =>
  text.replace(/DOCS\/([A-Z]+)/g, (_, n: string) => `docs/${n.toLowerCase()}.md`).replace(/\b([A-Z]+)\.MD\b/g, (_, n: string) => `${n.toLowerCase()}.md`);

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
      [2, `docs/ holds no ${designDoc}`],
    ]);
  });

  it('flags sections that do not exist, in single, list and range forms, across a comment line break', () => {
    const text = refs(
      [
        '/** DOCS/MATH section 4 and DOCS/MATH section 5 */',
        '// DOCS/MATH sections 1-3 and DOCS/MATH sections 2 and 9',
        ' * (DOCS/MATH',
        ' * section 11) DOCS/ARCHITECTURE §2 DOCS/ARCHITECTURE section 10 rule 2',
        'DOCS/NOTHING',
      ].join('\n'),
    );
    expect(checkText('b.ts', text, docs).map((b) => `${b.line}: ${b.why}`)).toEqual([
      '5: docs/ holds no nothing.md',
      '1: docs/math.md has no section 5',
      '2: docs/math.md has no section 9',
      '3: docs/math.md has no section 11',
      '4: docs/architecture.md has no section 10',
    ]);
  });

  it('accepts references that resolve', () => {
    const text = refs('DOCS/MATH section 10 rule 3; DOCS/MATH sections 1 and 3; DOCS/ARCHITECTURE section 2; MATH.MD');
    expect(checkText(refs('DOCS/API'), text, docs)).toEqual([]);
  });
});

describe('the repository', () => {
  it('refers to nothing outside itself and to documentation sections that exist', () => {
    const bad = checkRepository(packageRoot()).map((b) => `${b.file}:${b.line}: ${b.text} (${b.why})`);
    expect(bad).toEqual([]);
  });
});
