import { describe, expect, it } from 'vitest';
import { checkRepresentable, icebergInput } from '../../../lib/schemas/glue-table.js';
import { loadSchemaModel } from '../../../lib/schemas/load.js';
import type { IcebergField, IcebergType, LakeTable } from '../../../lib/schemas/model.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

const model = loadSchemaModel(REPO_ROOT);
const table = (name: string): LakeTable => model.tables.find((t) => t.name === name)!;

/** Every field id in an Iceberg type tree (fields, list elements, map keys and values). */
function idsOf(fields: readonly IcebergField[]): number[] {
  const ids: number[] = [];
  const visit = (t: IcebergType): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') {
      for (const f of t.fields) {
        ids.push(f.id);
        visit(f.type);
      }
    } else if (t.type === 'list') {
      ids.push(t['element-id']);
      visit(t.element);
    } else {
      ids.push(t['key-id'], t['value-id']);
      visit(t.key);
      visit(t.value);
    }
  };
  for (const f of fields) {
    ids.push(f.id);
    visit(f.type);
  }
  return ids;
}

/** A copy of a table with one field replaced. */
function withField(t: LakeTable, name: string, change: (f: IcebergField) => IcebergField): LakeTable {
  return { ...t, schema: { ...t.schema, fields: t.schema.fields.map((f) => (f.name === name ? change(f) : f)) } };
}

describe('icebergInput', () => {
  it.each(model.tables.map((t) => [`${t.namespace}.${t.name}`, t] as const))(
    '%s keeps every field id of the contract',
    (_n, t) => {
      const input = icebergInput(t, { location: `s3://bucket/${t.name}` });
      const schema = (
        input.icebergTableInput as {
          schema: {
            fields: { id: number; name: string; type: string; required: boolean }[];
            identifierFieldIds?: number[];
          };
        }
      ).schema;
      expect(schema.fields.map((f) => [f.id, f.name, f.required])).toEqual(
        t.schema.fields.map((f) => [f.id, f.name, f.required]),
      );
      // Nested types travel as their Iceberg JSON, so element, key, value and struct field ids survive too.
      const cfnIds = idsOf(
        schema.fields.map((f) => ({
          ...f,
          type: f.type.startsWith('{') ? (JSON.parse(f.type) as IcebergType) : f.type,
        })),
      );
      expect(cfnIds).toEqual(idsOf(t.schema.fields));
      expect(schema.identifierFieldIds ?? []).toEqual(t.schema['identifier-field-ids'] ?? []);
      const spec = (
        input.icebergTableInput as {
          partitionSpec: { fields: { sourceId: number; fieldId: number; transform: string }[] };
        }
      ).partitionSpec;
      expect(spec.fields.map((p) => [p.sourceId, p.fieldId, p.transform])).toEqual(
        t.partitionSpec.fields.map((p) => [p['source-id'], p['field-id'], p.transform]),
      );
      expect(input.metadataOperation).toBe('CREATE');
      expect(input.version).toBe('2');
    },
  );

  it('puts the contract properties over the environment defaults', () => {
    const t = table('order_created');
    const input = icebergInput(t, {
      location: 's3://b/order_created',
      extraProperties: { 'write.format.default': 'orc', x: 'y' },
    });
    const props = (input.icebergTableInput as { properties: Record<string, string> }).properties;
    expect(props['write.format.default']).toBe('parquet');
    expect(props.x).toBe('y');
    expect(props['shoplake.source-file']).toBe('glue-schemas/events/order_created.json');
  });
});

describe('checkRepresentable', () => {
  const orders = table('order_created');

  it.each([
    [
      'a uuid column (Athena cannot read Iceberg uuid)',
      withField(orders, 'currency', (f) => ({ ...f, type: 'uuid' })),
      /^glue-schemas\/events\/order_created.json: field currency \(id \d+\) of silver.order_created: type uuid cannot be represented/,
    ],
    [
      'a time column',
      withField(orders, 'currency', (f) => ({ ...f, type: 'time' })),
      /field currency \(id \d+\) of silver.order_created: type time cannot be represented/,
    ],
    [
      'a fixed column',
      withField(orders, 'currency', (f) => ({ ...f, type: 'fixed[16]' })),
      /field currency .*type fixed\[16\] cannot be represented/,
    ],
    [
      'an upper-case name',
      withField(orders, 'currency', (f) => ({ ...f, name: 'Currency' })),
      /field Currency \(id \d+\) of silver.order_created: name must be lower-case/,
    ],
    [
      'a doc longer than Glue keeps',
      withField(orders, 'currency', (f) => ({ ...f, doc: 'x'.repeat(256) })),
      /field currency .*doc is 256 characters; Glue accepts at most 255/,
    ],
    [
      'a decimal beyond 38 digits',
      withField(orders, 'total_price', (f) => ({ ...f, type: 'decimal(40,2)' })),
      /field total_price .*decimal\(40,2\) is outside Athena/,
    ],
  ])('rejects %s, naming the contract file and the field', (_what, t, message) => {
    expect(() => checkRepresentable(t)).toThrow(message);
    expect(() => icebergInput(t, { location: 's3://b/t' })).toThrow(message);
  });

  it('rejects a nested field Athena cannot read, with its path', () => {
    let inner = '';
    const t = withField(orders, 'line_items', (f) => {
      const list = f.type as Extract<IcebergType, { type: 'list' }>;
      const struct = list.element as Extract<IcebergType, { type: 'struct' }>;
      inner = struct.fields[0]!.name;
      return {
        ...f,
        type: {
          ...list,
          element: { ...struct, fields: [...struct.fields.slice(1), { ...struct.fields[0]!, type: 'uuid' }] },
        },
      };
    });
    expect(() => checkRepresentable(t)).toThrow(
      new RegExp(
        `^glue-schemas/events/order_created.json: field line_items\\[\\]\\.${inner} \\(id \\d+\\) of silver.order_created: type uuid`,
      ),
    );
  });

  it('rejects a reused field id and a partition on a missing field', () => {
    const dup = withField(orders, 'currency', (f) => ({ ...f, id: orders.schema.fields[0]!.id }));
    expect(() => checkRepresentable(dup)).toThrow(/field currency of silver.order_created reuses field id 1/);
    const badSpec = {
      ...orders,
      partitionSpec: {
        ...orders.partitionSpec,
        fields: [{ 'source-id': 9999, 'field-id': 1000, name: 'x', transform: 'day' }],
      },
    };
    expect(() => checkRepresentable(badSpec)).toThrow(
      /partition field x has source id 9999, which is not a field of the table/,
    );
  });

  it('accepts every contract of the repository', () => {
    for (const t of model.tables) expect(() => checkRepresentable(t)).not.toThrow();
  });
});
