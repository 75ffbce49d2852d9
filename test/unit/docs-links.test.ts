// Every relative link in README.md and docs/*.md reaches a file of the repository, and every
// #anchor a heading of the page it names, so a reader following the docs never lands nowhere.
// Anchors are the ids GitHub gives headings, computed by github-slugger.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const PAGES = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
];

/** The page's text outside fenced code blocks and inline code spans. */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');

/** A heading's text as GitHub renders it: links read as their text. */
const headingText = (heading: string) => heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

/** The anchors of a page's headings, repeated ones numbered as GitHub numbers them. */
function anchors(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  return new Set([...text.matchAll(/^#{1,6} +(.+?) *#*$/gm)].map(([, h]) => slugger.slug(headingText(h!))));
}

/** Each relative link of a page: `[text](target)`, not http(s) or mailto. */
function links(file: string): string[] {
  return [...prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}

describe('links in README.md and docs/', () => {
  it('finds the pages and their links', () => {
    expect(PAGES.length).toBeGreaterThan(10);
    expect(PAGES.flatMap(links).length).toBeGreaterThan(50);
  });

  it('every relative link names an existing file, and every #anchor a heading of it', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const target of links(page)) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path ? join(dirname(page), decodeURIComponent(path)) : page;
        const where = `${relative(ROOT, page)} → ${target}`;
        if (!existsSync(file)) {
          broken.push(`${where}: no such file`);
        } else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('computes GitHub heading ids', () => {
    const slug = (heading: string) => new GithubSlugger().slug(headingText(heading));
    expect(slug('The ledger (C2, C14, I8–I10, I14)')).toBe('the-ledger-c2-c14-i8i10-i14');
    expect(slug('The embedded ledger under `sla up`')).toBe('the-embedded-ledger-under-sla-up');
    expect(slug('[Webhooks](webhooks.md) and C9')).toBe('webhooks-and-c9');
  });
});
