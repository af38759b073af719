// Conformance: our reader against real tables written by Spark, the Iceberg Java API and Athena
// (../shared/fixtures/iceberg beside the repository, see its README for the documented counts). Every location
// inside them starts with s3://hyperparam-iceberg/ or s3a://hyperparam-iceberg/; RelocatingFileIO maps both onto
// the fixture folder.
// icebird, an independent reader, reads the same versions (through a local fetch) and must agree row for row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import { RelocatingFileIO } from '../../../../core/iceberg/io/relocating-file-io.js';
import { loadMetadataFile, loadTableAt } from '../../../../core/iceberg/catalog/static-table.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { planIncremental } from '../../../../core/iceberg/scan/plan-incremental.js';
import { createDuckDBView } from '../../../../core/iceberg/scan/duckdb-view.js';
import { eq, gt } from '../../../../core/iceberg/scan/expression.js';
import { installLocalFetch } from './local-fetch.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../../../../shared/fixtures/iceberg');
const PREFIXES = { 's3://hyperparam-iceberg/': `${FIXTURES}/`, 's3a://hyperparam-iceberg/': `${FIXTURES}/` };
const io = new RelocatingFileIO(new LocalFileIO(), PREFIXES);
const ATHENA_V1 = '00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json';

const metadataAt = (table: string, file: string) =>
  loadMetadataFile(io, `s3://hyperparam-iceberg/${table}/metadata/${file}`);
const version = (table: string, v: number) => metadataAt(table, `v${v}.metadata.json`);

/** A row as comparable text: bigints as numbers, keys sorted, missing keys as null (over `columns`). */
function canon(rows: Record<string, unknown>[], columns: string[]): string[] {
  return rows
    .map((r) => JSON.stringify(columns.map((c) => (typeof r[c] === 'bigint' ? Number(r[c]) : (r[c] ?? null)))))
    .sort();
}

let restoreFetch: () => void;
let duck: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  restoreFetch = installLocalFetch((url) => {
    const m = /^https:\/\/hyperparam-iceberg\.s3\.amazonaws\.com\/(.*)$/.exec(url);
    return m ? `${FIXTURES}/${m[1]}` : undefined;
  });
  duck = await DuckDBInstance.create(':memory:');
  conn = await duck.connect();
});
afterAll(() => {
  restoreFetch();
  conn.closeSync();
  duck.closeSync();
});

const EXPECTED: [table: string, file: string, rows: number][] = [
  ['spark/bunnies', 'v1.metadata.json', 21],
  ['spark/bunnies', 'v2.metadata.json', 21],
  ['spark/bunnies', 'v3.metadata.json', 20],
  ['spark/bunnies', 'v4.metadata.json', 20],
  ['spark/bunnies', 'v5.metadata.json', 20],
  ['java/bunnies', 'v2.metadata.json', 21],
  ['java/bunnies', 'v3.metadata.json', 21],
  ['java/bunnies', 'v4.metadata.json', 15],
  ['java/bunnies', 'v5.metadata.json', 15],
  ['athena/example', ATHENA_V1, 2],
];

describe('fixture tables: documented row counts, and the same rows as icebird', () => {
  it.each(EXPECTED)('%s %s has %i rows', async (table, file, count) => {
    const t = await metadataAt(table, file);
    const ours = await readRows(t);
    expect(ours).toHaveLength(count);
    const columns = t.metadata.schemas
      .find((s) => s['schema-id'] === t.metadata['current-schema-id'])!
      .fields.map((f) => f.name);
    const theirs = await icebergRead({ tableUrl: `s3://hyperparam-iceberg/${table}`, metadataFileName: file });
    expect(canon(ours, columns)).toEqual(canon(theirs, columns));
  });

  it('java/bunnies v1 has no snapshot and reads as empty', async () => {
    expect(await readRows(await version('java/bunnies', 1))).toEqual([]);
  });
});

describe('fixture tables: deletes, schema evolution, time travel', () => {
  it('spark v3 drops exactly one row by position delete', async () => {
    const before = await readRows(await version('spark/bunnies', 2));
    const after = await readRows(await version('spark/bunnies', 3));
    const names = (rows: Record<string, unknown>[]) => rows.map((r) => r['Breed Name'] as string);
    const gone = names(before).filter((n) => !names(after).includes(n));
    expect(gone).toEqual(['Holland Lop']);
    const plan = await planFiles(await version('spark/bunnies', 3));
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]!.deletes.map((d) => d.file.content)).toEqual([1]);
  });

  it('spark v4 reads the added column as null in old files; v5 has it filled', async () => {
    const v4 = await readRows(await version('spark/bunnies', 4));
    expect(v4.every((r) => 'breed_name_length' in r && r.breed_name_length === null)).toBe(true);
    const v5 = await readRows(await version('spark/bunnies', 5));
    expect(v5).toHaveLength(20);
    for (const r of v5) expect(r.breed_name_length).toBe((r['Breed Name'] as string).length);
  });

  it('spark v5 as of snapshot 7505300640432048841, and as of its timestamp, has 21 rows', async () => {
    const t = await version('spark/bunnies', 5);
    expect(await readRows(t, { snapshotId: 7505300640432048841n })).toHaveLength(21);
    const first = t.metadata.snapshots!.find((s) => s['snapshot-id'] === 7505300640432048841n)!;
    expect(await readRows(t, { asOfTimestamp: first['timestamp-ms'] })).toHaveLength(21);
    expect(await readRows(t, { asOfTimestamp: Date.now() })).toHaveLength(20);
  });

  it('java v3 adds __happy__, null in the old file', async () => {
    const rows = await readRows(await version('java/bunnies', 3));
    expect(rows.every((r) => r.__happy__ === null)).toBe(true);
  });

  it('java v4 applies six position deletes; v5 replaces one row through an equality delete + insert', async () => {
    const v2 = await readRows(await version('java/bunnies', 2));
    const v4 = await readRows(await version('java/bunnies', 4));
    expect(v4).toHaveLength(15);
    const v5 = await readRows(await version('java/bunnies', 5));
    expect(v5).toHaveLength(15);
    const nz = v5.filter((r) => r['Breed Name'] === 'New Zealand');
    expect(nz).toHaveLength(1);
    expect(nz[0]!.__happy__).toBe(true);
    // v5 = v4 without the old New Zealand row, plus the new one
    const key = (r: Record<string, unknown>) => r['Breed Name'];
    expect(
      v5
        .filter((r) => r['Breed Name'] !== 'New Zealand')
        .map(key)
        .sort(),
    ).toEqual(
      v4
        .filter((r) => r['Breed Name'] !== 'New Zealand')
        .map(key)
        .sort(),
    );
    expect(v2.some((r) => r['Breed Name'] === 'New Zealand')).toBe(true);
  });

  it('athena: (1, Alice) and (2, Bob), last-sequence-number 1, found by listing without a version hint', async () => {
    const t = await loadTableAt(io, 's3://hyperparam-iceberg/athena/example');
    expect(path.basename(t.metadataLocation)).toBe(ATHENA_V1);
    expect(t.metadata['last-sequence-number']).toBe(1);
    const rows = await readRows(t);
    expect(rows.map((r) => [r.id, r.name]).sort()).toEqual([
      [1, 'Alice'],
      [2, 'Bob'],
    ]);
  });
});

