import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { append, createOrders, newWarehouse, orders, tree } from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };

describe('updateSchema', () => {
  it('adds optional columns (with fresh ids, nested ones included) and widens a type in a new current schema', async () => {
    let table = await createOrders(wh.catalog, 'evolve');
    table = await append(wh.catalog, table, orders(0, 5));
    table = await new Transaction(wh.catalog, table)
      .updateSchema([
        { kind: 'add-column', name: 'channel', type: 'string', doc: 'web, app or pos' },
        {
          kind: 'add-column',
          name: 'address',
          type: { type: 'struct', fields: [{ id: 0, name: 'city', required: false, type: 'string' }] },
        },
        { kind: 'widen', column: 'shop_id', to: 'long' },
        { kind: 'widen', column: 'total', to: 'decimal(12,2)' },
      ])
      .commit();
    const m = table.metadata;
    expect(m.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(m['current-schema-id']).toBe(1);
    expect(m['last-column-id']).toBe(8);
    const fields = m.schemas[1]!.fields;
    expect(fields.find((f) => f.name === 'shop_id')!.type).toBe('long');
    expect(fields.find((f) => f.name === 'total')!.type).toBe('decimal(12,2)');
    expect(fields.find((f) => f.name === 'channel')).toEqual({
      id: 6,
      name: 'channel',
      required: false,
      type: 'string',
      doc: 'web, app or pos',
    });
    expect(fields.find((f) => f.name === 'address')).toMatchObject({
      id: 7,
      required: false,
      type: { type: 'struct', fields: [{ id: 8, name: 'city', required: false, type: 'string' }] },
    });
    expect(m.schemas[0]!.fields.find((f) => f.name === 'shop_id')!.type).toBe('int'); // the old schema is kept

    // Old files read with the new schema (new columns null); new rows carry the new columns.
    table = await append(wh.catalog, table, [{ ...orders(5, 1)[0]!, channel: 'app', address: { city: 'Oslo' } }]);
    const rows = await readRows(table);
    expect(rows.filter((r) => r.channel === null && r.address === null)).toHaveLength(5);
    expect(rows.find((r) => Number(r.order_id) === 5)).toMatchObject({ channel: 'app', address: { city: 'Oslo' } });
    expect(table.metadata.snapshots![1]!['schema-id']).toBe(1);
  });

  it('rejects invalid changes with the reason and commits nothing', async () => {
    const table = await createOrders(wh.catalog, 'evolve_bad');
    const disk = await tree(wh.dir);
    const run = (changes: Parameters<Transaction['updateSchema']>[0]) =>
      new Transaction(wh.catalog, table)
        .updateSchema(changes)
        .commit()
        .catch((e: unknown) => e);
    const narrow = await run([{ kind: 'widen', column: 'order_id', to: 'int' }]);
    expect(narrow).toBeInstanceOf(ValidationError);
    expect((narrow as Error).message).toMatch(
      /update schema on db\.evolve_bad: cannot promote column order_id from long to int/,
    );
    expect(await run([{ kind: 'add-column', name: 'customer', type: 'string' }])).toMatchObject({
      message: expect.stringMatching(/customer: it already exists/),
    });
    expect(await run([{ kind: 'widen', column: 'nope', to: 'long' }])).toMatchObject({
      message: expect.stringMatching(/cannot promote column nope: it does not exist/),
    });
    expect(await tree(wh.dir)).toEqual(disk);
  });

  it('fails when the schema changed concurrently, but re-applies over concurrent appends', async () => {
    let table = await createOrders(wh.catalog, 'evolve_race', FAST_RETRY);
    const a = new Transaction(wh.catalog, table).updateSchema([{ kind: 'add-column', name: 'a', type: 'int' }]);
    const b = new Transaction(wh.catalog, table).updateSchema([{ kind: 'add-column', name: 'b', type: 'int' }]);
    await append(wh.catalog, table, orders(0, 3)); // an append in between does not conflict
    table = await a.commit();
    expect(a.attempts).toBe(2);
    expect(table.metadata.snapshots).toHaveLength(1);
    await expect(b.commit()).rejects.toThrow(/the schema changed concurrently \(schema 0 is no longer current, 1 is\)/);
    const now = await wh.catalog.loadTable(table.identifier);
    expect(now.metadata.schemas.at(-1)!.fields.map((f) => f.name)).toContain('a');
    expect(now.metadata.schemas.at(-1)!.fields.map((f) => f.name)).not.toContain('b');
  });
});
