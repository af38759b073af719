// Every folder under stream-jobs/ (and core/stream, the consumer's runtime) has the README the conventions ask for:
// its purpose, a table of its files naming every file in the folder, an "I want to… | go to…" table, its known
// failure modes, and one named template file that exists. A folder without one (an empty leftover included) fails.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `dir` and every folder below it, relative to the repository root. */
function folders(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist') out.push(...folders(path.join(dir, e.name)));
  }
  return out;
}

const FOLDERS = [...folders('stream-jobs'), ...folders('core/stream')];

describe.each(FOLDERS)('%s/README.md', (dir) => {
  const file = path.join(ROOT, dir, 'README.md');

  it('exists', () => {
    expect(existsSync(file), `${dir} has no README.md`).toBe(true);
  });

  it('has its purpose, a files table, an "I want to… | go to…" table and its known failure modes', () => {
    const text = readFileSync(file, 'utf8');
    const purpose = text
      .split(/^## /m)[0]!
      .replace(/^# .*$/m, '')
      .trim();
    expect(purpose.length, 'a purpose paragraph before the first section').toBeGreaterThan(80);
    expect(text).toMatch(/^## Files\s*\n\s*\n\| file \| what it does \|/m);
    expect(text).toMatch(/^## I want to… \| go to…\s*\n\s*\n\| I want to… \| go to… \|/m);
    expect(text).toMatch(/^## Known failure modes\s*\n\s*\n- \*\*/m);
  });

  it('lists every file of the folder in its files table', () => {
    const text = readFileSync(file, 'utf8');
    const table = text.split(/^## Files/m)[1]!.split(/^## /m)[0]!;
    const listed = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    const files = readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && e.name !== 'README.md')
      .map((e) => e.name);
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
    expect([...listed].filter((f) => !files.includes(f!))).toEqual([]);
  });

  it('names one template file that exists', () => {
    const text = readFileSync(file, 'utf8');
    const named = [...text.matchAll(/Template file: `([^`]+)`/g)].map((m) => m[1]!);
    expect(named).toHaveLength(1);
    expect(existsSync(path.join(ROOT, dir, named[0]!)), named[0]).toBe(true);
  });
});
