import { describe, expect, it } from 'vitest';
import { parsePartitionSpecJson, parseSortOrderJson } from '../../../../core/iceberg/spec/partition-spec-json.js';
import { parseSchemaJson, parseTypeJson } from '../../../../core/iceberg/spec/schema-json.js';

describe('parseTypeJson', () => {
  it('accepts every v2 primitive and normalizes parameterized types', () => {
    for (const t of [
      'boolean',
      'int',
      'long',
      'float',
      'double',
      'date',
      'time',
      'timestamp',
      'timestamptz',
      'string',
      'uuid',
      'binary',
    ]) {
      expect(parseTypeJson(t, 's', 'p')).toBe(t);
    }
    expect(parseTypeJson('decimal(9, 2)', 's', 'p')).toBe('decimal(9,2)');
    expect(parseTypeJson('decimal( 38 ,0 )', 's', 'p')).toBe('decimal(38,0)');
    expect(parseTypeJson('fixed[ 16 ]', 's', 'p')).toBe('fixed[16]');
  });

  it('reads nested list, map and struct types', () => {
    const t = {
      type: 'map',
      'key-id': 4,
      key: 'string',
      'value-id': 5,
      'value-required': false,
      value: {
        type: 'list',
        'element-id': 6,
        'element-required': true,
        element: { type: 'struct', fields: [{ id: 7, name: 'x', required: true, type: 'decimal(9, 2)' }] },
      },
    };
    expect(parseTypeJson(t, 's', 'p')).toEqual({
      ...t,
      value: {
        ...t.value,
        element: { type: 'struct', fields: [{ id: 7, name: 'x', required: true, type: 'decimal(9,2)' }] },
      },
    });
  });

  it.each([
    ['decimal(39,2)', /'f.type' invalid decimal type decimal\(39,2\)/],
    ['decimal(5,6)', /invalid decimal type/],
    ['varchar(3)', /unsupported type string "varchar\(3\)"/],
    [{ type: 'set', element: 'int' }, /'f.type.type' unknown nested type "set"/],
    [{ type: 'list', element: 'int', 'element-required': true }, /'f.type.element-id' is required but missing/],
    [42, /'f.type' must be a JSON object, got number 42/],
  ])('rejects %j naming where', (t, message) => {
    expect(() => parseTypeJson(t, 'file.json', 'f.type')).toThrow(message);
  });

  it('requires schema-id in v2 schemas and defaults it when told to', () => {
    const s = { type: 'struct', fields: [{ id: 1, name: 'a', required: true, type: 'int' }] };
    expect(() => parseSchemaJson(s, 'm.json', 'schemas[0]')).toThrow(
      "m.json: 'schemas[0].schema-id' is required but missing",
    );
    expect(parseSchemaJson(s, 'm.json', 'schema', true)['schema-id']).toBe(0);
  });
});

describe('partition spec and sort order JSON', () => {
  it('requires partition field ids in v2 and assigns 1000+ in v1', () => {
    const spec = { 'spec-id': 0, fields: [{ name: 'a', transform: 'bucket[ 4 ]', 'source-id': 1 }] };
    expect(() => parsePartitionSpecJson(spec, 'm.json', 'partition-specs[0]')).toThrow(
      "'partition-specs[0].fields[0].field-id' is required but missing",
    );
    expect(parsePartitionSpecJson(spec, 'm.json', 'partition-specs[0]', true).fields).toEqual([
      { name: 'a', transform: 'bucket[4]', 'source-id': 1, 'field-id': 1000 },
    ]);
    expect(() =>
      parsePartitionSpecJson(
        { 'spec-id': 0, fields: [{ ...spec.fields[0], 'field-id': 1000, transform: 'zorder' }] },
        'm.json',
      ),
    ).toThrow(`'fields[0].transform' unknown transform "zorder"`);
  });

  it('validates sort directions and null orders', () => {
    const field = { transform: 'identity', 'source-id': 2, direction: 'asc', 'null-order': 'nulls-first' };
    expect(parseSortOrderJson({ 'order-id': 1, fields: [field] }, 'm.json').fields).toEqual([field]);
    expect(() => parseSortOrderJson({ 'order-id': 1, fields: [{ ...field, direction: 'up' }] }, 'm.json')).toThrow(
      `'fields[0].direction' must be one of "asc", "desc", got "up"`,
    );
  });
});
