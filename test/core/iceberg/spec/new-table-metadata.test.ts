import { describe, expect, it } from 'vitest';
import { newTableMetadata } from '../../../../core/iceberg/spec/new-table-metadata.js';
import { parseTableMetadata, serializeTableMetadata } from '../../../../core/iceberg/spec/table-metadata-json.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 7,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'string' },
    { id: 2, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 3, name: 'shop_id', required: false, type: 'long' },
    {
      id: 4,
      name: 'lines',
      required: false,
      type: {
        type: 'list',
        'element-id': 5,
        'element-required': true,
        element: { type: 'struct', fields: [{ id: 6, name: 'price', required: true, type: 'decimal(10,2)' }] },
      },
    },
  ],
};
const spec = {
  'spec-id': 3,
  fields: [
    { 'source-id': 2, 'field-id': 1000, name: 'event_time_day', transform: 'day' },
    { 'source-id': 3, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[16]' },
  ],
};

describe('newTableMetadata', () => {
  it('builds valid v2 metadata of an empty table', () => {
    const m = newTableMetadata({
      location: 's3://lake/silver/orders/',
      schema,
      partitionSpec: spec,
      timestampMs: 1_700_000_000_000,
    });
    expect(m['format-version']).toBe(2);
    expect(m['table-uuid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.location).toBe('s3://lake/silver/orders');
    expect(m['last-sequence-number']).toBe(0);
    expect(m['last-updated-ms']).toBe(1_700_000_000_000);
    expect(m['last-column-id']).toBe(6);
    expect(m.schemas).toEqual([{ ...schema, 'schema-id': 0 }]);
    expect(m['current-schema-id']).toBe(0);
    expect(m['partition-specs']).toEqual([{ 'spec-id': 0, fields: spec.fields }]);
    expect(m['default-spec-id']).toBe(0);
    expect(m['last-partition-id']).toBe(1001);
    expect(m['sort-orders']).toEqual([{ 'order-id': 0, fields: [] }]);
    expect(m['current-snapshot-id']).toBeNull();
    expect(m.snapshots).toEqual([]);
    // it survives the round trip through metadata.json
    expect(parseTableMetadata(serializeTableMetadata(m), 'new')).toEqual(m);
  });

  it('sets the default write properties and lets the caller override them', () => {
    const m = newTableMetadata({
      location: '/wh/t',
      schema,
      properties: { 'write.metadata.previous-versions-max': '5', owner: 'x' },
    });
    expect(m.properties).toEqual({
      'write.format.default': 'parquet',
      'write.parquet.compression-codec': 'zstd',
      'write.metadata.delete-after-commit.enabled': 'true',
      'write.metadata.previous-versions-max': '5',
      owner: 'x',
    });
    expect(m['last-partition-id']).toBe(999);
    expect(m['partition-specs']).toEqual([{ 'spec-id': 0, fields: [] }]);
  });

  it('gives a sorted table order id 1 (0 is the unsorted order)', () => {
    const sortOrder = {
      'order-id': 0,
      fields: [
        { transform: 'identity', 'source-id': 2, direction: 'asc' as const, 'null-order': 'nulls-first' as const },
      ],
    };
    const m = newTableMetadata({ location: '/wh/t', schema, sortOrder });
    expect(m['sort-orders']).toEqual([{ 'order-id': 1, fields: sortOrder.fields }]);
    expect(m['default-sort-order-id']).toBe(1);
  });

  it('gives every table a fresh uuid', () => {
    const a = newTableMetadata({ location: '/wh/a', schema });
    const b = newTableMetadata({ location: '/wh/a', schema });
    expect(a['table-uuid']).not.toBe(b['table-uuid']);
  });

  it.each([
    [
      'an unknown source column',
      { 'source-id': 99, 'field-id': 1000, name: 'x', transform: 'identity' },
      /'partition-spec.fields\[0\]' source-id 99 is not a column/,
    ],
    [
      'a transform the column cannot take',
      { 'source-id': 1, 'field-id': 1000, name: 'x', transform: 'day' },
      /transform day cannot be applied to column order_id/,
    ],
    [
      'a partition field id below 1000',
      { 'source-id': 1, 'field-id': 7, name: 'x', transform: 'identity' },
      /field-id 7 must be 1000 or more/,
    ],
  ])('rejects %s, naming the table', (_name, field, message) => {
    expect(() =>
      newTableMetadata({ location: 's3://lake/t', schema, partitionSpec: { 'spec-id': 0, fields: [field] } }),
    ).toThrow(message);
    expect(() =>
      newTableMetadata({ location: 's3://lake/t', schema, partitionSpec: { 'spec-id': 0, fields: [field] } }),
    ).toThrow(/^new table at s3:\/\/lake\/t: /);
  });

  it('rejects duplicate field ids', () => {
    const bad: Schema = { ...schema, fields: [...schema.fields, { id: 5, name: 'dup', required: false, type: 'int' }] };
    expect(() => newTableMetadata({ location: '/wh/t', schema: bad })).toThrow(/field id 5 is used more than once/);
  });
});
