// Every relative link in the project's Markdown (README.md, docs/, folder READMEs, glue-schemas/, bench/) points at
// a file or folder that exists, so the "I want to… go to…" tables and the docs index cannot rot unnoticed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIP = new Set(['node_modules', '.git', 'cdk.out', 'dist', '.shoplake', 'derived', '__snapshots__']);

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Inline links `[text](target)` outside code blocks and code spans, minus external ones and pure anchors. */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: string[] = [];
  for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    links.push(target.split('#')[0]!);
  }
  return links;
}

describe('Markdown links', () => {
  const files = markdownFiles(ROOT);
  it('finds the Markdown files', () => {
    expect(files.map((f) => relative(ROOT, f))).toContain('README.md');
  });
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every relative link resolves', (_, file) => {
    const broken = relativeLinks(readFileSync(file, 'utf8')).filter(
      (t) => t !== '' && !existsSync(join(dirname(file), decodeURIComponent(t))),
    );
    expect(broken).toEqual([]);
  });
});
