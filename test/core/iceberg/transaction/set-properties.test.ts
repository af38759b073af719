import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { createOrders, newWarehouse, tree } from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

describe('setProperties', () => {
  it('sets and removes properties without a snapshot, merging with a concurrent change', async () => {
    const table = await createOrders(wh.catalog, 'props', {
      'commit.retry.min-wait-ms': '1',
      'shoplake.old': 'x',
    });
    const a = new Transaction(wh.catalog, table).setProperties({ 'shoplake.a': '1' }, ['shoplake.old']);
    const b = new Transaction(wh.catalog, table).setProperties({ 'shoplake.b': '2' });
    await a.commit();
    const committed = await b.commit();
    expect(b.attempts).toBe(2);
    expect(committed.metadata.properties).toMatchObject({ 'shoplake.a': '1', 'shoplake.b': '2' });
    expect(committed.metadata.properties?.['shoplake.old']).toBeUndefined();
    expect(committed.metadata.snapshots ?? []).toHaveLength(0);
    expect(committed.metadata['last-updated-ms']).toBeGreaterThanOrEqual(table.metadata['last-updated-ms']);
  });

  it('rejects reserved keys, non-string values and malformed retry settings', async () => {
    const table = await createOrders(wh.catalog, 'props_bad');
    const disk = await tree(wh.dir);
    const tx = (): Transaction => new Transaction(wh.catalog, table);
    expect(() => tx().setProperties({ 'format-version': '3' })).toThrow(/format-version 3 is not supported/);
    expect(() => tx().setProperties({ uuid: 'x' })).toThrow(/uuid is reserved/);
    expect(() => tx().setProperties({ n: 5 as unknown as string })).toThrow(/property n must be a string/);
    expect(() => tx().setProperties({ a: '1' }, ['a'])).toThrow(/both set and removed/);
    await expect(tx().setProperties({ 'commit.retry.num-retries': 'many' }).commit()).rejects.toThrow(
      /set properties on db\.props_bad: table property commit\.retry\.num-retries="many" is not a non-negative integer/,
    );
    expect(await tree(wh.dir)).toEqual(disk);
  });
});
