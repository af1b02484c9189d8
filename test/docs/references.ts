/**
 * Finds references that point outside the repository or at documentation that does not exist: the workspace
 * folder next to the checkout, the workspace's design or math notes where docs/ holds no file of that name, a
 * `docs/<name>.md` file that is missing, and "docs/<name>.md section N" where that document has no section N
 * (a heading "## N. ...").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One offending reference. */
export interface BadReference {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** The documents a reference may name, by file name under docs/, each with its numbered sections. */
export type DocIndex = ReadonlyMap<string, ReadonlySet<number>>;

// Spelled in pieces so that this file does not contain the references it looks for.
const OUTSIDE = ['..', 'shared'].join('/');
const LOOSE_DOC = new RegExp(`([\\w./-]*?)\\b(${['design', 'math'].join('|')})\\.md`, 'g');
const DOC_FILE = /\bdocs\/([\w-]+\.md)/g;
// "docs/<name>.md section 4", "... sections 1 and 3", "... sections 1-5", "... §7", also across a comment's line
// break (the name at the end of one line, "section 4" on the next).
const DOC_SECTION = /\bdocs\/([\w-]+\.md)(?:\)|\]\([\w./-]*\))?[\s*/#]*(?:sections?|§)\s*(\d+(?:\s*(?:-|–|,|and|or|to)\s*\d+)*)/g;

/** Numbered sections ("## 4. Title") of a markdown text. */
export function sectionNumbers(markdown: string): Set<number> {
  return new Set([...markdown.matchAll(/^#{2,3}\s+(\d+)\.\s/gm)].map((m) => Number(m[1])));
}

/** The documents under `docsDir` with their section numbers. */
export function indexDocs(docsDir: string): DocIndex {
  const index = new Map<string, Set<number>>();
  if (!existsSync(docsDir)) return index;
  for (const name of readdirSync(docsDir)) {
    if (name.endsWith('.md')) index.set(name, sectionNumbers(readFileSync(join(docsDir, name), 'utf8')));
  }
  return index;
}

/** The section numbers a "sections 1-3 and 5" phrase names. */
function numbersIn(phrase: string): number[] {
  const out: number[] = [];
  for (const part of phrase.split(/\s*(?:,|and|or)\s*/)) {
    const range = /^(\d+)\s*(?:-|–|to)\s*(\d+)$/.exec(part);
    if (range) for (let n = Number(range[1]); n <= Number(range[2]); n++) out.push(n);
    else if (/^\d+$/.test(part)) out.push(Number(part));
  }
  return out;
}

/** Every bad reference in one file's text. */
export function checkText(file: string, text: string, docs: DocIndex): BadReference[] {
  const bad: BadReference[] = [];
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const add = (offset: number, found: string, why: string): void => {
    bad.push({ file, line: lineOf(offset), text: found, why });
  };
  for (let i = text.indexOf(OUTSIDE); i >= 0; i = text.indexOf(OUTSIDE, i + 1)) add(i, OUTSIDE, 'points outside the repository');
  for (const m of text.matchAll(LOOSE_DOC)) {
    const name = `${m[2]}.md`;
    if (!docs.has(name)) add(m.index, m[0], `docs/ holds no ${name}`);
    else if (m[1] !== '' && !/(^|\/)docs\/$/.test(m[1])) add(m.index, m[0], `names ${name} outside docs/`);
  }
  for (const m of text.matchAll(DOC_FILE)) {
    if (!docs.has(m[1])) add(m.index, m[0], `docs/ holds no ${m[1]}`);
  }
  for (const m of text.matchAll(DOC_SECTION)) {
    const sections = docs.get(m[1]);
    if (!sections) continue; // reported above
    for (const n of numbersIn(m[2])) {
      if (!sections.has(n)) add(m.index, m[0].replace(/\s+/g, ' '), `docs/${m[1]} has no section ${n}`);
    }
  }
  return bad;
}

/** The repository's files: `git ls-files`, or a walk of the tree (without node_modules, dist, .git) outside git. */
export function repositoryFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((f) => f !== '' && existsSync(join(root, f)));
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(root, dir))) {
        if (['node_modules', 'dist', '.git', '.sgm-cache'].includes(name)) continue;
        const rel = dir === '' ? name : `${dir}/${name}`;
        if (statSync(join(root, rel)).isDirectory()) walk(rel);
        else out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

/** Every bad reference in the repository at `root` (binary files are skipped). */
export function checkRepository(root: string): BadReference[] {
  const docs = indexDocs(join(root, 'docs'));
  const bad: BadReference[] = [];
  for (const file of repositoryFiles(root)) {
    if (statSync(join(root, file)).size > 20_000_000) continue;
    const text = readFileSync(join(root, file), 'utf8');
    if (text.includes('\u0000')) continue;
    bad.push(...checkText(file, text, docs));
  }
  return bad;
}
