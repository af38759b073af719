// write.metadata.compression-codec on write: gzip metadata files named as Iceberg Java names them
// (HadoopTableOperations: v<N>.gz.metadata.json; BaseMetastoreTableOperations: <NNNNN>-<uuid>.gz.metadata.json),
// found again by loading, refreshing and probing, kept right by the metadata-log bookkeeping, and an unknown codec
// refused before anything is written. Real LocalCatalog on a temp dir; GlueCatalog against GlueStub.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitConflictError } from '../../../../core/iceberg/catalog/catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { GlueCatalog } from '../../../../core/iceberg/catalog/glue-catalog.js';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import { encodeMetadata, readMetadataFile } from '../../../../core/iceberg/catalog/metadata-file.js';
import { loadTableAt } from '../../../../core/iceberg/catalog/static-table.js';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import { serializeTableMetadata } from '../../../../core/iceberg/spec/table-metadata-json.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { GlueStub } from '../../../support/glue-stub.js';
import { append, createOrders, ids, orders, range, schema, spec, tree } from '../transaction/table-fixture.js';

const GZIP = { 'write.metadata.compression-codec': 'gzip' };

let dir: string;
let catalog: LocalCatalog;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'metadata-codec-'));
  catalog = new LocalCatalog(path.join(dir, 'local'));
  await catalog.createNamespace('db');
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

const metaDir = (name: string) => path.join(dir, 'local', 'db', name, 'metadata');
const metadataFiles = async (name: string) =>
  (await fs.readdir(metaDir(name))).filter((f) => f.includes('.metadata.json')).sort();
const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
const hint = async (name: string) => (await fs.readFile(path.join(metaDir(name), 'version-hint.text'), 'utf8')).trim();

/** The file's bytes are gzip whose content is exactly the table's metadata JSON. */
async function expectGzipOf(file: string, t: LoadedTable): Promise<void> {
  const bytes = await fs.readFile(file);
  expect(isGzip(bytes), file).toBe(true);
  expect(gunzipSync(bytes).toString('utf8')).toBe(serializeTableMetadata(t.metadata));
}

