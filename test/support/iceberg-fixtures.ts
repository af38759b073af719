// The Iceberg conformance fixtures of ../shared/fixtures/iceberg (Spark, Java and Athena tables; see its README).
// Their paths start with s3://hyperparam-iceberg/ or s3a://hyperparam-iceberg/, mapped here onto the folder.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ICEBERG_FIXTURES = path.resolve(repoRoot, '../shared/fixtures/iceberg');
export const FIXTURE_TABLES = ['spark/bunnies', 'java/bunnies', 'athena/example'] as const;

/** The local path of a location written in a fixture's metadata. */
export function fixturePath(location: string): string {
  const m = /^s3a?:\/\/hyperparam-iceberg\/(.*)$/.exec(location);
  if (!m) throw new Error(`not a fixture location: ${location}`);
  return path.join(ICEBERG_FIXTURES, m[1]!);
}

/** Absolute paths of a fixture table's metadata files whose names match `pattern`. */
export function fixtureMetadataFiles(table: string, pattern: RegExp): string[] {
  const dir = path.join(ICEBERG_FIXTURES, table, 'metadata');
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
