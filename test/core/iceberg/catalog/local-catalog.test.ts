import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMetadataFile, loadTableAt, newestMetadataFile } from '../../../../core/iceberg/catalog/static-table.js';
import { encodeMetadata } from '../../../../core/iceberg/catalog/metadata-file.js';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import { CommitConflictError } from '../../../../core/iceberg/catalog/catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import {
  InvalidMetadataError,
  NamespaceAlreadyExistsError,
  NoSuchNamespaceError,
  NoSuchTableError,
  TableAlreadyExistsError,
} from '../../../../core/iceberg/catalog/errors.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import type { TableMetadata } from '../../../../core/iceberg/spec/table-metadata.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
  ],
};

let warehouse: string;
let catalog: LocalCatalog;
beforeAll(async () => {
  warehouse = await fs.mkdtemp(path.join(os.tmpdir(), 'local-catalog-'));
  catalog = new LocalCatalog(warehouse);
  await catalog.createNamespace('db');
});
afterAll(async () => {
  await fs.rm(warehouse, { recursive: true, force: true });
});

/** A metadata change any writer could make: a property set, with a later timestamp. */
function withProperty(t: LoadedTable, key: string, value: string): TableMetadata {
  return {
    ...t.metadata,
    'last-updated-ms': t.metadata['last-updated-ms'] + 1,
    properties: { ...(t.metadata.properties ?? {}), [key]: value },
  };
}

const read = (f: string) => fs.readFile(f, 'utf8');
const metaDir = (name: string) => path.join(warehouse, 'db', name, 'metadata');

describe('LocalCatalog namespaces', () => {
  it('creates and lists namespaces, rejecting duplicates and bad names', async () => {
    await catalog.createNamespace('other');
    expect(await catalog.listNamespaces()).toEqual(['db', 'other']);
    await expect(catalog.createNamespace('other')).rejects.toBeInstanceOf(NamespaceAlreadyExistsError);
    await expect(catalog.createNamespace('../escape')).rejects.toThrow(/invalid namespace name/);
    await expect(catalog.createNamespace('p', { owner: 'x' })).rejects.toThrow(/namespace properties/);
    await expect(catalog.listTables('nope')).rejects.toBeInstanceOf(NoSuchNamespaceError);
  });
});

