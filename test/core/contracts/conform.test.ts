import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conform, contracts, createPiiHasher, EVENT_TYPES, validate } from '../../../core/contracts/index.js';
import { NOW, valid } from './fixtures.js';

const SALT = 'test-salt-0123456789abcdef';
const hash = createPiiHasher(SALT);
const hmac = (v: string) => createHmac('sha256', SALT).update(v).digest('hex');
const meta = { ingest_time: NOW * 1000 + 7, is_late: true, kafka_partition: 3, kafka_offset: 12_345 };
const names = (q: string) =>
  contracts()
    .tables.find((t) => t.qualifiedName === q)!
    .fields.map((f) => f.name);

describe('conform', () => {
  it.each(EVENT_TYPES)('%s: one row with every column of its table, child rows with every column of theirs', (type) => {
    const e = valid(type);
    expect(validate(e, { now: NOW }).ok).toBe(true);
    const out = conform(e, meta, hash);
    expect(out.table).toBe(`silver.${type}`);
    expect(Object.keys(out.row)).toEqual(names(out.table));
    const children = contracts().events.get(type)!.children;
    expect(out.children.map((c) => c.table)).toEqual(children.map((c) => c.table.qualifiedName));
    for (const c of out.children) for (const r of c.rows) expect(Object.keys(r)).toEqual(names(c.table));
  });

  it('order_created: timestamps to micros, decimals to scale, PII hashed, maps, nulls, system columns', () => {
    const e = valid('order_created');
    e.total_tax = '0014.040';
    const { row } = conform(e, meta, hash);
    expect(row.event_time).toBe(Date.parse('2025-03-15T11:59:58.123Z') * 1000 + 456);
    expect(row.processed_at).toBe(Date.parse('2025-03-15T11:59:58Z') * 1000); // -04:00 offset applied
    expect([row.subtotal_price, row.total_tax, row.total_price]).toEqual(['118.00', '14.04', '127.04']);
    expect(row.email).toBe(hmac('ada@example.com'));
    expect(row.browser_ip).toBe(hmac('203.0.113.7'));
    const customer = row.customer as Record<string, unknown>;
    expect(customer).toEqual({
      id: 7_104_220_001,
      email: hmac('ada@example.com'),
      phone: null,
      first_name: hmac('Ada'),
      last_name: hmac('Lovelace'),
      accepts_marketing: null,
      orders_count: 3,
      created_at: null,
    });
    const address = row.shipping_address as Record<string, unknown>;
    expect([address.address1, address.city, address.zip, address.company]).toEqual([
      hmac('24 Sussex Dr'),
      'Ottawa',
      'K1M 1M4',
      null,
    ]);
    expect(row.note_attributes).toEqual(
      new Map([
        ['gift note', 'Happy birthday!'],
        ['delivery', null],
      ]),
    );
    expect(row.discount_codes).toEqual([{ code: 'SPRING10', amount: '10.00', type: 'fixed_amount' }]);
    const items = row.line_items as Record<string, unknown>[];
    expect([items[1]!.price, items[1]!.total_discount, items[1]!.product_id, items[1]!.sku]).toEqual([
      '20.00',
      '0.00',
      null,
      null,
    ]);
    expect([row.ingest_time, row.is_late, row.kafka_partition, row.kafka_offset]).toEqual([
      NOW * 1000 + 7,
      true,
      3,
      12_345,
    ]);
  });

  it('order_line_items: one row per item, the order keys carried over already conformed', () => {
    const out = conform(valid('order_created'), { ingest_time: 1, is_late: false }, hash);
    const rows = out.children[0]!.rows;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.line_item_id, r.quantity, r.price])).toEqual([
      [13_001, 2, '49.00'],
      [13_002, 1, '20.00'],
    ]);
    for (const r of rows) {
      expect([r.event_id, r.event_time, r.order_id, r.currency]).toEqual([
        out.row.event_id,
        out.row.event_time,
        5_912_004_411_001,
        'CAD',
      ]);
      expect([r.ingest_time, r.is_late, r.kafka_partition, r.kafka_offset]).toEqual([1, false, null, null]);
    }
  });

  it('dates to days, nested lists and negative numbers pass through', () => {
    const inv = conform(valid('inventory_adjusted'), meta, hash).row;
    expect(inv.expected_on).toBe(Date.UTC(2025, 3, 1) / 86_400_000);
    expect(inv.available).toBe(-1);
    const p = conform(valid('product_upserted'), meta, hash);
    expect(p.row.options).toEqual([{ name: 'Size', position: 1, values: ['41', '42', '43'] }]);
    expect(p.children[0]!.rows.map((r) => [r.variant_id, r.price, r.compare_at_price, r.weight, r.product_id])).toEqual(
      [
        [440_011, '49.00', '59.00', 0.8, 44_001],
        [440_012, '49.00', null, null, 44_001],
      ],
    );
  });

  it('an empty child list gives no rows; a missing required system value is a programming error', () => {
    const r = valid('refund_created');
    r.refund_line_items = [];
    expect(conform(r, meta, hash).children).toEqual([{ table: 'silver.refund_line_items', rows: [] }]);
    expect(() => conform(valid('page_viewed'), { is_late: false }, hash)).toThrow(/meta.ingest_time is required/);
    expect(() => conform({ event_type: 'nope' }, meta, hash)).toThrow(/unknown event_type/);
  });

  it('the PII hasher is HMAC-SHA256 hex and refuses a short salt', () => {
    expect(hash('a@b.c')).toBe(hmac('a@b.c'));
    expect(hash('a@b.c')).toMatch(/^[0-9a-f]{64}$/);
    expect(() => createPiiHasher('short')).toThrow(/at least 16/);
  });
});
