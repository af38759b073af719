// A table keeps its format version: a commit to a v1 table is refused (nothing written) unless the transaction
// upgrades it with the `format-version` property, as Iceberg Java does. Before, the first commit rewrote a v1
// table as v2 silently (iceberg-review.md finding 4).
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { createOrders, currentSnapshot, ids, newWarehouse, orders, range, tree, writeRows } from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';
import { V1_SNAPSHOT_ID, writeV1Table } from './v1-table.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

const onDisk = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;

describe('format version', () => {
  it('refuses to commit to a v1 table without an explicit upgrade, and leaves it untouched', async () => {
    await writeV1Table(wh.dir, 'db', 'legacy', orders(0, 6));
    const id = { namespace: 'db', name: 'legacy' };
    const table = await wh.catalog.loadTable(id);
    expect(table.metadata['format-version']).toBe(1);
    expect(await ids(table)).toEqual(range(0, 6));

    const files = await writeRows(table, orders(6, 3));
    const disk = await tree(wh.dir);
    for (const tx of [
      new Transaction(wh.catalog, table).fastAppend(files),
      new Transaction(wh.catalog, table).updateSchema([{ kind: 'add-column', name: 'channel', type: 'string' }]),
      new Transaction(wh.catalog, table).setProperties({ owner: 'shoplake' }),
    ]) {
      const err = await tx.commit().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(
        /^cannot commit on db\.legacy: it is a format-version 1 table \(.*v1\.metadata\.json\) and shoplake writes format-version 2 only; it will not upgrade the table silently\. .*setProperties\(\{ 'format-version': '2' \}\)/,
      );
    }
    expect(await tree(wh.dir)).toEqual(disk);
    expect((await wh.catalog.loadTable(id)).metadataLocation).toBe(table.metadataLocation);
  });

  it("upgrades a v1 table to v2 on setProperties({ 'format-version': '2' }), keeping its v1 snapshot readable", async () => {
    await writeV1Table(wh.dir, 'db', 'upgraded', orders(0, 6));
    const id = { namespace: 'db', name: 'upgraded' };
    let table = await wh.catalog.loadTable(id);
    table = await new Transaction(wh.catalog, table).setProperties({ 'format-version': '2' }).commit();

    const json = await onDisk(table.metadataLocation);
    expect(table.metadataLocation).toMatch(/v2\.metadata\.json$/);
    expect(json['format-version']).toBe(2);
    expect(json.properties).toEqual({ owner: 'legacy' }); // format-version is not stored as a property
    expect(json['table-uuid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/); // assigned
    expect(json['last-sequence-number']).toBe(0);
    expect(currentSnapshot(table)['snapshot-id']).toBe(V1_SNAPSHOT_ID);
    expect(currentSnapshot(table)['sequence-number']).toBe(0);
    expect(await ids(table)).toEqual(range(0, 6));

    // Now a v2 table: appends work; the v1 manifest is carried with sequence number 0 (Appendix E).
    table = await new Transaction(wh.catalog, table).fastAppend(await writeRows(table, orders(6, 3))).commit();
    expect((await onDisk(table.metadataLocation))['format-version']).toBe(2);
    expect(currentSnapshot(table)['sequence-number']).toBe(1);
    const list = await readManifestList(table.io, currentSnapshot(table)['manifest-list']);
    expect(list.map((m) => [m.added_snapshot_id === V1_SNAPSHOT_ID, m.sequence_number])).toEqual([
      [false, 1],
      [true, 0],
    ]);
    expect(await ids(table)).toEqual(range(0, 9));
    expect((await wh.catalog.loadTable(id)).metadata['format-version']).toBe(2);
  });

  it('upgrades and appends in one transaction', async () => {
    await writeV1Table(wh.dir, 'db', 'one_step', orders(0, 4));
    let table = await wh.catalog.loadTable({ namespace: 'db', name: 'one_step' });
    const files = await writeRows(table, orders(4, 2));
    table = await new Transaction(wh.catalog, table)
      .fastAppend(files)
      .setProperties({ 'format-version': '2' })
      .commit();
    expect((await onDisk(table.metadataLocation))['format-version']).toBe(2);
    expect(await ids(table)).toEqual(range(0, 6));
  });

  it('refuses a downgrade, an unsupported version and removing format-version', async () => {
    const table = await createOrders(wh.catalog, 'v2_table');
    const down = await new Transaction(wh.catalog, table)
      .setProperties({ 'format-version': '1' })
      .commit()
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ValidationError);
    expect((down as Error).message).toMatch(/cannot downgrade a v2 table to v1/);
    expect(() => new Transaction(wh.catalog, table).setProperties({ 'format-version': '3' })).toThrow(
      /format-version 3 is not supported: shoplake writes format-version 2 tables/,
    );
    expect(() => new Transaction(wh.catalog, table).setProperties({ 'format-version': 'two' })).toThrow(
      /format-version must be an integer/,
    );
    expect(() => new Transaction(wh.catalog, table).setProperties({}, ['format-version'])).toThrow(
      /format-version cannot be removed/,
    );
    // Asking for the version the table has is a no-op on the version and is not stored.
    const same = await new Transaction(wh.catalog, table).setProperties({ 'format-version': '2', a: '1' }).commit();
    expect(same.metadata['format-version']).toBe(2);
    expect(same.metadata.properties?.a).toBe('1');
    expect(same.metadata.properties?.['format-version']).toBeUndefined();
  });

  it('creates v2 tables only: format-version=1 at create is refused, =2 is not stored', async () => {
    await expect(createOrders(wh.catalog, 'want_v1', { 'format-version': '1' })).rejects.toThrow(
      /properties\.format-version.*shoplake creates format-version 2 tables only/,
    );
    const t = await createOrders(wh.catalog, 'want_v2', { 'format-version': '2' });
    expect(t.metadata['format-version']).toBe(2);
    expect(t.metadata.properties?.['format-version']).toBeUndefined();
  });
});
