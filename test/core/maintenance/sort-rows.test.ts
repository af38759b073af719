// The sort-order comparator compaction sorts rows with: directions, null orders, transforms, and Iceberg's value
// order (decimals by value, strings by code point, bigints).
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../../core/iceberg/spec/types.js';
import { sortComparator } from '../../../core/maintenance/index.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'shop', required: false, type: 'string' },
    { id: 2, name: 'total', required: false, type: 'decimal(10,2)' },
    { id: 3, name: 'ts', required: true, type: 'timestamptz' },
    { id: 4, name: 'n', required: false, type: 'long' },
  ],
};

describe('sortComparator', () => {
  it('sorts by each field in turn with its direction and null order', () => {
    const cmp = sortComparator(
      {
        'order-id': 1,
        fields: [
          { transform: 'identity', 'source-id': 1, direction: 'asc', 'null-order': 'nulls-last' },
          { transform: 'identity', 'source-id': 2, direction: 'desc', 'null-order': 'nulls-first' },
        ],
      },
      schema,
    );
    const rows = [
      { shop: 'b', total: '9.50' },
      { shop: null, total: '1.00' },
      { shop: 'a', total: '10.00' },
      { shop: 'b', total: null },
      { shop: 'a', total: '9.99' },
      { shop: '\u{1F600}', total: '1.00' }, // a supplementary character sorts after U+FFFD by code point
      { shop: '\uFFFD', total: '1.00' },
    ];
    expect(rows.sort(cmp)).toEqual([
      { shop: 'a', total: '10.00' },
      { shop: 'a', total: '9.99' },
      { shop: 'b', total: null },
      { shop: 'b', total: '9.50' },
      { shop: '\uFFFD', total: '1.00' },
      { shop: '\u{1F600}', total: '1.00' },
      { shop: null, total: '1.00' },
    ]);
  });

  it('applies transforms and compares bigints with numbers', () => {
    const day = 86_400_000_000;
    const cmp = sortComparator(
      {
        'order-id': 2,
        fields: [
          { transform: 'day', 'source-id': 3, direction: 'asc', 'null-order': 'nulls-first' },
          { transform: 'identity', 'source-id': 4, direction: 'asc', 'null-order': 'nulls-first' },
        ],
      },
      schema,
    );
    const rows = [
      { ts: 2 * day + 5, n: 1 },
      { ts: day + 99, n: 2n ** 60n },
      { ts: day + 1, n: 3 },
      { ts: 2 * day, n: 0n },
    ];
    expect(rows.sort(cmp).map((r) => r.n)).toEqual([3, 2n ** 60n, 0n, 1]);
  });

  it('refuses a sort field that is not a top-level column', () => {
    expect(() =>
      sortComparator(
        {
          'order-id': 1,
          fields: [{ transform: 'identity', 'source-id': 99, direction: 'asc', 'null-order': 'nulls-first' }],
        },
        schema,
      ),
    ).toThrow(/source column 99/);
  });
});
