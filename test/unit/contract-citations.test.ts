// Every clause or interpretation id the code, tests and docs cite (C…, I…) resolves in the spec
// the repository holds, docs/contract.md, and nothing cites a tracker's numbers: a reader of a
// clone can look up every reference without anything else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CONTRACT = join(ROOT, 'docs', 'contract.md');

/** Text files under the given roots (files or folders), golden histories and binaries left out. */
function filesUnder(...roots: string[]): string[] {
  return roots.flatMap((root) => {
    const path = join(ROOT, root);
    if (statSync(path).isFile()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .map((f) => join(path, f))
      .filter((f) => !relative(ROOT, f).startsWith(join('test', 'histories')))
      .filter((f) => /\.(ts|js|md|sh|json|toml|py|ya?ml|csv)$/.test(f) && statSync(f).isFile());
  });
}

/** Each `path:line: id` whose id matches and is not in `known`. */
function unknownIds(files: string[], known: Set<string>): string[] {
  const found: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(/\b[CI]\d+\b/g))
          if (!known.has(m[0])) found.push(`${relative(ROOT, file)}:${i + 1}: ${m[0]}`);
      });
  }
  return found;
}

describe('the spec in the repository', () => {
  const headings = [...readFileSync(CONTRACT, 'utf8').matchAll(/^### ([CI]\d+)$/gm)].map((m) => m[1]!);

  it('docs/contract.md has a heading (and so an anchor) for each of C1–C14 and I1–I15', () => {
    const expected = [
      ...Array.from({ length: 14 }, (_, i) => `C${i + 1}`),
      ...Array.from({ length: 15 }, (_, i) => `I${i + 1}`),
    ];
    expect(headings).toEqual(expected);
  });

  it('every C… and I… id cited in src/, test/, docs/ and README.md is in docs/contract.md', () => {
    const files = filesUnder('src', 'test', 'docs', 'README.md');
    expect(files.length).toBeGreaterThan(100);
    expect(unknownIds(files, new Set(headings))).toEqual([]);
  });

  it('no file in src/, test/, docs/, scripts/, bench/ or README.md cites a tracker issue by number', () => {
    const files = filesUnder('src', 'test', 'docs', 'scripts', 'bench', 'README.md');
    const cites = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\bissues?\s*#?\s*\d+/i.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(cites).toEqual([]);
  });
});
