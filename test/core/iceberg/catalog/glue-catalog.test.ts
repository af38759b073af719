import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetTableCommand, GetTableVersionsCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { GlueCatalog, parseVersion } from '../../../../core/iceberg/catalog/glue-catalog.js';
import { glueColumns } from '../../../../core/iceberg/catalog/glue-columns.js';
import { newTableMetadata } from '../../../../core/iceberg/spec/new-table-metadata.js';
import { CommitConflictError } from '../../../../core/iceberg/catalog/catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import {
  CommitStateUnknownError,
  NamespaceAlreadyExistsError,
  NoSuchNamespaceError,
  NoSuchTableError,
  TableAlreadyExistsError,
} from '../../../../core/iceberg/catalog/errors.js';
import { S3FileIO } from '../../../../core/iceberg/io/s3-file-io.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import type { TableMetadata } from '../../../../core/iceberg/spec/table-metadata.js';
import { GlueStub } from '../../../support/glue-stub.js';
import { startS3Server } from '../../../support/s3-server.js';
import type { S3TestServer } from '../../../support/s3-server.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'long' },
    { id: 2, name: 'total', required: false, type: 'decimal(12,2)', doc: 'order total' },
    {
      id: 3,
      name: 'lines',
      required: false,
      type: {
        type: 'list',
        'element-id': 4,
        'element-required': true,
        element: { type: 'struct', fields: [{ id: 5, name: 'sku', required: true, type: 'string' }] },
      },
    },
    { id: 6, name: 'at', required: true, type: 'timestamptz' },
  ],
};

function withProperty(t: LoadedTable, key: string, value: string): TableMetadata {
  return {
    ...t.metadata,
    'last-updated-ms': t.metadata['last-updated-ms'] + 1,
    properties: { ...(t.metadata.properties ?? {}), [key]: value },
  };
}

let dir: string;
let stub: GlueStub;
let glue: GlueClient;
let catalog: GlueCatalog;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glue-catalog-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  stub = new GlueStub();
  glue = stub.client();
  catalog = new GlueCatalog({ client: glue, warehouse: dir });
  await catalog.createNamespace('silver');
});

const glueTable = async (name: string) =>
  (await glue.send(new GetTableCommand({ DatabaseName: 'silver', Name: name }))).Table!;