describe('LocalCatalog with write.metadata.compression-codec=gzip', () => {
  it('writes every version as gzip v<N>.gz.metadata.json, with the hint at N, readable by our reader', async () => {
    let t = await createOrders(catalog, 'gz', GZIP);
    expect(path.basename(t.metadataLocation)).toBe('v1.gz.metadata.json');
    await expectGzipOf(t.metadataLocation, t);
    for (let i = 0; i < 3; i++) t = await append(catalog, t, orders(i * 50, 50));
    expect(await metadataFiles('gz')).toEqual([
      'v1.gz.metadata.json',
      'v2.gz.metadata.json',
      'v3.gz.metadata.json',
      'v4.gz.metadata.json',
    ]);
    expect(await hint('gz')).toBe('4');
    await expectGzipOf(t.metadataLocation, t);
    const loaded = await catalog.loadTable(t.identifier);
    expect(loaded.metadataLocation).toBe(path.join(metaDir('gz'), 'v4.gz.metadata.json'));
    expect(loaded.metadata).toEqual(t.metadata);
    expect(await readMetadataFile(new LocalFileIO(), path.join(metaDir('gz'), 'v2.gz.metadata.json'))).toMatchObject({
      'table-uuid': t.metadata['table-uuid'],
    });
    expect(await ids(loaded)).toEqual(range(0, 150));
    // the metadata log names the gzip files, and refresh sees the table as current
    expect(t.metadata['metadata-log']!.map((e) => path.basename(e['metadata-file']))).toEqual([
      'v1.gz.metadata.json',
      'v2.gz.metadata.json',
      'v3.gz.metadata.json',
    ]);
    expect(await catalog.refreshTable(loaded)).toBe(loaded);
    // a table opened without a catalog finds the newest gzip file too
    expect((await loadTableAt(new LocalFileIO(), path.join(dir, 'local', 'db', 'gz'))).metadataLocation).toBe(
      loaded.metadataLocation,
    );
  });

  it('accepts the codec in any case, as Java (Codec.fromName upper-cases)', async () => {
    const t = await createOrders(catalog, 'gz_upper', { 'write.metadata.compression-codec': 'GZip' });
    expect(path.basename(t.metadataLocation)).toBe('v1.gz.metadata.json');
    expect(isGzip(await fs.readFile(t.metadataLocation))).toBe(true);
    const plain = await createOrders(catalog, 'none_upper', { 'write.metadata.compression-codec': 'NONE' });
    expect(path.basename(plain.metadataLocation)).toBe('v1.metadata.json');
    expect(isGzip(await fs.readFile(plain.metadataLocation))).toBe(false);
  });

  it('keeps working when a table switches none -> gzip -> none, through stale hints and file deletion', async () => {
    let t = await createOrders(catalog, 'switch', {
      'write.metadata.previous-versions-max': '2',
      'write.metadata.delete-after-commit.enabled': 'true',
    });
    t = await append(catalog, t, orders(0, 40)); // v2 plain
    t = await new Transaction(catalog, t).setProperties(GZIP).commit(); // v3: the new metadata's codec names it
    expect(path.basename(t.metadataLocation)).toBe('v3.gz.metadata.json');
    t = await append(catalog, t, orders(40, 40)); // v4 gzip
    expect(await metadataFiles('switch')).toEqual(['v2.metadata.json', 'v3.gz.metadata.json', 'v4.gz.metadata.json']);
    expect(t.metadata['metadata-log']!.map((e) => path.basename(e['metadata-file']))).toEqual([
      'v2.metadata.json',
      'v3.gz.metadata.json',
    ]);

    // a stale hint (v1, deleted) still loads the newest version, probing across both names
    await fs.writeFile(path.join(metaDir('switch'), 'version-hint.text'), '1');
    const loaded = await catalog.loadTable(t.identifier);
    expect(path.basename(loaded.metadataLocation)).toBe('v4.gz.metadata.json');
    expect(await ids(loaded)).toEqual(range(0, 80));

    t = await new Transaction(catalog, loaded).setProperties({}, ['write.metadata.compression-codec']).commit(); // v5 plain again
    t = await append(catalog, t, orders(80, 40)); // v6 plain
    // delete-after-commit removed the files that left the log, whatever their codec
    expect(await metadataFiles('switch')).toEqual(['v4.gz.metadata.json', 'v5.metadata.json', 'v6.metadata.json']);
    expect(await hint('switch')).toBe('6');
    const stale = { ...loaded }; // v4: a writer that missed v5 and v6
    expect((await catalog.refreshTable(stale)).metadataLocation).toBe(t.metadataLocation);
    expect(await ids(await catalog.loadTable(t.identifier))).toEqual(range(0, 120));
  });

  it('lets only one of two writers with different codecs commit the same version', async () => {
    const base = await createOrders(catalog, 'race');
    const gz = { ...base.metadata, properties: { ...base.metadata.properties, ...GZIP } };
    const won = await catalog.commitTable(base, { ...gz, 'last-updated-ms': gz['last-updated-ms'] + 1 });
    expect(path.basename(won.metadataLocation)).toBe('v2.gz.metadata.json');
    const plain = { ...base.metadata, 'last-updated-ms': base.metadata['last-updated-ms'] + 2 };
    await expect(catalog.commitTable(base, plain)).rejects.toThrow(CommitConflictError);
    expect(await metadataFiles('race')).toEqual(['v1.metadata.json', 'v2.gz.metadata.json']);
    expect((await catalog.loadTable(base.identifier)).metadataLocation).toBe(won.metadataLocation);
  });

  it('never lets a writer whose base predates a codec switch publish a second name for the version', async () => {
    // A reader that loads and commits while the stale writer is between its checks must build on the real v3.
    const created: string[] = [];
    let hook: (() => Promise<void>) | undefined;
    class WatchedIO extends LocalFileIO {
      override async writeIfAbsent(p: string, bytes: Uint8Array): Promise<boolean> {
        created.push(path.basename(p));
        return super.writeIfAbsent(p, bytes);
      }
      override async exists(p: string): Promise<boolean> {
        if (hook && p.endsWith('v3.gz.metadata.json')) {
          const h = hook;
          hook = undefined;
          await h();
        }
        return super.exists(p);
      }
    }
    const watched = new LocalCatalog(path.join(dir, 'local'), { io: new WatchedIO() });
    let t = await createOrders(watched, 'stale');
    t = await append(watched, t, orders(0, 10)); // v2, plain
    const stale = t;
    const switched = await new Transaction(watched, t).setProperties(GZIP).commit(); // v3.gz
    expect(path.basename(switched.metadataLocation)).toBe('v3.gz.metadata.json');
    hook = async () => {
      const seen = await watched.loadTable(stale.identifier);
      expect(path.basename(seen.metadataLocation)).toBe('v3.gz.metadata.json');
      await append(watched, seen, orders(100, 5)); // v4
    };
    created.length = 0;
    await append(watched, stale, orders(10, 10)); // conflicts on v3, then retries on the newest table
    expect(created.filter((f) => f.includes('.metadata.json'))).not.toContain('v3.metadata.json');
    const final = await watched.loadTable(stale.identifier);
    expect(await ids(final)).toEqual([...range(0, 20), ...range(100, 5)]);
    expect((final.metadata['metadata-log'] ?? []).map((e) => path.basename(e['metadata-file']))).toContain(
      'v3.gz.metadata.json',
    );
  });

  it('makes readers wait while a version has two names, and name both files if they never settle', async () => {
    const t = await createOrders(catalog, 'twonames');
    const won = await catalog.commitTable(t, { ...t.metadata, 'last-updated-ms': t.metadata['last-updated-ms'] + 1 });
    // a losing writer's file of the same version, as it exists between its create and its clean-up
    const loser = path.join(metaDir('twonames'), 'v2.gz.metadata.json');
    await fs.writeFile(loser, encodeMetadata({ ...t.metadata, 'last-updated-ms': 1 }, 'gzip'));
    const cleanUp = new Promise((resolve) => setTimeout(resolve, 50)).then(() => fs.rm(loser));
    const loaded = await catalog.loadTable(t.identifier);
    await cleanUp;
    expect(loaded.metadataLocation).toBe(won.metadataLocation);
    await fs.writeFile(loser, encodeMetadata({ ...t.metadata, 'last-updated-ms': 1 }, 'gzip'));
    await expect(catalog.loadTable(t.identifier)).rejects.toThrow(
      /version 2 has 2 metadata files .*v2\.metadata\.json, .*v2\.gz\.metadata\.json.*collided/,
    );
  });

  it("loads Java's old v<N>.metadata.json.gz name (HadoopTableOperations reads it for backward compatibility)", async () => {
    const t = await createOrders(catalog, 'oldgz');
    const next = { ...t.metadata, 'last-updated-ms': t.metadata['last-updated-ms'] + 1 };
    await fs.writeFile(path.join(metaDir('oldgz'), 'v2.metadata.json.gz'), encodeMetadata(next, 'gzip'));
    const loaded = await catalog.loadTable(t.identifier);
    expect(path.basename(loaded.metadataLocation)).toBe('v2.metadata.json.gz');
    expect(loaded.metadata['last-updated-ms']).toBe(next['last-updated-ms']);
    const committed = await catalog.commitTable(loaded, { ...next, 'last-updated-ms': next['last-updated-ms'] + 1 });
    expect(path.basename(committed.metadataLocation)).toBe('v3.metadata.json');
  });

  it('refuses an unknown codec, naming the property and value, before anything is written', async () => {
    const tableDir = path.join(dir, 'local', 'db', 'bad');
    await expect(createOrders(catalog, 'bad', { 'write.metadata.compression-codec': 'zstd' })).rejects.toThrow(
      'table property write.metadata.compression-codec="zstd" is not a metadata codec: use none or gzip',
    );
    await expect(fs.stat(tableDir)).rejects.toThrow(/ENOENT/);

    const t = await createOrders(catalog, 'bad');
    const before = await tree(tableDir);
    const bad = { ...t.metadata, properties: { ...t.metadata.properties, 'write.metadata.compression-codec': 'lz4' } };
    await expect(catalog.commitTable(t, bad)).rejects.toThrow(/write\.metadata\.compression-codec="lz4"/);
    const tx = new Transaction(catalog, t).setProperties({ 'write.metadata.compression-codec': 'snappy' });
    const err = await tx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/write\.metadata\.compression-codec="snappy" is not a metadata codec/);
    expect(await tree(tableDir)).toEqual(before);
  });
});

