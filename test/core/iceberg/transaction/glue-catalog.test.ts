// The same optimistic concurrency through the Glue catalog, against the stub that enforces Glue's VersionId
// compare-and-swap (ConcurrentModificationException) behind the real GlueClient.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { Column, GlueClient } from '@aws-sdk/client-glue';
import { GlueCatalog } from '../../../../core/iceberg/catalog/glue-catalog.js';
import { withSchema } from '../../../../core/iceberg/spec/schema-evolution.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { GlueStub } from '../../../support/glue-stub.js';
import { writeV1Table } from './v1-table.js';
import { append, createOrders, ids, orders, range, tree, unreferenced, writeRows } from './table-fixture.js';

let dir: string;
let glue: GlueClient;
let catalog: GlueCatalog;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoplake-tx-glue-'));
  glue = new GlueStub().client();
  catalog = new GlueCatalog({ client: glue, warehouse: dir });
  await catalog.createNamespace('db');
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };

const glueTable = async (name: string) =>
  (await glue.send(new GetTableCommand({ DatabaseName: 'db', Name: name }))).Table!;

/** A Glue column as Iceberg Java's IcebergToGlueConverter writes it. */
const column = (name: string, type: string, id: number, optional: boolean, current: boolean, comment?: string) => ({
  Name: name,
  Type: type,
  ...(comment === undefined ? {} : { Comment: comment }),
  Parameters: {
    'iceberg.field.id': String(id),
    'iceberg.field.optional': String(optional),
    'iceberg.field.current': String(current),
  },
});

