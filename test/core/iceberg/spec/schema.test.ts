import { describe, expect, it } from 'vitest';
import {
  addColumn,
  canPromote,
  findField,
  highestFieldId,
  indexById,
  indexByName,
  indexNameById,
  partitionType,
  promoteColumn,
  schemaToJson,
  withSchema,
} from '../../../../core/iceberg/spec/schema.js';
import { newTableMetadata } from '../../../../core/iceberg/spec/new-table-metadata.js';
import { parseSchemaJson } from '../../../../core/iceberg/spec/schema-json.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
    {
      id: 3,
      name: 'address',
      required: false,
      type: { type: 'struct', fields: [{ id: 4, name: 'city', required: false, type: 'string' }] },
    },
    {
      id: 5,
      name: 'lines',
      required: false,
      type: {
        type: 'list',
        'element-id': 6,
        'element-required': true,
        element: {
          type: 'struct',
          fields: [
            { id: 7, name: 'sku', required: true, type: 'string' },
            { id: 8, name: 'qty', required: true, type: 'int' },
          ],
        },
      },
    },
    {
      id: 9,
      name: 'attrs',
      required: false,
      type: { type: 'map', 'key-id': 10, key: 'string', 'value-id': 11, 'value-required': false, value: 'float' },
    },
    { id: 12, name: 'price', required: false, type: 'decimal(9,2)' },
  ],
};

