// tableStats: per-table figures from the current snapshot summary, the same figures by planning the files when a
// summary lacks the optional totals, and an empty table before its first commit.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { planFiles } from '../../../core/iceberg/scan/plan-files.js';
import { tableStats } from '../../../core/local/table-stats.js';
import { append, orders, ordersSchema, ordersSpec, tempWarehouse } from '../iceberg/scan/fixture-table.js';

let catalog: LocalCatalog;
let cleanup: () => Promise<void>;
let metadataLocation: string;
let bytes: number;
let files: number;

beforeAll(async () => {
  ({ catalog, cleanup } = await tempWarehouse());
  await catalog.createTable({ namespace: 'shop', name: 'empty' }, { schema: ordersSchema });
  let t = await catalog.createTable(
    { namespace: 'shop', name: 'orders' },
    { schema: ordersSchema, partitionSpec: ordersSpec },
  );
  t = await append(catalog, t, orders(0, 50));
  t = await append(catalog, t, orders(50, 30));
  metadataLocation = t.metadataLocation;
  const manifests = await planFiles(t);
  files = manifests.tasks.length;
  bytes = manifests.tasks.reduce((n, x) => n + x.file.file_size_in_bytes, 0);
});

afterAll(async () => {
  await cleanup();
});

describe('tableStats', () => {
  it('reads the totals of the current snapshot', async () => {
    const [empty, orders] = await tableStats(catalog);
    const loaded = await catalog.loadTable({ namespace: 'shop', name: 'orders' });
    expect(orders).toMatchObject({
      table: 'shop.orders',
      currentSnapshotId: String(loaded.metadata['current-snapshot-id']),
      records: 80,
      dataFiles: files,
      deleteFiles: 0,
      bytes,
      snapshots: 2,
      lastCommitMs: loaded.metadata.snapshots!.at(-1)!['timestamp-ms'],
      totalsFrom: 'summary',
    });
    expect(files).toBeGreaterThan(2);
    expect(empty).toMatchObject({
      table: 'shop.empty',
      currentSnapshotId: null,
      records: 0,
      dataFiles: 0,
      snapshots: 0,
      lastCommitMs: null,
      totalsFrom: 'empty',
    });
  });

  it('plans the files when the summary has no totals, with the same figures', async () => {
    const text = await fs.readFile(metadataLocation, 'utf8');
    const stripped = text.replace(/,?\s*"total-(records|data-files|files-size|delete-files)"\s*:\s*"\d+"/g, '');
    expect(stripped).not.toBe(text);
    await fs.writeFile(metadataLocation, stripped);
    const orders = (await tableStats(catalog)).find((t) => t.table === 'shop.orders')!;
    expect(orders).toMatchObject({ records: 80, dataFiles: files, bytes, snapshots: 2, totalsFrom: 'planned' });
  });
});