describe('Transaction on the Glue catalog', () => {
  it('lands racing appends (VersionId conflict, reload, re-apply) and fails the losing compaction cleanly', async () => {
    const base = await createOrders(catalog, 'glue_race', FAST_RETRY);
    const a = new Transaction(catalog, base).fastAppend(await writeRows(base, orders(0, 10, 3)));
    const b = new Transaction(catalog, base).fastAppend(await writeRows(base, orders(10, 10, 3)));
    await a.commit();
    let table = await b.commit();
    expect(b.attempts).toBe(2);
    expect(await ids(table)).toEqual(range(0, 20));
    expect(await unreferenced(table)).toEqual([]);

    const files = (await planFiles(table)).tasks.map((t) => t.file);
    const rows = await readRows(table);
    const first = new Transaction(catalog, table).replaceFiles(files, await writeRows(table, rows));
    const second = new Transaction(catalog, table).replaceFiles(files, await writeRows(table, rows));
    table = await first.commit();
    const disk = await tree(dir);
    await expect(second.commit()).rejects.toBeInstanceOf(ValidationError);
    expect(await tree(dir)).toEqual(disk);
    expect((await catalog.loadTable(table.identifier)).metadataLocation).toBe(table.metadataLocation);
    expect(await ids(table)).toEqual(range(0, 20));
  });

  it('keeps the Glue columns Athena sees in step with schema changes, as IcebergToGlueConverter does', async () => {
    let table = await createOrders(catalog, 'glue_schema');
    // Someone edits the table in the Glue console: a description, a column comment and a parameter of their own.
    const g0 = await glueTable('glue_schema');
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: 'db',
        VersionId: g0.VersionId,
        TableInput: {
          Name: g0.Name,
          TableType: g0.TableType,
          Description: 'orders, one row per order',
          Parameters: { ...g0.Parameters, owner: 'data-platform' },
          StorageDescriptor: {
            ...g0.StorageDescriptor,
            Columns: g0.StorageDescriptor!.Columns!.map((c: Column) =>
              c.Name === 'customer' ? { ...c, Comment: 'hashed customer id' } : c,
            ),
          },
        },
      }),
    );

    const created = table.metadataLocation;
    table = await new Transaction(catalog, table)
      .updateSchema([
        { kind: 'widen', column: 'shop_id', to: 'long' },
        { kind: 'widen', column: 'total', to: 'decimal(12,2)' },
        { kind: 'add-column', name: 'channel', type: 'string', doc: 'web, app or pos' },
        {
          kind: 'add-column',
          name: 'address',
          type: { type: 'struct', fields: [{ id: 0, name: 'city', required: false, type: 'string' }] },
        },
      ])
      .commit();
    const evolved = table.metadataLocation;
    table = await new Transaction(catalog, table)
      .updateSchema([{ kind: 'add-column', parent: 'address', name: 'zip', type: 'string' }])
      .commit();
    // Another engine drops a column (Spark's ALTER TABLE … DROP COLUMN): schema 3 without `customer`.
    const current = table.metadata.schemas.find((s) => s['schema-id'] === table.metadata['current-schema-id'])!;
    const dropped = withSchema(table.metadata, {
      ...current,
      fields: current.fields.filter((f) => f.name !== 'customer'),
    });
    const beforeDrop = table.metadataLocation;
    table = await catalog.commitTable(table, { ...dropped, 'last-updated-ms': dropped['last-updated-ms'] + 1 });
    expect(table.metadata['current-schema-id']).toBe(3);

    const g = await glueTable('glue_schema');
    expect(g.StorageDescriptor?.Columns).toEqual([
      column('order_id', 'bigint', 1, false, true),
      column('shop_id', 'bigint', 2, false, true),
      column('ts', 'timestamp', 3, false, true),
      column('total', 'decimal(12,2)', 4, true, true),
      column('channel', 'string', 6, true, true, 'web, app or pos'),
      column('address', 'struct<city:string,zip:string>', 7, true, true),
      // Columns only older schemas have follow, iceberg.field.current=false, with the comment given in Glue kept.
      column('customer', 'string', 5, true, false, 'hashed customer id'),
    ]);
    expect(g.StorageDescriptor?.Location).toBe(table.metadata.location);
    expect(g.TableType).toBe('EXTERNAL_TABLE');
    expect(g.Description).toBe('orders, one row per order');
    expect(g.Parameters).toEqual({
      table_type: 'ICEBERG',
      metadata_location: table.metadataLocation,
      previous_metadata_location: beforeDrop,
      owner: 'data-platform',
    });
    expect(g.VersionId).toBe('4');
    expect(new Set([created, evolved, beforeDrop, table.metadataLocation]).size).toBe(4);

    // An append after the change keeps the columns and moves the locations on.
    table = await append(catalog, table, orders(0, 4));
    const g2 = await glueTable('glue_schema');
    expect(g2.StorageDescriptor?.Columns).toEqual(g.StorageDescriptor?.Columns);
    expect(g2.Parameters).toMatchObject({
      metadata_location: table.metadataLocation,
      previous_metadata_location: (await catalog.loadTable(table.identifier)).metadata['metadata-log']!.at(-1)![
        'metadata-file'
      ],
    });
    expect(await ids(table)).toEqual(range(0, 4));
  });

  it('upgrades a v1 table without a table-uuid registered in Glue only when asked', async () => {
    const v1File = await writeV1Table(dir, 'db.db', 'legacy_v1', orders(0, 5));
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'db',
        TableInput: {
          Name: 'legacy_v1',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { table_type: 'ICEBERG', metadata_location: v1File },
        },
      }),
    );
    const id = { namespace: 'db', name: 'legacy_v1' };
    let table = await catalog.loadTable(id);
    expect(table.metadata['format-version']).toBe(1);
    expect(table.metadata['table-uuid']).toBe('');
    await expect(
      new Transaction(catalog, table).fastAppend(await writeRows(table, orders(5, 2))).commit(),
    ).rejects.toThrow(/format-version 1 table/);
    expect((await glueTable('legacy_v1')).Parameters?.metadata_location).toBe(v1File);

    table = await new Transaction(catalog, table).setProperties({ 'format-version': '2' }).commit();
    expect(table.metadata['format-version']).toBe(2);
    expect(table.metadata['table-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await glueTable('legacy_v1')).Parameters).toMatchObject({
      metadata_location: table.metadataLocation,
      previous_metadata_location: v1File,
    });
    table = await append(catalog, table, orders(5, 2));
    expect(await ids(await catalog.loadTable(id))).toEqual(range(0, 7));
  });
});