describe('schema lookups', () => {
  it('indexes every field by id, list elements and map keys/values included', () => {
    const byId = indexById(schema);
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(byId.get(6)).toMatchObject({ name: 'element', required: true });
    expect(byId.get(10)).toMatchObject({ name: 'key', required: true, type: 'string' });
    expect(byId.get(11)).toMatchObject({ name: 'value', required: false, type: 'float' });
  });

  it('indexes dotted names, with Java short names for structs inside lists', () => {
    const byName = indexByName(schema);
    expect(byName.get('address.city')).toBe(4);
    expect(byName.get('lines.element.sku')).toBe(7);
    expect(byName.get('lines.sku')).toBe(7);
    expect(byName.get('attrs.key')).toBe(10);
    expect(byName.get('attrs.value')).toBe(11);
    expect(indexNameById(schema).get(8)).toBe('lines.element.qty');
    expect(findField(schema, 'address.city')?.id).toBe(4);
    expect(findField(schema, 12)?.type).toBe('decimal(9,2)');
    expect(findField(schema, 'nope')).toBeUndefined();
    expect(highestFieldId(schema)).toBe(12);
  });

  it('builds the partition type from transform result types', () => {
    const spec = {
      'spec-id': 1,
      fields: [
        { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
        { 'source-id': 2, 'field-id': 1001, name: 'ts_hour', transform: 'hour' },
        { 'source-id': 1, 'field-id': 1002, name: 'id_bucket', transform: 'bucket[8]' },
        { 'source-id': 12, 'field-id': 1003, name: 'price', transform: 'identity' },
        { 'source-id': 4, 'field-id': 1004, name: 'city_trunc', transform: 'truncate[3]' },
      ],
    };
    expect(partitionType(spec, schema)).toEqual({
      type: 'struct',
      fields: [
        { id: 1000, name: 'ts_day', required: false, type: 'date' },
        { id: 1001, name: 'ts_hour', required: false, type: 'int' },
        { id: 1002, name: 'id_bucket', required: false, type: 'int' },
        { id: 1003, name: 'price', required: false, type: 'decimal(9,2)' },
        { id: 1004, name: 'city_trunc', required: false, type: 'string' },
      ],
    });
    expect(() =>
      partitionType(
        { 'spec-id': 2, fields: [{ 'source-id': 77, 'field-id': 1000, name: 'x', transform: 'identity' }] },
        schema,
      ),
    ).toThrow(/partition field x \(spec 2\): source column 77 is not in schema 0/);
  });

  it('writes schema JSON that parses back to the same schema', () => {
    const json = schemaToJson({ ...schema, 'identifier-field-ids': [1] });
    expect(Object.keys(json)).toEqual(['type', 'schema-id', 'identifier-field-ids', 'fields']);
    expect(parseSchemaJson(JSON.parse(JSON.stringify(json)), 'x')).toEqual({ ...schema, 'identifier-field-ids': [1] });
  });
});

describe('schema evolution', () => {
  it('adds an optional top-level column with the next id', () => {
    const { schema: next, lastColumnId } = addColumn(schema, 12, { name: 'coupon', type: 'string', doc: 'code' });
    expect(lastColumnId).toBe(13);
    expect(next.fields.at(-1)).toEqual({ id: 13, name: 'coupon', required: false, type: 'string', doc: 'code' });
    expect(schema.fields).toHaveLength(6); // input untouched
  });

  it('assigns fresh ids to every nested field of the new column, above last-column-id', () => {
    const type = {
      type: 'map' as const,
      'key-id': 1,
      key: 'string' as const,
      'value-id': 1,
      'value-required': true,
      value: { type: 'struct' as const, fields: [{ id: 1, name: 'a', required: true, type: 'int' as const }] },
    };
    const { schema: next, lastColumnId } = addColumn(schema, 20, { name: 'extra', type });
    expect(lastColumnId).toBe(24);
    expect(next.fields.at(-1)).toEqual({
      id: 21,
      name: 'extra',
      required: false,
      type: {
        ...type,
        'key-id': 22,
        'value-id': 23,
        value: { type: 'struct', fields: [{ id: 24, name: 'a', required: true, type: 'int' }] },
      },
    });
    expect(new Set(indexById(next).keys()).size).toBe(indexById(schema).size + 4);
  });

  it('adds into nested structs, including the struct inside a list', () => {
    const a = addColumn(schema, 12, { parent: 'address', name: 'zip', type: 'string' });
    expect(findField(a.schema, 'address.zip')?.id).toBe(13);
    const b = addColumn(a.schema, a.lastColumnId, { parent: 'lines', name: 'discount', type: 'decimal(9, 2)' });
    expect(findField(b.schema, 'lines.element.discount')).toEqual({
      id: 14,
      name: 'discount',
      required: false,
      type: 'decimal(9,2)',
    });
  });

  it('refuses duplicate names, missing parents and non-struct parents', () => {
    expect(() => addColumn(schema, 12, { name: 'id', type: 'int' })).toThrow(/cannot add column id: it already exists/);
    expect(() => addColumn(schema, 12, { parent: 'address', name: 'city', type: 'int' })).toThrow(
      /address.city: it already exists/,
    );
    expect(() => addColumn(schema, 12, { parent: 'nope', name: 'x', type: 'int' })).toThrow(
      /parent nope does not exist/,
    );
    expect(() => addColumn(schema, 12, { parent: 'id', name: 'x', type: 'int' })).toThrow(/parent id is not a struct/);
    expect(() => addColumn(schema, 12, { name: 'a.b', type: 'int' })).toThrow(/contain no '.'/);
  });

  it('allows exactly the v2 promotions', () => {
    expect(canPromote('int', 'long')).toBe(true);
    expect(canPromote('float', 'double')).toBe(true);
    expect(canPromote('decimal(9,2)', 'decimal(18,2)')).toBe(true);
    expect(canPromote('decimal(9,2)', 'decimal(18,3)')).toBe(false);
    expect(canPromote('decimal(9,2)', 'decimal(8,2)')).toBe(false);
    expect(canPromote('long', 'int')).toBe(false);
    expect(canPromote('int', 'string')).toBe(false);
    expect(canPromote('date', 'timestamp')).toBe(false); // v3 only
  });

  it('promotes nested and top-level columns, keeping ids', () => {
    let next = promoteColumn(schema, 'lines.qty', 'long');
    next = promoteColumn(next, 12, 'decimal(12, 2)');
    next = promoteColumn(next, 'attrs.value', 'double');
    expect(findField(next, 8)).toMatchObject({ name: 'qty', type: 'long' });
    expect(findField(next, 12)?.type).toBe('decimal(12,2)');
    expect(findField(next, 11)?.type).toBe('double');
    expect(promoteColumn(next, 'id', 'long')).toBe(next);
    expect(() => promoteColumn(schema, 'id', 'int')).toThrow(/cannot promote column id from long to int/);
    expect(() => promoteColumn(schema, 'missing', 'long')).toThrow(/does not exist/);
  });

  it('registers an evolved schema under a new id, and reuses an identical one', () => {
    const m = newTableMetadata({ location: '/wh/t', schema });
    const { schema: evolved, lastColumnId } = addColumn(m.schemas[0]!, m['last-column-id'], {
      name: 'coupon',
      type: 'string',
    });
    const m1 = withSchema(m, evolved);
    expect(m1.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(m1['current-schema-id']).toBe(1);
    expect(m1['last-column-id']).toBe(lastColumnId);
    const back = withSchema(m1, m.schemas[0]!);
    expect(back.schemas).toHaveLength(2);
    expect(back['current-schema-id']).toBe(0);
    expect(back['last-column-id']).toBe(lastColumnId);
  });
});
