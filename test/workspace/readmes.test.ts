// Every folder of runtime and CDK code carries a README.md that a newcomer can navigate by (DEVELOPERS.md): its
// purpose, a table of its files (every file, so the table cannot go stale unnoticed), an "I want to… | go to…"
// table, its known failure modes, and the one template file the others mirror.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOP = ['core', 'lib', 'lambdas', 'stream-jobs'];
/** Folders that hold no code of their own to navigate (generated or data only). */
const SKIP = new Set(['node_modules', '__snapshots__', 'dist', 'cdk.out']);

function folders(dir: string): string[] {
  const out = [dir];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!SKIP.has(name) && statSync(p).isDirectory()) out.push(...folders(p));
  }
  return out;
}

const all = TOP.flatMap((t) => folders(join(ROOT, t)));

describe('folder READMEs', () => {
  it.each(all.map((d) => [relative(ROOT, d), d]))(
    '%s has a README with files, I-want-to, failure modes, template',
    (_, dir) => {
      const readmePath = join(dir, 'README.md');
      let text = '';
      try {
        text = readFileSync(readmePath, 'utf8');
      } catch {
        expect.fail(`${relative(ROOT, readmePath)} is missing`);
      }
      const problems: string[] = [];
      const files = readdirSync(dir).filter((n) => n !== 'README.md' && statSync(join(dir, n)).isFile());
      for (const f of files) if (!text.includes(f)) problems.push(`file ${f} is not in its files table`);
      if (!/\|\s*I want to/i.test(text)) problems.push('no "I want to… | go to…" table');
      if (!/failure mode|fails when|failure/i.test(text)) problems.push('no known failure modes');
      if (files.some((f) => /\.(ts|mjs|js)$/.test(f)) && !/template/i.test(text))
        problems.push('names no template file');
      expect(problems).toEqual([]);
    },
  );
});