describe('GlueCatalog (through the real GlueClient, against GlueStub)', () => {
  it('creates and lists namespaces as Glue databases', async () => {
    await catalog.createNamespace('gold', { location: `${dir}/gold`, comment: 'marts', owner: 'bi' });
    expect(await catalog.listNamespaces()).toEqual(['gold', 'silver']);
    expect(stub.databases.get('gold')).toMatchObject({
      LocationUri: `${dir}/gold`,
      Description: 'marts',
      Parameters: { owner: 'bi' },
    });
    await expect(catalog.createNamespace('gold')).rejects.toBeInstanceOf(NamespaceAlreadyExistsError);
    await expect(catalog.createNamespace('Gold-2')).rejects.toThrow(/invalid Glue namespace name/);
    await expect(catalog.listTables('nope')).rejects.toBeInstanceOf(NoSuchNamespaceError);
  });

  it('creates a table as Iceberg Java does: parameters, location and typed columns', async () => {
    const t = await catalog.createTable(
      { namespace: 'silver', name: 'orders' },
      { schema, properties: { comment: 'orders' } },
    );
    expect(t.metadata.location).toBe(`${dir}/silver.db/orders`);
    expect(t.metadataLocation).toMatch(
      new RegExp(`^${dir}/silver\\.db/orders/metadata/00000-[0-9a-f-]{36}\\.metadata\\.json$`),
    );
    expect(JSON.parse(await fs.readFile(t.metadataLocation, 'utf8'))['table-uuid']).toBe(t.metadata['table-uuid']);
    const g = await glueTable('orders');
    expect(g.TableType).toBe('EXTERNAL_TABLE');
    expect(g.Description).toBe('orders');
    expect(g.Parameters).toEqual({ table_type: 'ICEBERG', metadata_location: t.metadataLocation });
    expect(g.StorageDescriptor?.Location).toBe(`${dir}/silver.db/orders`);
    expect(g.StorageDescriptor?.Columns).toEqual([
      {
        Name: 'order_id',
        Type: 'bigint',
        Parameters: { 'iceberg.field.id': '1', 'iceberg.field.optional': 'false', 'iceberg.field.current': 'true' },
      },
      {
        Name: 'total',
        Type: 'decimal(12,2)',
        Comment: 'order total',
        Parameters: { 'iceberg.field.id': '2', 'iceberg.field.optional': 'true', 'iceberg.field.current': 'true' },
      },
      {
        Name: 'lines',
        Type: 'array<struct<sku:string>>',
        Parameters: { 'iceberg.field.id': '3', 'iceberg.field.optional': 'true', 'iceberg.field.current': 'true' },
      },
      {
        Name: 'at',
        Type: 'timestamp',
        Parameters: { 'iceberg.field.id': '6', 'iceberg.field.optional': 'false', 'iceberg.field.current': 'true' },
      },
    ]);
    expect(g.VersionId).toBe('0');
    expect(await catalog.listTables('silver')).toEqual([{ namespace: 'silver', name: 'orders' }]);
    expect(await catalog.tableExists({ namespace: 'silver', name: 'orders' })).toBe(true);
    await expect(catalog.createTable({ namespace: 'silver', name: 'orders' }, { schema })).rejects.toBeInstanceOf(
      TableAlreadyExistsError,
    );
    // the losing create left no stray metadata file
    expect((await fs.readdir(`${dir}/silver.db/orders/metadata`)).length).toBe(1);
    await expect(catalog.createTable({ namespace: 'nope', name: 't' }, { schema })).rejects.toBeInstanceOf(
      NoSuchNamespaceError,
    );
  });

  it('comments columns from field docs, else from the existing Glue column; an empty doc is no comment', () => {
    const m = newTableMetadata({
      location: '/t',
      schema: {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'a', required: true, type: 'long', doc: '' },
          { id: 2, name: 'b', required: false, type: 'string', doc: 'from iceberg' },
          { id: 3, name: 'c', required: false, type: 'string' },
        ],
      },
    });
    const existing = [
      { Name: 'b', Type: 'string', Comment: 'from glue' },
      { Name: 'c', Type: 'string', Comment: 'first' },
      { Name: 'c', Type: 'string', Comment: 'second' },
    ];
    expect(glueColumns(m).map((c) => c.Comment)).toEqual([undefined, 'from iceberg', undefined]);
    expect(glueColumns(m, existing).map((c) => c.Comment)).toEqual([undefined, 'from iceberg', 'first']);
  });

  it('places tables under the database LocationUri when it has one', async () => {
    await catalog.createNamespace('gold', { location: `${dir}/gold-root/` });
    const t = await catalog.createTable({ namespace: 'gold', name: 'daily' }, { schema });
    expect(t.metadata.location).toBe(`${dir}/gold-root/daily`);
  });

  it('commits with UpdateTable + VersionId, recording previous_metadata_location, and loads the result', async () => {
    const id = { namespace: 'silver', name: 'commits' };
    const t0 = await catalog.createTable(id, { schema });
    const t1 = await catalog.commitTable(t0, withProperty(t0, 'a', '1'));
    const t2 = await catalog.commitTable(t1, withProperty(t1, 'a', '2'));
    expect(parseVersion(t1.metadataLocation)).toBe(1);
    expect(parseVersion(t2.metadataLocation)).toBe(2);
    const g = await glueTable('commits');
    expect(g.VersionId).toBe('2');
    expect(g.Parameters).toMatchObject({
      table_type: 'ICEBERG',
      metadata_location: t2.metadataLocation,
      previous_metadata_location: t1.metadataLocation,
    });
    expect(t2.metadata['metadata-log']?.map((e) => e['metadata-file'])).toEqual([
      t0.metadataLocation,
      t1.metadataLocation,
    ]);
    const loaded = await catalog.loadTable(id);
    expect(loaded.metadataLocation).toBe(t2.metadataLocation);
    expect(loaded.metadata.properties?.a).toBe('2');
    // SkipArchive=true by default: Glue kept no old versions.
    const versions = await glue.send(new GetTableVersionsCommand({ DatabaseName: 'silver', TableName: 'commits' }));
    expect(versions.TableVersions).toEqual([]);
  });

  it('puts metadata files under write.metadata.path, a relative one joined to the table location', async () => {
    const id = { namespace: 'silver', name: 'meta_path' };
    const t0 = await catalog.createTable(id, { schema, properties: { 'write.metadata.path': 'meta/' } });
    const t1 = await catalog.commitTable(t0, withProperty(t0, 'a', '1'));
    // Before, the property was used as is: Glue's metadata_location became the relative "meta/00001-….metadata.json".
    expect(t1.metadataLocation).toMatch(
      new RegExp(`^${t0.metadata.location}/meta/00001-[0-9a-f-]{36}\\.metadata\\.json$`),
    );
    expect((await glueTable('meta_path')).Parameters?.metadata_location).toBe(t1.metadataLocation);
    expect((await catalog.loadTable(id)).metadata.properties?.a).toBe('1');
    const abs = `${dir}/elsewhere`;
    const t2 = await catalog.commitTable(t1, withProperty(t1, 'write.metadata.path', abs));
    expect(t2.metadataLocation).toMatch(new RegExp(`^${abs}/00002-`));
  });

  it('refreshTable keeps the loaded table while Glue points at its file, and reads the newer one otherwise', async () => {
    const id = { namespace: 'silver', name: 'refreshed' };
    const t0 = await catalog.createTable(id, { schema });
    expect(await catalog.refreshTable(t0)).toBe(t0);
    const t1 = await new GlueCatalog({ client: glue, warehouse: dir }).commitTable(t0, withProperty(t0, 'a', '1'));
    const r1 = await catalog.refreshTable(t0);
    expect(r1.metadataLocation).toBe(t1.metadataLocation);
    expect(r1.metadata.properties?.a).toBe('1');
    expect(await catalog.refreshTable(r1)).toBe(r1);
    await catalog.dropTable(id);
    await expect(catalog.refreshTable(r1)).rejects.toBeInstanceOf(NoSuchTableError);
  });

  it('archives table versions when skipArchive is false', async () => {
    const archiving = new GlueCatalog({ client: glue, warehouse: dir, skipArchive: false });
    const id = { namespace: 'silver', name: 'archived' };
    const t0 = await archiving.createTable(id, { schema });
    await archiving.commitTable(t0, withProperty(t0, 'a', '1'));
    const versions = await glue.send(new GetTableVersionsCommand({ DatabaseName: 'silver', TableName: 'archived' }));
    expect(versions.TableVersions?.map((v) => v.Table?.Parameters?.metadata_location)).toEqual([t0.metadataLocation]);
  });

  it('turns a stale VersionId into CommitConflictError (Glue ConcurrentModificationException) and cleans up', async () => {
    const id = { namespace: 'silver', name: 'race' };
    const base = await catalog.createTable(id, { schema });
    // Another writer commits between our GetTable and our UpdateTable.
    const other = new GlueCatalog({ client: stub.client(), warehouse: dir });
    let fired = false;
    stub.onCall = (op) => {
      if (op !== 'UpdateTable' || fired) return;
      fired = true;
      const g = stub.tables.get('silver')!.get('race')!;
      g.table = { ...g.table, VersionId: String(Number(g.table.VersionId) + 1) };
    };
    await expect(catalog.commitTable(base, withProperty(base, 'w', 'mine'))).rejects.toThrow(CommitConflictError);
    expect(stub.calls).toContain('UpdateTable');
    stub.onCall = undefined;
    // The losing metadata file is gone; only the create's file remains.
    expect(await fs.readdir(`${dir}/silver.db/race/metadata`)).toEqual([path.basename(base.metadataLocation)]);
    // Two real concurrent writers from the same base: exactly one wins.
    const results = await Promise.allSettled([
      catalog.commitTable(base, withProperty(base, 'w', 'a')),
      other.commitTable(base, withProperty(base, 'w', 'b')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(CommitConflictError);
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<LoadedTable>).value;
    expect((await catalog.loadTable(id)).metadata.properties?.w).toBe(winner.metadata.properties?.w);
    expect((await fs.readdir(`${dir}/silver.db/race/metadata`)).sort()).toEqual(
      [path.basename(base.metadataLocation), path.basename(winner.metadataLocation)].sort(),
    );
  });

  it('refuses a commit whose base is no longer current', async () => {
    const id = { namespace: 'silver', name: 'stale' };
    const base = await catalog.createTable(id, { schema });
    await catalog.commitTable(base, withProperty(base, 'x', '1'));
    await expect(catalog.commitTable(base, withProperty(base, 'x', '2'))).rejects.toThrow(/is no longer current/);
    expect((await catalog.loadTable(id)).metadata.properties?.x).toBe('1');
  });

  it('settles a lost UpdateTable response by re-reading the table', async () => {
    const id = { namespace: 'silver', name: 'lost' };
    const base = await catalog.createTable(id, { schema });
    stub.failNext('UpdateTable', 'InternalServiceException', 1, true); // applied, then a 500
    const t1 = await catalog.commitTable(base, withProperty(base, 'x', '1'));
    expect((await catalog.loadTable(id)).metadataLocation).toBe(t1.metadataLocation);
    stub.failNext('UpdateTable', 'InternalServiceException', 1, false); // not applied, a 500
    await expect(catalog.commitTable(t1, withProperty(t1, 'x', '2'))).rejects.toThrow(
      /InternalServiceException|injected/,
    );
    expect((await catalog.loadTable(id)).metadataLocation).toBe(t1.metadataLocation);
    stub.failNext('GetTable', 'AccessDeniedException', 1, false);
    // The pre-check GetTable fails: a plain error before anything changed, and no stray metadata file.
    await expect(catalog.commitTable(t1, withProperty(t1, 'x', '3'))).rejects.toThrow(/AccessDenied|injected/);
    expect((await catalog.loadTable(id)).metadata.properties?.x).toBe('1');
    expect((await fs.readdir(`${dir}/silver.db/lost/metadata`)).sort()).toEqual(
      [base.metadataLocation, t1.metadataLocation].map((l) => path.basename(l)).sort(),
    );
  });

  it('settles a lost CreateTable response by re-reading the table', async () => {
    stub.failNext('CreateTable', 'InternalServiceException', 1, true); // created, then a 500
    const t = await catalog.createTable({ namespace: 'silver', name: 'created' }, { schema });
    expect((await catalog.loadTable({ namespace: 'silver', name: 'created' })).metadataLocation).toBe(
      t.metadataLocation,
    );
    stub.failNext('CreateTable', 'InternalServiceException', 1, false); // not created, a 500
    await expect(catalog.createTable({ namespace: 'silver', name: 'failed' }, { schema })).rejects.toThrow(/injected/);
    expect(await catalog.tableExists({ namespace: 'silver', name: 'failed' })).toBe(false);
    await expect(fs.readdir(`${dir}/silver.db/failed/metadata`)).resolves.toEqual([]);
  });

  it('reports an unknown commit state when the outcome cannot be settled', async () => {
    const id = { namespace: 'silver', name: 'unknown' };
    const base = await catalog.createTable(id, { schema });
    stub.onCall = (op) => {
      if (op !== 'UpdateTable') return;
      stub.onCall = undefined;
      stub.failNext('GetTable', 'InternalServiceException', 1, false); // the re-check after the failed update
    };
    stub.failNext('UpdateTable', 'InternalServiceException', 1, false);
    const err = await catalog.commitTable(base, withProperty(base, 'x', '1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitStateUnknownError);
    expect(String((err as Error).message)).toMatch(/00001-.*\.metadata\.json/);
    // The new metadata file is kept: it may be live.
    expect(await fs.readdir(`${dir}/silver.db/unknown/metadata`)).toHaveLength(2);
  });

  it('loads clear errors for non-Iceberg tables, missing tables and missing metadata files', async () => {
    await expect(catalog.loadTable({ namespace: 'silver', name: 'nope' })).rejects.toBeInstanceOf(NoSuchTableError);
    const t = await catalog.createTable({ namespace: 'silver', name: 'broken' }, { schema });
    await fs.rm(t.metadataLocation);
    await expect(catalog.loadTable({ namespace: 'silver', name: 'broken' })).rejects.toThrow(
      new RegExp(`${t.metadataLocation}.*missing`),
    );
    const g = stub.tables.get('silver')!.get('broken')!;
    g.table = { ...g.table, Parameters: { table_type: 'HIVE' } };
    await expect(catalog.loadTable({ namespace: 'silver', name: 'broken' })).rejects.toThrow(/not an Iceberg table/);
    expect(await catalog.listTables('silver')).toEqual([]);
  });

  it('drops tables, purging files when asked', async () => {
    const keep = await catalog.createTable({ namespace: 'silver', name: 'keep' }, { schema });
    await catalog.dropTable({ namespace: 'silver', name: 'keep' });
    expect(await catalog.tableExists({ namespace: 'silver', name: 'keep' })).toBe(false);
    await fs.access(keep.metadataLocation);
    const purge = await catalog.createTable({ namespace: 'silver', name: 'purge' }, { schema });
    await catalog.dropTable({ namespace: 'silver', name: 'purge' }, true);
    await expect(fs.access(purge.metadataLocation)).rejects.toThrow(/ENOENT/);
    await expect(catalog.dropTable({ namespace: 'silver', name: 'purge' })).rejects.toBeInstanceOf(NoSuchTableError);
  });
});

describe('GlueCatalog with S3 storage', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('lake');
  });
  afterAll(async () => {
    await s3.close();
  });

  it('writes metadata to S3 and commits through Glue', async () => {
    const io = new S3FileIO({ clientConfig: s3.clientConfig });
    const c = new GlueCatalog({ client: glue, warehouse: 's3://lake/warehouse', io });
    const t0 = await c.createTable({ namespace: 'silver', name: 'events' }, { schema });
    expect(t0.metadataLocation).toMatch(
      /^s3:\/\/lake\/warehouse\/silver\.db\/events\/metadata\/00000-.*\.metadata\.json$/,
    );
    const t1 = await c.commitTable(t0, withProperty(t0, 'k', 'v'));
    expect((await c.loadTable({ namespace: 'silver', name: 'events' })).metadata.properties?.k).toBe('v');
    expect(await io.exists(t1.metadataLocation)).toBe(true);
    io.client.destroy();
  });
});
