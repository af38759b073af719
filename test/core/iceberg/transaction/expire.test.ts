import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import {
  append,
  createOrders,
  currentSnapshot,
  ids,
  newWarehouse,
  orders,
  range,
  referencedFiles,
  writeRows,
} from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

/** s1 append A, s2 append B, s3 compaction of A+B into C, s4 append D. */
async function history(name: string, properties: Record<string, string> = {}): Promise<LoadedTable> {
  let table = await createOrders(wh.catalog, name, properties);
  table = await append(wh.catalog, table, orders(0, 10, 1));
  table = await append(wh.catalog, table, orders(10, 10, 1));
  const small = (await planFiles(table)).tasks.map((t) => t.file);
  table = await new Transaction(wh.catalog, table)
    .replaceFiles(small, await writeRows(table, await readRows(table)))
    .commit();
  return append(wh.catalog, table, orders(20, 10, 2));
}

const isMetadataJson = (f: string): boolean => f.endsWith('.metadata.json') || f.endsWith('version-hint.text');

describe('expireSnapshots', () => {
  it('expires all but the newest snapshot and deletes exactly the files no remaining snapshot references', async () => {
    const table = await history('expire_all');
    const before = new Set(await table.io.list(table.metadata.location));
    const s4 = currentSnapshot(table);

    const tx = new Transaction(wh.catalog, table).expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 });
    const after = await tx.commit();
    expect(after.metadata.snapshots!.map((s) => s['snapshot-id'])).toEqual([s4['snapshot-id']]);
    expect(after.metadata['snapshot-log']!.map((e) => e['snapshot-id'])).toEqual([s4['snapshot-id']]);
    expect(after.metadata.refs?.main?.['snapshot-id']).toBe(s4['snapshot-id']);

    // What was deleted is exactly what was on disk and is no longer referenced (old metadata.json aside).
    const kept = await referencedFiles(after);
    const expectedGone = [...before].filter((f) => !kept.has(f) && !isMetadataJson(f)).sort();
    const r = tx.expired!;
    expect(r.expiredSnapshotIds).toEqual(table.metadata.snapshots!.slice(0, 3).map((s) => s['snapshot-id']));
    const reported = [...r.deleted.manifestLists, ...r.deleted.manifests, ...r.deleted.dataFiles].sort();
    expect(reported).toEqual(expectedGone);
    expect(r.deleted.manifestLists).toHaveLength(3);
    expect(r.deleted.dataFiles.length).toBeGreaterThan(0); // the compacted small files
    expect(r.deleted.dataFiles.every((f) => f.endsWith('.parquet'))).toBe(true);
    expect(r.notDeleted).toEqual([]);
    const now = new Set(await after.io.list(after.metadata.location));
    for (const f of expectedGone) expect(now.has(f)).toBe(false);
    for (const f of kept) expect(now.has(f)).toBe(true);
    // The data is intact.
    expect(await ids(after)).toEqual(range(0, 30));
  });

  it("keeps refs' snapshots (a tag on the first snapshot) and the files they reach", async () => {
    let table = await history('expire_tag');
    const [s1, s2] = table.metadata.snapshots!;
    table = await wh.catalog.commitTable(table, {
      ...table.metadata,
      refs: { ...table.metadata.refs, audit: { 'snapshot-id': s1!['snapshot-id'], type: 'tag' } },
    });
    const tx = new Transaction(wh.catalog, table).expireSnapshots({ olderThanMs: Date.now() + 60_000 });
    const after = await tx.commit();
    const left = after.metadata.snapshots!.map((s) => s['snapshot-id']);
    expect(left).toContain(s1!['snapshot-id']);
    expect(left).not.toContain(s2!['snapshot-id']);
    expect(tx.expired!.expiredSnapshotIds).toHaveLength(2);
    expect(await ids(after, s1!['snapshot-id'])).toEqual(range(0, 10)); // still readable: its files were kept
    const now = new Set(await after.io.list(after.metadata.location));
    for (const f of await referencedFiles(after)) expect(now.has(f)).toBe(true);
  });

  it('expires nothing young by default (5 days), and only drops metadata with deleteFiles: false', async () => {
    const table = await history('expire_defaults');
    const noop = new Transaction(wh.catalog, table).expireSnapshots({ retainLast: 1 });
    expect((await noop.commit()).metadataLocation).toBe(table.metadataLocation);
    expect(noop.expired!.expiredSnapshotIds).toEqual([]);

    const files = await table.io.list(table.metadata.location);
    const keepFiles = new Transaction(wh.catalog, table).expireSnapshots({
      olderThanMs: Date.now() + 60_000,
      retainLast: 2,
      deleteFiles: false,
    });
    const after = await keepFiles.commit();
    expect(after.metadata.snapshots).toHaveLength(2);
    expect(keepFiles.expired!.deleted.manifestLists).toEqual([]);
    const still = new Set(await table.io.list(table.metadata.location));
    for (const f of files.filter((x) => !isMetadataJson(x))) expect(still.has(f)).toBe(true);
  });

  it('recomputes over a concurrent append, which it keeps', async () => {
    const table = await history('expire_race', { 'commit.retry.min-wait-ms': '1' });
    const tx = new Transaction(wh.catalog, table).expireSnapshots({ olderThanMs: Date.now() + 60_000 });
    const rival = await append(wh.catalog, table, orders(100, 5));
    const after = await tx.commit();
    expect(tx.attempts).toBe(2);
    expect(after.metadata.snapshots!.map((s) => s['snapshot-id'])).toEqual([currentSnapshot(rival)['snapshot-id']]);
    expect(await ids(after)).toEqual([...range(0, 30), ...range(100, 5)]);
  });

  it('keeps metadata.json bounded: a capped metadata-log, old files deleted, and snapshots bounded by expiry', async () => {
    let table = await createOrders(wh.catalog, 'bounded', { 'write.metadata.previous-versions-max': '3' });
    for (let i = 0; i < 8; i++) table = await append(wh.catalog, table, orders(i, 1));
    expect(table.metadata['metadata-log']).toHaveLength(3);
    expect(table.metadata['metadata-log']!.at(-1)!['metadata-file']).toMatch(/v8\.metadata\.json$/);
    const metadataDir = path.join(table.metadata.location, 'metadata');
    const jsons = (await table.io.list(metadataDir)).filter((f) => f.endsWith('.metadata.json'));
    expect(jsons.map((f) => path.basename(f)).sort()).toEqual([
      'v6.metadata.json',
      'v7.metadata.json',
      'v8.metadata.json',
      'v9.metadata.json',
    ]);
    expect(table.metadata.snapshots).toHaveLength(8);
    table = await new Transaction(wh.catalog, table)
      .expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 2 })
      .commit();
    expect(table.metadata.snapshots).toHaveLength(2);
    expect(table.metadata['snapshot-log']).toHaveLength(2);
    expect(await ids(table)).toEqual(range(0, 8));
  });
});
