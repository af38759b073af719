// Optimistic concurrency end to end on a real LocalCatalog: racing writers, retries, exhausted retries, failures
// at each step of a commit, and what each leaves on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import { CommitStateUnknownError as CatalogCommitStateUnknownError } from '../../../../core/iceberg/catalog/errors.js';
import {
  CommitFailedError,
  CommitStateUnknownError,
  ValidationError,
} from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import {
  append,
  createOrders,
  currentSnapshot,
  ids,
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

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };

/** The real catalog, with a hook that runs before each commit (to let a rival writer win the race). */
class HookedCatalog implements Catalog {
  constructor(
    private readonly inner: Catalog,
    private readonly beforeCommit: (base: LoadedTable) => Promise<void>,
  ) {}
  get io() {
    return this.inner.io;
  }
  createNamespace = (ns: string) => this.inner.createNamespace(ns);
  listNamespaces = () => this.inner.listNamespaces();
  createTable: Catalog['createTable'] = (id, req) => this.inner.createTable(id, req);
  loadTable: Catalog['loadTable'] = (id) => this.inner.loadTable(id);
  tableExists: Catalog['tableExists'] = (id) => this.inner.tableExists(id);
  listTables: Catalog['listTables'] = (ns) => this.inner.listTables(ns);
  dropTable: Catalog['dropTable'] = (id, purge) => this.inner.dropTable(id, purge);
  commitTable: Catalog['commitTable'] = async (base, next) => {
    await this.beforeCommit(base);
    return this.inner.commitTable(base, next);
  };
}

