// `npm run schemas:build`: loads glue-schemas/ from disk, writes the derived artifacts to glue-schemas/derived/
// and regenerates the committed TypeScript (sources.generated.ts, events.generated.ts), Prettier-formatted.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readContractFiles } from './load-dir.js';
import { loadContracts } from './load.js';
import type { ContractSet } from './load.js';
import { derivedArtifacts } from './derived.js';
import { sourcesModule, typesModule } from './codegen.js';

/**
 * Writes the derived artifacts into `outDir` and removes stale ones; returns the relative paths written. Each file
 * is written beside its target and renamed over it, so a concurrent reader (another test process) never sees a
 * missing or half-written file.
 */
export function writeDerived(set: ContractSet, outDir: string): string[] {
  const artifacts = derivedArtifacts(set);
  for (const [path, json] of artifacts) {
    const file = join(outDir, path);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(tmp, file);
  }
  const stale = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(join(outDir, dir), { withFileTypes: true })) {
      const rel = `${prefix}${entry.name}`;
      if (entry.isDirectory()) stale(join(dir, entry.name), `${rel}/`);
      else if (!artifacts.has(rel) && !entry.name.endsWith('.tmp')) rmSync(join(outDir, rel), { force: true });
    }
  };
  stale('', '');
  return [...artifacts.keys()];
}

/** The generated TypeScript files (relative to the repository root) with their Prettier-formatted text. */
export async function generatedModules(repoRoot: string): Promise<Map<string, string>> {
  const files = readContractFiles(join(repoRoot, 'glue-schemas'));
  const set = loadContracts(files);
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(join(repoRoot, 'core/contracts/codegen.ts'))) ?? {};
  const format = (text: string) => prettier.format(text, { ...options, parser: 'typescript' });
  return new Map([
    ['core/contracts/sources.generated.ts', await format(sourcesModule(files))],
    ['core/contracts/events.generated.ts', await format(typesModule(set))],
  ]);
}

export interface BuildResult {
  tables: number;
  artifacts: string[];
  generated: string[];
}

/** Writes glue-schemas/derived/ (when `derived`) and the generated TypeScript files that changed (when `code`). */
export async function buildAll(
  repoRoot: string,
  what: { derived?: boolean; code?: boolean } = {},
): Promise<BuildResult> {
  const set = loadContracts(readContractFiles(join(repoRoot, 'glue-schemas')));
  const artifacts = what.derived === false ? [] : writeDerived(set, join(repoRoot, 'glue-schemas/derived'));
  const generated: string[] = [];
  if (what.code !== false) {
    for (const [path, text] of await generatedModules(repoRoot)) {
      const file = join(repoRoot, path);
      let old = '';
      try {
        old = readFileSync(file, 'utf8');
      } catch {
        // first build
      }
      if (old !== text) {
        writeFileSync(file, text);
        generated.push(path);
      }
    }
  }
  return { tables: set.tables.length, artifacts, generated };
}
