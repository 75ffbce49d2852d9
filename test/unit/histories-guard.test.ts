// Golden histories can only be added (test/helpers/histories.ts says why): every file under
// test/histories/ is listed in its SHA256SUMS with the hash it was recorded with, and that list
// itself only ever grows, in every commit since it exists and in the working tree.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcome } from '../helpers/cli';
import { HISTORIES_DIR, readSums, sha256, SUMS_FILE, writeNewHistories } from '../helpers/histories';

const sums = readSums();
const listed = new Set(sums.map((s) => s.file));
const present = (readdirSync(HISTORIES_DIR, { recursive: true }) as string[])
  .filter((f) => f !== SUMS_FILE && statSync(join(HISTORIES_DIR, f)).isFile())
  .sort();

/** `git` in the histories' folder: paths are relative to it (`./`). */
async function git(...args: string[]): Promise<{ code: number; stdout: string }> {
  return outcome(spawn('git', args, { cwd: HISTORIES_DIR }));
}

/** The lines of SHA256SUMS at a commit (none where it did not exist yet). */
async function sumsAt(commit: string): Promise<Set<string>> {
  const { code, stdout } = await git('show', `${commit}:./${SUMS_FILE}`);
  return new Set(code === 0 ? stdout.split('\n').filter(Boolean) : []);
}

const dropped = (before: Set<string>, after: Set<string>) => [...before].filter((line) => !after.has(line));

describe('golden histories are only ever added', () => {
  it.each(sums)('$file is as recorded', ({ file, hash }) => {
    let content: Buffer | undefined;
    try {
      content = readFileSync(join(HISTORIES_DIR, file));
    } catch {
      // Reported below, naming the file.
    }
    expect(content, `${file} is listed in ${SUMS_FILE} but was deleted`).toBeDefined();
    expect(sha256(content!), `${file} was modified: record the new scenario under a new name`).toBe(hash);
  });

  it(`every file under test/histories/ is listed in ${SUMS_FILE}, once`, () => {
    const unlisted = present.filter((f) => !listed.has(f));
    expect(unlisted, `not in ${SUMS_FILE} (save histories with test/helpers/histories.ts)`).toEqual([]);
    const twice = sums.map((s) => s.file).filter((f, i, all) => all.indexOf(f) !== i);
    expect(twice, `listed more than once in ${SUMS_FILE}`).toEqual([]);
  });

  // Else a re-recorded history could pass with its new hash written over the old one. A merge
  // commit keeps every line of each of its parents. (A shallow clone checks what it has.)
  it(`${SUMS_FILE} keeps every line it ever had, in each commit and in the working tree`, async () => {
    const log = await git('log', '--full-history', '--format=%H %P', 'HEAD', '--', SUMS_FILE);
    expect(log.code, 'the guard reads the repository’s git history: run it in a git checkout').toBe(0);
    const commits = log.stdout.split('\n').filter(Boolean);
    const losses = await Promise.all(
      commits.map(async (line) => {
        const [commit, ...parents] = line.split(' ') as [string, ...string[]];
        const after = await sumsAt(commit);
        const lost = await Promise.all(parents.map(async (p) => dropped(await sumsAt(p), after)));
        return lost.flat().map((l) => `${commit.slice(0, 10)} dropped or changed: ${l}`);
      }),
    );
    const inTree = new Set(readFileSync(join(HISTORIES_DIR, SUMS_FILE), 'utf8').split('\n').filter(Boolean));
    const uncommitted = dropped(await sumsAt('HEAD'), inTree).map(
      (l) => `working tree dropped or changed: ${l}`,
    );
    expect([...losses.flat(), ...uncommitted]).toEqual([]);
  });
});

describe('the history writer', () => {
  it(`writes a new name and appends its line to ${SUMS_FILE}; refuses an existing name, writing nothing`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-histories-'));
    try {
      writeNewHistories([['a.json', '{"events":[]}\n']], dir);
      const sumsText = () => readFileSync(join(dir, SUMS_FILE), 'utf8');
      expect(readSums(sumsText())).toEqual([{ file: 'a.json', hash: sha256('{"events":[]}\n') }]);
      expect(() =>
        writeNewHistories(
          [
            ['b.json', '{}\n'],
            ['a.json', '{}\n'],
          ],
          dir,
        ),
      ).toThrow(/never overwritten: a\.json already exist.*patched\('…'\).*under a new name/);
      expect(readdirSync(dir).sort()).toEqual([SUMS_FILE, 'a.json']);
      expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{"events":[]}\n');
      expect(readSums(sumsText())).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
