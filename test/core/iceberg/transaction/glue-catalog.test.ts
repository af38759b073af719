// The same optimistic concurrency through the Glue catalog, against the stub that enforces Glue's VersionId
// compare-and-swap (ConcurrentModificationException) behind the real GlueClient.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../../../core/iceberg/catalog/glue-catalog.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { GlueStub } from '../../../support/glue-stub.js';
import { createOrders, ids, orders, range, tree, unreferenced, writeRows } from './table-fixture.js';

let dir: string;
let catalog: GlueCatalog;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoplake-tx-glue-'));
  catalog = new GlueCatalog({ client: new GlueStub().client(), warehouse: dir });
  await catalog.createNamespace('db');
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };

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
});