describe('fixture tables: filters, incremental scans and the DuckDB hand-off', () => {
  it('filters rows and prunes files by metrics', async () => {
    const t = await version('spark/bunnies', 5);
    const rows = await readRows(t, { filter: eq('Breed Name', 'Netherland Dwarf') });
    expect(rows.map((r) => r['Breed Name'])).toEqual(['Netherland Dwarf']);
    const all = await readRows(t);
    const heavy = await readRows(t, { filter: gt('Average Weight', 2) });
    expect(heavy.length).toBeGreaterThan(0);
    expect(heavy.length).toBeLessThan(all.length);
    expect(heavy).toEqual(all.filter((r) => (r['Average Weight'] as number) > 2));
    // No bunny is over 1000 kg: the file's upper bound prunes it without reading it.
    expect((await planFiles(t, { filter: gt('Average Weight', 1000) })).tasks).toEqual([]);
  });

  it('incremental scan refuses to silently skip overwrites, and can skip them when asked', async () => {
    const t = await version('spark/bunnies', 5);
    await expect(planIncremental(t, { fromSnapshotId: 7505300640432048841n })).rejects.toThrow(
      /overwrite.*changes or removes rows/,
    );
    expect(await planIncremental(t, { fromSnapshotId: 7505300640432048841n, nonAppend: 'skip' })).toEqual([]);
    const fromStart = await planIncremental(await version('spark/bunnies', 1));
    expect(fromStart.map((x) => x.file.record_count)).toEqual([21]);
  });

  it('hands planned files to DuckDB, applying position and equality deletes by anti-join', async () => {
    const localPath = (l: string) => io.relocate(l);
    const v2 = await createDuckDBView(conn, 'spark_v2', await version('spark/bunnies', 2), { localPath });
    expect(v2.positionDeletes).toEqual([]);
    const v3 = await createDuckDBView(conn, 'spark_v3', await version('spark/bunnies', 3), { localPath });
    expect(v3.positionDeletes).toHaveLength(1);
    const count = async (view: string) =>
      Number((await conn.runAndReadAll(`SELECT count(*) FROM ${view}`)).getRows()[0]![0]);
    expect(await count('spark_v2')).toBe(21);
    expect(await count('spark_v3')).toBe(20);
    const ours = (await readRows(await version('spark/bunnies', 3))).map((r) => r['Breed Name']).sort();
    const theirs = (await conn.runAndReadAll(`SELECT "Breed Name" FROM spark_v3`))
      .getRows()
      .map((r) => r[0])
      .sort();
    expect(theirs).toEqual(ours);
    await createDuckDBView(conn, 'athena', await metadataAt('athena/example', ATHENA_V1), { localPath });
    expect((await conn.runAndReadAll(`SELECT id, name FROM athena ORDER BY id`)).getRows()).toEqual([
      [1, 'Alice'],
      [2, 'Bob'],
    ]);
    await createDuckDBView(conn, 'java_v4', await version('java/bunnies', 4), { localPath });
    expect(await count('java_v4')).toBe(15);
    // v5: Java's equality delete (+ insert) applied by DuckDB as by our reader
    const v5 = await createDuckDBView(conn, 'java_v5', await version('java/bunnies', 5), { localPath });
    expect(v5.equalityDeletes).toHaveLength(1);
    const names = async (view: string) =>
      (await conn.runAndReadAll(`SELECT "Breed Name", __happy__ FROM ${view}`))
        .getRows()
        .map((r) => `${String(r[0])}/${String(r[1])}`)
        .sort();
    const ours5 = (await readRows(await version('java/bunnies', 5)))
      .map((r) => `${String(r['Breed Name'])}/${String(r.__happy__)}`)
      .sort();
    expect(await names('java_v5')).toEqual(ours5);
    expect(ours5.filter((n) => n.startsWith('New Zealand/'))).toEqual(['New Zealand/true']);
  });
});