describe('a table that already carries an unknown codec (set by another tool)', () => {
  it('refuses an append as a ValidationError, not an unknown commit state, and leaves the metadata as it was', async () => {
    const t = await createOrders(catalog, 'foreign-codec');
    // another engine wrote v2 with a codec we cannot write (our own set-properties refuses it)
    const bad = { ...t.metadata, properties: { ...t.metadata.properties, 'write.metadata.compression-codec': 'lz4' } };
    await fs.writeFile(path.join(metaDir('foreign-codec'), 'v2.metadata.json'), encodeMetadata(bad));
    await fs.writeFile(path.join(metaDir('foreign-codec'), 'version-hint.text'), '2');
    const loaded = await catalog.loadTable(t.identifier);
    const before = await metadataFiles('foreign-codec');
    const err = await append(catalog, loaded, orders(0, 3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/db\.foreign-codec.*write\.metadata\.compression-codec="lz4"/);
    expect(await metadataFiles('foreign-codec')).toEqual(before);
    expect(await ids(await catalog.loadTable(t.identifier))).toEqual([]);
  });
});

describe('GlueCatalog with write.metadata.compression-codec=gzip', () => {
  it('names files <NNNNN>-<uuid>.gz.metadata.json, gzipped, and commits through the VersionId swap', async () => {
    const stub = new GlueStub();
    const glue = stub.client();
    const warehouse = path.join(dir, 'glue');
    const gc = new GlueCatalog({ client: glue, warehouse });
    await gc.createNamespace('db');
    const glueParams = async () =>
      (await glue.send(new GetTableCommand({ DatabaseName: 'db', Name: 'orders' }))).Table!;
    const name = (n: number, gz: boolean) =>
      new RegExp(
        `^${warehouse}/db\\.db/orders/metadata/${String(n).padStart(5, '0')}-[0-9a-f-]{36}${gz ? '\\.gz' : ''}\\.metadata\\.json$`,
      );

    let t = await gc.createTable({ namespace: 'db', name: 'orders' }, { schema, partitionSpec: spec });
    expect(t.metadataLocation).toMatch(name(0, false));
    t = await append(gc, t, orders(0, 30));
    expect(t.metadataLocation).toMatch(name(1, false));
    const plainFile = t.metadataLocation;
    t = await new Transaction(gc, t).setProperties(GZIP).commit();
    expect(t.metadataLocation).toMatch(name(2, true));
    t = await append(gc, t, orders(30, 30));
    expect(t.metadataLocation).toMatch(name(3, true));
    await expectGzipOf(t.metadataLocation, t);

    const g = await glueParams();
    expect(g.VersionId).toBe('3');
    expect(g.Parameters?.metadata_location).toBe(t.metadataLocation);
    expect(g.Parameters?.previous_metadata_location).toMatch(name(2, true));
    expect(t.metadata['metadata-log']!.map((e) => e['metadata-file'])).toContain(plainFile);
    const loaded = await gc.loadTable(t.identifier);
    expect(loaded.metadata).toEqual(t.metadata);
    expect(await ids(loaded)).toEqual(range(0, 60));

    // a new table created with gzip starts at 00000-….gz.metadata.json
    const created = await gc.createTable({ namespace: 'db', name: 'events' }, { schema, properties: GZIP });
    expect(created.metadataLocation).toMatch(/\/db\.db\/events\/metadata\/00000-[0-9a-f-]{36}\.gz\.metadata\.json$/);
    expect(isGzip(await fs.readFile(created.metadataLocation))).toBe(true);
  });

  it('refuses an unknown codec (or a location provider class) before writing a file or touching Glue', async () => {
    const stub = new GlueStub();
    const glue = stub.client();
    const warehouse = path.join(dir, 'glue-bad');
    const gc = new GlueCatalog({ client: glue, warehouse });
    await gc.createNamespace('db');
    await expect(
      gc.createTable(
        { namespace: 'db', name: 'x' },
        { schema, properties: { 'write.metadata.compression-codec': 'br' } },
      ),
    ).rejects.toThrow('table property write.metadata.compression-codec="br" is not a metadata codec: use none or gzip');
    // so are location properties no writer could honour (spec/location-provider.ts)
    await expect(
      gc.createTable(
        { namespace: 'db', name: 'x' },
        { schema, properties: { 'write.location-provider.impl': 'com.example.MyProvider' } },
      ),
    ).rejects.toThrow(/names a Java LocationProvider class/);
    expect(stub.calls.filter((c) => c === 'CreateTable')).toEqual([]);
    await expect(fs.stat(path.join(warehouse, 'db.db'))).rejects.toThrow(/ENOENT/);

    const t = await gc.createTable({ namespace: 'db', name: 'x' }, { schema });
    const before = await tree(path.join(warehouse, 'db.db', 'x'));
    const bad = { ...t.metadata, properties: { ...t.metadata.properties, 'write.metadata.compression-codec': 'br' } };
    await expect(gc.commitTable(t, bad)).rejects.toThrow(/write\.metadata\.compression-codec="br"/);
    expect(stub.calls.filter((c) => c === 'UpdateTable')).toEqual([]);
    expect(await tree(path.join(warehouse, 'db.db', 'x'))).toEqual(before);
  });
});
