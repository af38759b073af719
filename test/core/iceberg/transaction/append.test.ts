import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { EntryStatus } from '../../../../core/iceberg/spec/manifest.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import {
  append,
  createOrders,
  currentSnapshot,
  duckdbTotals,
  ids,
  manifestsOf,
  newWarehouse,
  orders,
  range,
  tree,
  unreferenced,
  writeRows,
} from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

describe('fastAppend', () => {
  it('commits one snapshot per append with one new manifest, the parent manifests, and Appendix F metrics', async () => {
    let table = await createOrders(wh.catalog, 'append_basic');
    const files1 = await writeRows(table, orders(0, 100));
    const tx1 = new Transaction(wh.catalog, table).fastAppend(files1, {
      summary: { 'shoplake.offsets.orders.0': '99' },
    });
    table = await tx1.commit();
    expect(tx1.attempts).toBe(1);
    const s1 = currentSnapshot(table);
    expect(s1['snapshot-id']).toBe(tx1.snapshotIds[0]);
    expect(s1['sequence-number']).toBe(1);
    expect(s1['parent-snapshot-id']).toBeUndefined();
    const partitions1 = new Set(files1.map((f) => JSON.stringify(f.partition))).size;
    expect(s1.summary).toMatchObject({
      operation: 'append',
      'added-data-files': String(files1.length),
      'added-records': '100',
      'added-files-size': String(files1.reduce((n, f) => n + f.file_size_in_bytes, 0)),
      'changed-partition-count': String(partitions1),
      'total-records': '100',
      'total-data-files': String(files1.length),
      'total-delete-files': '0',
      'shoplake.offsets.orders.0': '99',
    });

    const files2 = await writeRows(table, orders(100, 50));
    table = await new Transaction(wh.catalog, table)
      .fastAppend(files2, { summary: { 'shoplake.offsets.orders.0': '149' } })
      .commit();
    const s2 = currentSnapshot(table);
    expect(s2['sequence-number']).toBe(2);
    expect(s2['parent-snapshot-id']).toBe(s1['snapshot-id']);
    expect(s2.summary['total-records']).toBe('150');
    expect(s2.summary['total-data-files']).toBe(String(files1.length + files2.length));
    expect(s2.summary['total-files-size']).toBe(
      String([...files1, ...files2].reduce((n, f) => n + f.file_size_in_bytes, 0)),
    );
    expect(s2.summary['shoplake.offsets.orders.0']).toBe('149');
    expect(table.metadata['last-sequence-number']).toBe(2);
    expect(table.metadata.refs?.main).toEqual({ 'snapshot-id': s2['snapshot-id'], type: 'branch' });
    expect(table.metadata['snapshot-log']?.map((e) => e['snapshot-id'])).toEqual([
      s1['snapshot-id'],
      s2['snapshot-id'],
    ]);

    // Manifest list: the new manifest first, then the parent's manifest untouched (read back with our Avro readers).
    const list1 = await readManifestList(table.io, s1['manifest-list']);
    const list2 = await readManifestList(table.io, s2['manifest-list']);
    expect(list2).toHaveLength(2);
    expect(list2[1]).toEqual(list1[0]);
    expect(list2[0]).toMatchObject({
      added_snapshot_id: s2['snapshot-id'],
      sequence_number: 2,
      min_sequence_number: 2,
      added_files_count: files2.length,
      existing_files_count: 0,
      added_rows_count: 50,
    });
    const [m2] = await manifestsOf(table, s2);
    expect(m2!.entries.map((e) => e.data_file.file_path).sort()).toEqual(files2.map((f) => f.file_path).sort());
    for (const e of m2!.entries) {
      expect(e.status).toBe(EntryStatus.Added);
      expect(e.snapshot_id).toBe(s2['snapshot-id']);
      expect(e.sequence_number).toBeNull(); // inherited from the manifest list
    }

    // Read back: our scan, DuckDB over the data files, and the catalog's view of the table.
    expect(await ids(table)).toEqual(range(0, 150));
    expect(await ids(table, s1['snapshot-id'])).toEqual(range(0, 100));
    expect(await duckdbTotals(table)).toEqual({ rows: 150, idSum: (149 * 150) / 2 });
    const reloaded = await wh.catalog.loadTable(table.identifier);
    expect(reloaded.metadata).toEqual(table.metadata);
    expect(await unreferenced(table)).toEqual([]);
  });

  it('merges manifests once their count reaches commit.manifest.min-count-to-merge', async () => {
    let table = await createOrders(wh.catalog, 'append_merge', { 'commit.manifest.min-count-to-merge': '3' });
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      table = await append(wh.catalog, table, orders(i * 10, 10));
      counts.push((await readManifestList(table.io, currentSnapshot(table)['manifest-list'])).length);
    }
    // 1, 2, then 3 manifests would reach the threshold: merged into 1; the 4th append adds one again.
    expect(counts).toEqual([1, 2, 1, 2]);
    const third = table.metadata.snapshots![2]!;
    const [merged] = await manifestsOf(table, third);
    expect(merged!.manifest.added_snapshot_id).toBe(third['snapshot-id']);
    expect(merged!.manifest.added_rows_count).toBe(10);
    expect(merged!.manifest.existing_rows_count).toBe(20);
    expect(merged!.manifest.min_sequence_number).toBe(1);
    // Files carried over keep the snapshot and the sequence numbers they were added with.
    const firstIds = new Set(
      (await manifestsOf(table, table.metadata.snapshots![0]!))[0]!.entries.map((e) => e.data_file.file_path),
    );
    for (const e of merged!.entries) {
      if (firstIds.has(e.data_file.file_path)) {
        expect(e).toMatchObject({
          status: EntryStatus.Existing,
          snapshot_id: table.metadata.snapshots![0]!['snapshot-id'],
          sequence_number: 1,
          file_sequence_number: 1,
        });
      }
    }
    expect(await ids(table)).toEqual(range(0, 40));
    expect(await unreferenced(table)).toEqual([]);
  });

  it('never merges with commit.manifest-merge.enabled=false', async () => {
    let table = await createOrders(wh.catalog, 'append_nomerge', {
      'commit.manifest-merge.enabled': 'false',
      'commit.manifest.min-count-to-merge': '2',
    });
    for (let i = 0; i < 3; i++) table = await append(wh.catalog, table, orders(i * 10, 10));
    expect(await readManifestList(table.io, currentSnapshot(table)['manifest-list'])).toHaveLength(3);
  });

  it('writes manifests and manifest lists under write.metadata.path (relative to the table location)', async () => {
    let table = await createOrders(wh.catalog, 'append_meta_path', { 'write.metadata.path': 'avro-meta' });
    table = await append(wh.catalog, table, orders(0, 10));
    const snapshot = currentSnapshot(table);
    const metaDir = `${table.metadata.location}/avro-meta/`;
    // Before, they went to <location>/metadata whatever the property said.
    expect(snapshot['manifest-list'].startsWith(metaDir)).toBe(true);
    const manifests = await manifestsOf(table, snapshot);
    expect(manifests.map((m) => m.manifest.manifest_path.startsWith(metaDir))).toEqual([true]);
    expect(await ids(table)).toEqual(range(0, 10));
  });

  it('computes a summary function on every attempt from the newest base, and aborts cleanly when it throws', async () => {
    const base = await createOrders(wh.catalog, 'append_summary_fn', { 'commit.retry.min-wait-ms': '1' });
    const seen: (bigint | undefined)[] = [];
    const offsetsFrom = (m: { snapshots?: { summary: Record<string, string> }[] }): number =>
      Number(m.snapshots?.at(-1)?.summary['shoplake.offsets.orders.0'] ?? -1);
    const tx = new Transaction(wh.catalog, base).fastAppend(await writeRows(base, orders(0, 5)), {
      summary: (m) => {
        seen.push(m['current-snapshot-id'] ?? undefined);
        return { 'shoplake.offsets.orders.0': String(offsetsFrom(m) + 5) };
      },
    });
    const rival = await append(wh.catalog, base, orders(100, 5), { 'shoplake.offsets.orders.0': '104' });
    const table = await tx.commit();
    expect(seen).toEqual([undefined, currentSnapshot(rival)['snapshot-id']]);
    expect(currentSnapshot(table).summary['shoplake.offsets.orders.0']).toBe('109');

    const disk = await tree(wh.dir);
    const refused = new Transaction(wh.catalog, table).fastAppend(await writeRows(table, orders(200, 1)), {
      summary: () => {
        throw new Error('offsets 105..109 were already committed');
      },
    });
    const files = await unreferenced(table);
    await expect(refused.commit()).rejects.toThrow(/already committed/);
    expect((await unreferenced(table)).sort()).toEqual(files.sort()); // its manifest is gone; its data file stays
    expect((await tree(wh.dir)).size).toBe(disk.size + 1);
    await expect(
      new Transaction(wh.catalog, table).fastAppend([], { summary: () => ({ 'added-records': '1' }) }).commit(),
    ).rejects.toThrow(/added-records is computed by the commit/);
  });

  it('rejects bad input before writing anything', async () => {
    const table = await createOrders(wh.catalog, 'append_bad');
    const files = await writeRows(table, orders(0, 10));
    const before = await tree(wh.dir);
    const tx = (): Transaction => new Transaction(wh.catalog, table);
    expect(() => tx().fastAppend(files, { summary: { 'total-records': '1' } })).toThrow(ValidationError);
    expect(() => tx().fastAppend(files, { summary: { operation: 'delete' } })).toThrow(/operation is computed/);
    expect(() => tx().fastAppend([files[0]!, files[0]!])).toThrow(/listed twice/);
    expect(() => tx().fastAppend([{ ...files[0]!, partition: { ts_day: 1 } }])).toThrow(
      /partition has fields \[ts_day\] but spec 0 has \[ts_day, shop_id_bucket\]/,
    );
    expect(() => tx().fastAppend([{ ...files[0]!, record_count: -1 }])).toThrow(/record_count must be a non-negative/);
    expect(() => tx().fastAppend([{ ...files[0]!, content: 1 }])).toThrow(/only data files/);
    expect(() => tx().fastAppend(files, { specId: 7 })).toThrow(/partition spec 7 does not exist/);
    expect(await tree(wh.dir)).toEqual(before);
    expect((await wh.catalog.loadTable(table.identifier)).metadata).toEqual(table.metadata);
  });

  it('keeps 63-bit snapshot ids exact through metadata.json, manifest lists and manifests', async () => {
    let table = await createOrders(wh.catalog, 'append_ids');
    const seen: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      const tx = new Transaction(wh.catalog, table).fastAppend(await writeRows(table, orders(i, 1)));
      table = await tx.commit();
      seen.push(tx.snapshotIds[0]!);
    }
    // Random 63-bit ids: 8 of them all below 2^53 would mean the generator lost bits (chance 2^-80).
    expect(seen.some((id) => id > 2n ** 53n)).toBe(true);
    const reloaded = await wh.catalog.loadTable(table.identifier);
    expect(reloaded.metadata.snapshots!.map((s) => s['snapshot-id'])).toEqual(seen);
    for (const s of reloaded.metadata.snapshots!) {
      expect(s['snapshot-id']).toBeGreaterThan(0n);
      expect(s['snapshot-id']).toBeLessThan(2n ** 63n);
      const [first] = await manifestsOf(reloaded, s);
      expect(first!.manifest.added_snapshot_id).toBe(s['snapshot-id']);
      expect(first!.entries[0]!.snapshot_id).toBe(s['snapshot-id']);
    }
  });
});