describe('LocalCatalog tables (Hadoop layout)', () => {
  it('creates v1.metadata.json and version-hint.text, and loads it back', async () => {
    const t = await catalog.createTable({ namespace: 'db', name: 'orders' }, { schema, properties: { owner: 'test' } });
    expect(t.metadataLocation).toBe(path.join(metaDir('orders'), 'v1.metadata.json'));
    expect(t.metadata.location).toBe(path.join(warehouse, 'db', 'orders'));
    expect((await read(path.join(metaDir('orders'), 'version-hint.text'))).trim()).toBe('1');
    const onDisk = JSON.parse(await read(t.metadataLocation)) as Record<string, unknown>;
    expect(onDisk['format-version']).toBe(2);
    expect(onDisk.location).toBe(path.join(warehouse, 'db', 'orders'));
    const loaded = await catalog.loadTable({ namespace: 'db', name: 'orders' });
    expect(loaded.metadataLocation).toBe(t.metadataLocation);
    expect(loaded.metadata['table-uuid']).toBe(t.metadata['table-uuid']);
    expect(loaded.metadata.properties?.owner).toBe('test');
    expect(await catalog.tableExists({ namespace: 'db', name: 'orders' })).toBe(true);
    expect(await catalog.listTables('db')).toEqual([{ namespace: 'db', name: 'orders' }]);
    expect(await catalog.listNamespaces()).toEqual(['db', 'other']); // a table is not a namespace
    await expect(catalog.createTable({ namespace: 'db', name: 'orders' }, { schema })).rejects.toBeInstanceOf(
      TableAlreadyExistsError,
    );
    await expect(catalog.createTable({ namespace: 'missing', name: 't' }, { schema })).rejects.toBeInstanceOf(
      NoSuchNamespaceError,
    );
    await expect(
      catalog.createTable({ namespace: 'db', name: 'elsewhere' }, { schema, location: '/tmp/elsewhere' }),
    ).rejects.toThrow(/Hadoop layout fixes the location/);
  });

  it('commits v<N+1>, updates the hint and records the previous file in the metadata log', async () => {
    const id = { namespace: 'db', name: 'commits' };
    const t1 = await catalog.createTable(id, { schema });
    const t2 = await catalog.commitTable(t1, withProperty(t1, 'k', 'v2'));
    expect(t2.metadataLocation).toBe(path.join(metaDir('commits'), 'v2.metadata.json'));
    expect((await read(path.join(metaDir('commits'), 'version-hint.text'))).trim()).toBe('2');
    expect(t2.metadata['metadata-log']).toEqual([
      { 'timestamp-ms': t1.metadata['last-updated-ms'], 'metadata-file': t1.metadataLocation },
    ]);
    const loaded = await catalog.loadTable(id);
    expect(loaded.metadata.properties?.k).toBe('v2');
    expect(loaded.metadata['metadata-log']).toEqual(t2.metadata['metadata-log']);
  });

  it('lets exactly one of two concurrent writers commit; the loser gets CommitConflictError and changes nothing', async () => {
    const id = { namespace: 'db', name: 'race' };
    const base = await catalog.createTable(id, { schema });
    const results = await Promise.allSettled([
      catalog.commitTable(base, withProperty(base, 'writer', 'a')),
      catalog.commitTable(base, withProperty(base, 'writer', 'b')),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(CommitConflictError);
    expect(String(lost[0]!.reason.message)).toMatch(/v2\.metadata\.json already exists/);
    const winner = (won[0] as PromiseFulfilledResult<LoadedTable>).value.metadata.properties?.writer;
    const loaded = await catalog.loadTable(id);
    expect(loaded.metadata.properties?.writer).toBe(winner);
    expect((await fs.readdir(metaDir('race'))).sort()).toEqual([
      'v1.metadata.json',
      'v2.metadata.json',
      'version-hint.text',
    ]);
    // A stale base cannot commit later either.
    await expect(catalog.commitTable(base, withProperty(base, 'writer', 'c'))).rejects.toBeInstanceOf(
      CommitConflictError,
    );
  });

  it('loads the newest version past a stale or missing hint', async () => {
    const id = { namespace: 'db', name: 'stale' };
    let t = await catalog.createTable(id, { schema });
    for (let i = 2; i <= 4; i++) t = await catalog.commitTable(t, withProperty(t, 'v', String(i)));
    const hint = path.join(metaDir('stale'), 'version-hint.text');
    await fs.writeFile(hint, '2'); // a writer died between creating v3..v4 and updating the hint
    expect((await catalog.loadTable(id)).metadataLocation).toBe(path.join(metaDir('stale'), 'v4.metadata.json'));
    await fs.writeFile(hint, 'garbage');
    expect((await catalog.loadTable(id)).metadata.properties?.v).toBe('4');
    await fs.rm(hint);
    expect((await catalog.loadTable(id)).metadata.properties?.v).toBe('4');
    await fs.writeFile(hint, '9'); // points past the newest file
    expect((await catalog.loadTable(id)).metadata.properties?.v).toBe('4');
  });

  it('fails with an error naming the file on corrupt, empty or missing metadata', async () => {
    const id = { namespace: 'db', name: 'corrupt' };
    const t = await catalog.createTable(id, { schema });
    const v2 = path.join(metaDir('corrupt'), 'v2.metadata.json');
    await fs.writeFile(v2, '{"format-version": 2, "table-uuid": ');
    await expect(catalog.loadTable(id)).rejects.toBeInstanceOf(InvalidMetadataError);
    await expect(catalog.loadTable(id)).rejects.toThrow(v2);
    await fs.writeFile(v2, '');
    await expect(catalog.loadTable(id)).rejects.toThrow(new RegExp(`${v2}.*empty`));
    await fs.rm(v2);
    expect((await catalog.loadTable(id)).metadataLocation).toBe(t.metadataLocation);
    await expect(catalog.loadTable({ namespace: 'db', name: 'never' })).rejects.toBeInstanceOf(NoSuchTableError);
    // Only a hint, no metadata file: a clear error naming the hint.
    await fs.mkdir(metaDir('hintonly'), { recursive: true });
    await fs.writeFile(path.join(metaDir('hintonly'), 'version-hint.text'), '3');
    await expect(catalog.loadTable({ namespace: 'db', name: 'hintonly' })).rejects.toThrow(
      /version-hint\.text names version 3/,
    );
  });

  it('caps the metadata log and deletes dropped metadata files when asked', async () => {
    const id = { namespace: 'db', name: 'capped' };
    let t = await catalog.createTable(id, {
      schema,
      properties: {
        'write.metadata.previous-versions-max': '2',
        'write.metadata.delete-after-commit.enabled': 'true',
      },
    });
    for (let i = 2; i <= 6; i++) t = await catalog.commitTable(t, withProperty(t, 'v', String(i)));
    expect(t.metadata['metadata-log']?.map((e) => path.basename(e['metadata-file']))).toEqual([
      'v4.metadata.json',
      'v5.metadata.json',
    ]);
    expect((await fs.readdir(metaDir('capped'))).sort()).toEqual([
      'v4.metadata.json',
      'v5.metadata.json',
      'v6.metadata.json',
      'version-hint.text',
    ]);
    expect((await catalog.loadTable(id)).metadata.properties?.v).toBe('6');
  });

  it('keeps every metadata file when delete-after-commit is off', async () => {
    const id = { namespace: 'db', name: 'kept' };
    let t = await catalog.createTable(id, {
      schema,
      properties: {
        'write.metadata.previous-versions-max': '1',
        'write.metadata.delete-after-commit.enabled': 'false',
      },
    });
    for (let i = 2; i <= 3; i++) t = await catalog.commitTable(t, withProperty(t, 'v', String(i)));
    expect(t.metadata['metadata-log']).toHaveLength(1);
    expect((await fs.readdir(metaDir('kept'))).filter((n) => n.endsWith('.metadata.json'))).toHaveLength(3);
  });

  it('drops a table from the catalog, keeping data unless purged', async () => {
    const keep = { namespace: 'db', name: 'dropkeep' };
    await catalog.createTable(keep, { schema });
    const dataFile = path.join(warehouse, 'db', 'dropkeep', 'data', 'x.parquet');
    await fs.mkdir(path.dirname(dataFile), { recursive: true });
    await fs.writeFile(dataFile, 'x');
    await catalog.dropTable(keep);
    expect(await catalog.tableExists(keep)).toBe(false);
    expect(await fs.readFile(dataFile, 'utf8')).toBe('x');
    const purge = { namespace: 'db', name: 'droppurge' };
    await catalog.createTable(purge, { schema });
    await catalog.dropTable(purge, true);
    await expect(fs.stat(path.join(warehouse, 'db', 'droppurge'))).rejects.toThrow(/ENOENT/);
    await expect(catalog.dropTable(purge)).rejects.toBeInstanceOf(NoSuchTableError);
  });
});

describe('LocalCatalog.refreshTable', () => {
  it('returns the same table while it is current, and the newest one after another writer, a drop or a re-create', async () => {
    const id = { namespace: 'db', name: 'refreshed' };
    const t1 = await catalog.createTable(id, { schema });
    expect(await catalog.refreshTable(t1)).toBe(t1);
    // Another writer (a second catalog object) commits v2: the refresh reads it.
    const t2 = await new LocalCatalog(warehouse).commitTable(t1, withProperty(t1, 'a', '1'));
    const r2 = await catalog.refreshTable(t1);
    expect(r2).not.toBe(t1);
    expect(r2.metadataLocation).toBe(t2.metadataLocation);
    expect(r2.metadata.properties?.a).toBe('1');
    expect(await catalog.refreshTable(r2)).toBe(r2);
    // Dropped and created again at v1: the old v2 handle is stale even though no v3 exists.
    await catalog.dropTable(id);
    const fresh = await catalog.createTable(id, { schema });
    const r3 = await catalog.refreshTable(r2);
    expect(r3.metadataLocation).toBe(fresh.metadataLocation);
    expect(r3.metadata['table-uuid']).toBe(fresh.metadata['table-uuid']);
    await catalog.dropTable(id);
    await expect(catalog.refreshTable(r3)).rejects.toBeInstanceOf(NoSuchTableError);
  });
});

describe('LocalCatalog and other writers', () => {
  it('reads gzip-compressed vN.gz.metadata.json as Java writes with write.metadata.compression-codec=gzip', async () => {
    const id = { namespace: 'db', name: 'gz' };
    const t = await catalog.createTable(id, { schema });
    const next = { ...t.metadata, properties: { ...t.metadata.properties, codec: 'gzip' } };
    await fs.writeFile(path.join(metaDir('gz'), 'v2.gz.metadata.json'), gzipSync(encodeMetadata(next)));
    const loaded = await catalog.loadTable(id);
    expect(path.basename(loaded.metadataLocation)).toBe('v2.gz.metadata.json');
    expect(loaded.metadata.properties?.codec).toBe('gzip');
  });
});

describe('static tables', () => {
  it('finds the newest metadata file in both naming schemes', () => {
    expect(
      newestMetadataFile([
        '/t/metadata/v2.metadata.json',
        '/t/metadata/v10.metadata.json',
        '/t/metadata/v9.metadata.json',
      ]),
    ).toBe('/t/metadata/v10.metadata.json');
    expect(
      newestMetadataFile([
        '/t/metadata/00001-a.metadata.json',
        '/t/metadata/00012-b.metadata.json',
        '/t/metadata/snap-1.avro',
      ]),
    ).toBe('/t/metadata/00012-b.metadata.json');
    expect(newestMetadataFile(['/t/metadata/x.avro'])).toBeUndefined();
  });

  it('opens a LocalCatalog table by folder and by metadata file', async () => {
    const id = { namespace: 'db', name: 'static' };
    let t = await catalog.createTable(id, { schema });
    t = await catalog.commitTable(t, withProperty(t, 'k', 'v'));
    const at = await loadTableAt(catalog.io, path.join(warehouse, 'db', 'static'));
    expect(at.metadataLocation).toBe(t.metadataLocation);
    const v1 = await loadMetadataFile(catalog.io, path.join(metaDir('static'), 'v1.metadata.json'));
    expect(v1.metadata.properties?.k).toBeUndefined();
    await expect(loadTableAt(catalog.io, path.join(warehouse, 'db', 'nothing'))).rejects.toThrow(
      /no metadata files under/,
    );
  });
});