describe('Transaction', () => {
  it('lands two appends staged on the same base: the loser reloads, re-applies and reuses its manifest', async () => {
    const base = await createOrders(wh.catalog, 'race_appends', FAST_RETRY);
    const a = new Transaction(wh.catalog, base).fastAppend(await writeRows(base, orders(0, 20)));
    const b = new Transaction(wh.catalog, base).fastAppend(await writeRows(base, orders(20, 30)));
    await a.commit();
    const table = await b.commit();
    expect([a.attempts, b.attempts]).toEqual([1, 2]);
    const [sa, sb] = table.metadata.snapshots!;
    expect(sa!['snapshot-id']).toBe(a.snapshotIds[0]);
    expect(sb!['snapshot-id']).toBe(b.snapshotIds[0]);
    expect(sb!['parent-snapshot-id']).toBe(sa!['snapshot-id']);
    expect(sb!['sequence-number']).toBe(2);
    expect(sb!.summary['total-records']).toBe('50');
    expect(await ids(table)).toEqual(range(0, 50));
    // The first attempt's manifest list is gone; its manifest was reused, so nothing is left over.
    expect(await unreferenced(table)).toEqual([]);
  });

  it('lets many concurrent appends all land', async () => {
    const base = await createOrders(wh.catalog, 'race_many', { ...FAST_RETRY, 'commit.retry.num-retries': '20' });
    const txs = await Promise.all(
      range(0, 6).map(async (i) =>
        new Transaction(wh.catalog, base).fastAppend(await writeRows(base, orders(i * 10, 10))),
      ),
    );
    await Promise.all(txs.map((tx) => tx.commit()));
    const table = await wh.catalog.loadTable(base.identifier);
    expect(table.metadata.snapshots).toHaveLength(6);
    expect(table.metadata.snapshots!.map((s) => s['sequence-number'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await ids(table)).toEqual(range(0, 60));
    expect(await unreferenced(table)).toEqual([]);
  });

  it('fails the second of two compactions of the same files cleanly, keeping the caller data files', async () => {
    let table = await createOrders(wh.catalog, 'race_replace', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 10, 1));
    table = await append(wh.catalog, table, orders(10, 10, 1));
    const old = (await readRows(table)).length;
    const small = table.metadata.snapshots!.length;
    const files = (await planFiles(table)).tasks.map((t) => t.file);
    const rows = await readRows(table);
    const compactedA = await writeRows(table, rows);
    const compactedB = await writeRows(table, rows);
    const a = new Transaction(wh.catalog, table).replaceFiles(files, compactedA);
    const b = new Transaction(wh.catalog, table).replaceFiles(files, compactedB);
    const after = await a.commit();
    const disk = await tree(wh.dir);
    const err = await b.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(
      /replace files on db\.race_replace: \d+ file\(s\) to remove are not in the table/,
    );
    expect((err as Error).message).toContain(files[0]!.file_path);
    // The table is as the winner left it; the loser's manifests and lists are gone; its data files stay.
    const now = await wh.catalog.loadTable(table.identifier);
    expect(now.metadata).toEqual(after.metadata);
    expect(now.metadata.snapshots).toHaveLength(small + 1);
    expect(await tree(wh.dir)).toEqual(disk);
    for (const f of compactedB) expect(disk.has(f.file_path.slice(wh.dir.length + 1))).toBe(true);
    expect((await readRows(now)).length).toBe(old);
  });

  it('gives up after commit.retry.num-retries with a clear error, leaving only the rivals commits', async () => {
    const base = await createOrders(wh.catalog, 'retries_exhausted', {
      ...FAST_RETRY,
      'commit.retry.num-retries': '2',
    });
    let rival = 0;
    const racing = new HookedCatalog(wh.catalog, async () => {
      const t = await wh.catalog.loadTable(base.identifier);
      await append(wh.catalog, t, orders(1000 + rival * 10, 10));
      rival++;
    });
    const ours = await writeRows(base, orders(0, 5));
    const tx = new Transaction(racing, base).fastAppend(ours);
    const err = await tx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitFailedError);
    expect((err as Error).message).toMatch(/commit to db\.retries_exhausted failed after 3 attempt\(s\)/);
    expect((err as Error).message).toMatch(/commit\.retry\.num-retries/);
    expect(tx.attempts).toBe(3);
    const table = await wh.catalog.loadTable(base.identifier);
    expect(table.metadata.snapshots).toHaveLength(3);
    expect(await ids(table)).toEqual([...range(1000, 10), ...range(1010, 10), ...range(1020, 10)]);
    // Our manifest and three manifest lists were removed; our data files are the caller's and stay.
    expect((await unreferenced(table)).sort()).toEqual(ours.map((f) => f.file_path).sort());
  });

  it('deletes the caller data files on failure only when asked', async () => {
    const base = await createOrders(wh.catalog, 'delete_added', { ...FAST_RETRY, 'commit.retry.num-retries': '0' });
    const racing = new HookedCatalog(wh.catalog, async () => {
      await append(wh.catalog, await wh.catalog.loadTable(base.identifier), orders(100, 1));
    });
    const files = await writeRows(base, orders(0, 5));
    const tx = new Transaction(racing, base, { deleteAddedFilesOnFailure: true }).fastAppend(files);
    await expect(tx.commit()).rejects.toBeInstanceOf(CommitFailedError);
    expect(await unreferenced(await wh.catalog.loadTable(base.identifier))).toEqual([]);
  });

  it('leaves the table byte-identical when writing the manifest list fails', async () => {
    const table = await createOrders(wh.catalog, 'io_failure');
    const files = await writeRows(table, orders(0, 10));
    const before = await tree(wh.dir);
    class FailingIO extends LocalFileIO {
      override async write(location: string, data: Uint8Array): Promise<void> {
        if (location.includes('/snap-')) throw new Error(`${location}: EIO simulated disk failure`);
        return super.write(location, data);
      }
    }
    const failing = { ...table, io: new FailingIO() };
    const err = await new Transaction(wh.catalog, failing)
      .fastAppend(files)
      .commit()
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/EIO simulated disk failure/);
    expect(await tree(wh.dir)).toEqual(before); // the manifest it had written is gone again
  });

  it('reports an unknown commit state (keeping its files) when the catalog fails without a conflict', async () => {
    const table = await createOrders(wh.catalog, 'unknown_state');
    const files = await writeRows(table, orders(0, 10));
    const broken = new HookedCatalog(wh.catalog, async () => {
      throw new Error('socket hang up');
    });
    const err = await new Transaction(broken, table)
      .fastAppend(files)
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitStateUnknownError);
    expect((err as CommitStateUnknownError).table).toEqual(table.identifier);
    expect((err as Error).message).toMatch(
      /commit state unknown for db\.unknown_state \(socket hang up\).*reload the table/,
    );
    const now = await wh.catalog.loadTable(table.identifier);
    expect(now.metadata).toEqual(table.metadata);
    // Kept: the commit might have landed, and deleting files a committed snapshot references would corrupt it.
    expect((await unreferenced(now)).filter((f) => f.endsWith('.avro'))).toHaveLength(2);
  });

  it("passes the catalog's own unknown-state error through: one class, caught the same from catalog/ or transaction/", async () => {
    expect(CommitStateUnknownError).toBe(CatalogCommitStateUnknownError);
    const table = await createOrders(wh.catalog, 'unknown_state_catalog');
    const files = await writeRows(table, orders(0, 10));
    const lost = new CatalogCommitStateUnknownError(table.identifier, `${table.metadata.location}/metadata/v2.json`, {
      cause: new Error('Glue 500, re-check failed'),
    });
    const broken = new HookedCatalog(wh.catalog, async () => {
      throw lost;
    });
    const err = await new Transaction(broken, table)
      .fastAppend(files)
      .commit()
      .catch((e: unknown) => e);
    // Before, the transaction wrapped it in a second class (CommitOutcomeUnknownError) that catalog callers' instanceof
    // missed, and the metadata file it names was only reachable through `cause`.
    expect(err).toBe(lost);
    expect(err).toBeInstanceOf(CatalogCommitStateUnknownError);
    expect((err as CommitStateUnknownError).metadataLocation).toBe(`${table.metadata.location}/metadata/v2.json`);
    expect((err as Error).message).toMatch(
      /v2\.json may or may not be the current metadata \(Glue 500, re-check failed\)/,
    );
    expect(
      (await unreferenced(await wh.catalog.loadTable(table.identifier))).filter((f) => f.endsWith('.avro')),
    ).toHaveLength(2);
  });

  it('recognises a commit that landed although the catalog reported an error (lost response)', async () => {
    const table = await createOrders(wh.catalog, 'lost_response');
    const files = await writeRows(table, orders(0, 10));
    class LostResponse extends LocalCatalog {
      override async commitTable(base: LoadedTable, next: LoadedTable['metadata']): Promise<LoadedTable> {
        await super.commitTable(base, next);
        throw new Error('connection reset after the write');
      }
    }
    const tx = new Transaction(new LostResponse(wh.dir), table).fastAppend(files);
    const committed = await tx.commit();
    expect(currentSnapshot(committed)['snapshot-id']).toBe(tx.snapshotIds[0]);
    expect(await ids(committed)).toEqual(range(0, 10));
    expect(await unreferenced(committed)).toEqual([]);
  });

  it('commits several operations as one new metadata version', async () => {
    const table = await createOrders(wh.catalog, 'multi_op');
    const committed = await new Transaction(wh.catalog, table)
      .fastAppend(await writeRows(table, orders(0, 10)))
      .setProperties({ 'shoplake.owner': 'ingest' })
      .updateSchema([{ kind: 'add-column', name: 'channel', type: 'string' }])
      .fastAppend(await writeRows(table, orders(10, 10)))
      .commit();
    expect(committed.metadataLocation).toMatch(/v2\.metadata\.json$/);
    expect(committed.metadata.snapshots).toHaveLength(2);
    expect(committed.metadata.properties?.['shoplake.owner']).toBe('ingest');
    expect(committed.metadata['current-schema-id']).toBe(1);
    expect(committed.metadata.snapshots![1]!['schema-id']).toBe(1);
    expect(await ids(committed)).toEqual(range(0, 20));
    expect(await unreferenced(committed)).toEqual([]);
  });

  it('is single use and commits nothing when nothing was staged', async () => {
    const table = await createOrders(wh.catalog, 'single_use');
    const tx = new Transaction(wh.catalog, table);
    expect(await tx.commit()).toBe(table);
    await expect(tx.commit()).rejects.toThrow(/already committed/);
    expect(() => tx.setProperties({ a: 'b' })).toThrow(/already committed/);
    expect((await wh.catalog.loadTable(table.identifier)).metadataLocation).toBe(table.metadataLocation);
  });
});
