// The released snapshot (glue-schemas/released/tables.json) and the checks against it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContractsFromDir } from './load-dir.js';
import { releaseSnapshot, compareReleases } from './evolution.js';
import type { ReleaseSnapshot } from './evolution.js';

export const RELEASED_FILE = 'glue-schemas/released/tables.json';

export function readRelease(repoRoot: string): ReleaseSnapshot | null {
  const file = join(repoRoot, RELEASED_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ReleaseSnapshot;
}

export interface CheckResult {
  tables: number;
  breaking: string[];
  notes: string[];
}

export function checkRelease(repoRoot: string): CheckResult {
  const current = releaseSnapshot(loadContractsFromDir(join(repoRoot, 'glue-schemas')));
  const released = readRelease(repoRoot);
  if (!released) {
    return {
      tables: current.tables.length,
      breaking: [`no released snapshot at ${RELEASED_FILE}: run npm run schemas:release`],
      notes: [],
    };
  }
  return { tables: current.tables.length, ...compareReleases(released, current) };
}

export function writeRelease(
  repoRoot: string,
  opts: { force: boolean },
): CheckResult & { written: boolean; file: string } {
  const current = releaseSnapshot(loadContractsFromDir(join(repoRoot, 'glue-schemas')));
  const released = readRelease(repoRoot);
  const cmp = released ? compareReleases(released, current) : { breaking: [], notes: [] };
  if (cmp.breaking.length > 0 && !opts.force)
    return { tables: current.tables.length, ...cmp, written: false, file: RELEASED_FILE };
  mkdirSync(join(repoRoot, 'glue-schemas/released'), { recursive: true });
  writeFileSync(join(repoRoot, RELEASED_FILE), `${JSON.stringify(current, null, 2)}\n`);
  return { tables: current.tables.length, ...cmp, written: true, file: RELEASED_FILE };
}
