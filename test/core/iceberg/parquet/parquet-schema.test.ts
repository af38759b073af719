import { describe, expect, it } from 'vitest';
import { parquetName, toParquetSchema } from '../../../../core/iceberg/parquet/parquet-schema.js';
import { decimalRequiredBytes } from '../../../../core/iceberg/spec/values.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

describe('parquetName', () => {
  it('sanitizes like Iceberg Java (AvroSchemaUtil.makeCompatibleName)', () => {
    expect(parquetName('order_id')).toBe('order_id');
    expect(parquetName('Breed Name')).toBe('Breed_x20Name'); // as in the Spark fixture
    expect(parquetName('1st')).toBe('_1st');
    expect(parquetName('a-b.c')).toBe('a_x2Db_x2Ec');
    expect(parquetName('café')).toBe('café');
  });
});

describe('decimalRequiredBytes', () => {
  it('is the smallest two’s-complement width holding 10^P - 1', () => {
    expect(decimalRequiredBytes(19)).toBe(9);
    expect(decimalRequiredBytes(21)).toBe(9);
    expect(decimalRequiredBytes(22)).toBe(10);
    expect(decimalRequiredBytes(38)).toBe(16);
  });
});

describe('toParquetSchema', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'price', required: false, type: 'decimal(9,2)' },
      { id: 3, name: 'big', required: false, type: 'decimal(12,2)' },
      { id: 4, name: 'huge', required: false, type: 'decimal(38,10)' },
      { id: 5, name: 'at', required: false, type: 'timestamptz' },
      {
        id: 6,
        name: 'tags',
        required: false,
        type: { type: 'list', 'element-id': 7, 'element-required': true, element: 'string' },
      },
      {
        id: 8,
        name: 'attrs',
        required: false,
        type: { type: 'map', 'key-id': 9, key: 'string', 'value-id': 10, 'value-required': false, value: 'uuid' },
      },
      {
        id: 11,
        name: 'addr',
        required: true,
        type: { type: 'struct', fields: [{ id: 12, name: 'zip code', required: false, type: 'date' }] },
      },
    ],
  };

  it('maps types as Iceberg Java does and puts a field id on every field', () => {
    const s = toParquetSchema(schema);
    expect(s[0]).toEqual({ name: 'table', num_children: 8 });
    expect(s.map((e) => [e.name, e.type, e.repetition_type, e.field_id])).toEqual([
      ['table', undefined, undefined, undefined],
      ['id', 'INT64', 'REQUIRED', 1],
      ['price', 'INT32', 'OPTIONAL', 2],
      ['big', 'INT64', 'OPTIONAL', 3],
      ['huge', 'FIXED_LEN_BYTE_ARRAY', 'OPTIONAL', 4],
      ['at', 'INT64', 'OPTIONAL', 5],
      ['tags', undefined, 'OPTIONAL', 6],
      ['list', undefined, 'REPEATED', undefined],
      ['element', 'BYTE_ARRAY', 'REQUIRED', 7],
      ['attrs', undefined, 'OPTIONAL', 8],
      ['key_value', undefined, 'REPEATED', undefined],
      ['key', 'BYTE_ARRAY', 'REQUIRED', 9],
      ['value', 'FIXED_LEN_BYTE_ARRAY', 'OPTIONAL', 10],
      ['addr', undefined, 'REQUIRED', 11],
      ['zip_x20code', 'INT32', 'OPTIONAL', 12],
    ]);
    expect(s[4]).toMatchObject({ type_length: 16, converted_type: 'DECIMAL', precision: 38, scale: 10 });
    expect(s[5]).toMatchObject({
      converted_type: 'TIMESTAMP_MICROS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    });
    expect(s[6]).toMatchObject({ converted_type: 'LIST', logical_type: { type: 'LIST' } });
    expect(s[9]).toMatchObject({ converted_type: 'MAP', logical_type: { type: 'MAP' } });
    expect(s[12]).toMatchObject({ type_length: 16, logical_type: { type: 'UUID' } });
    expect(s[14]).toMatchObject({ converted_type: 'DATE', logical_type: { type: 'DATE' } });
  });

  it('refuses names that collide after sanitizing', () => {
    const bad: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'a b', required: false, type: 'int' },
        { id: 2, name: 'a_x20b', required: false, type: 'int' },
      ],
    };
    expect(() => toParquetSchema(bad)).toThrow(/collide/);
  });
});
