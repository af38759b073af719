// A table's Iceberg schema, partition spec and sort order in the exact JSON shapes of format/spec.md
// (core/iceberg/spec types): contract fields minus shoplake's pii/checks, ids kept, partition field ids from 1000.
import type { IcebergType, NestedField, PrimitiveType, Schema } from '../iceberg/spec/types.js';
import type { PartitionSpec, SortOrder } from '../iceberg/spec/partition-spec.js';
import type { ContractField, ContractType } from './format.js';
import { parsePrimitive } from './field-types.js';
import { partitionFieldName } from './lint.js';
import type { TableDef } from './load.js';

export function icebergType(t: ContractType): IcebergType {
  if (typeof t === 'string') {
    const p = parsePrimitive(t);
    return (p?.kind === 'decimal' ? `decimal(${p.precision},${p.scale})` : t) as PrimitiveType;
  }
  if (t.type === 'struct') return { type: 'struct', fields: t.fields.map(icebergField) };
  if (t.type === 'list') {
    return {
      type: 'list',
      'element-id': t['element-id'],
      'element-required': t['element-required'],
      element: icebergType(t.element),
    };
  }
  return {
    type: 'map',
    'key-id': t['key-id'],
    key: icebergType(t.key),
    'value-id': t['value-id'],
    'value-required': t['value-required'],
    value: icebergType(t.value),
  };
}

export function icebergField(f: ContractField): NestedField {
  return { id: f.id, name: f.name, required: f.required, type: icebergType(f.type), doc: f.doc };
}

/** Resolves a dotted source name (`event_time`, `customer.id`) to its field id. */
export function sourceId(table: TableDef, source: string): number {
  let fields = table.fields;
  let found: ContractField | undefined;
  for (const part of source.split('.')) {
    found = fields.find((f) => f.name === part);
    if (!found) throw new Error(`${table.sourceFile}: ${table.qualifiedName} has no field "${source}"`);
    if (typeof found.type !== 'string' && found.type.type === 'struct') fields = found.type.fields;
  }
  return found!.id;
}

export function icebergSchema(table: TableDef, schemaId = 0): Schema {
  return {
    type: 'struct',
    'schema-id': schemaId,
    'identifier-field-ids': table.identifierFields.map((n) => sourceId(table, n)),
    fields: table.fields.map(icebergField),
  };
}

/** Partition field ids start at 1000, in declaration order (spec-id 0). */
export function icebergPartitionSpec(table: TableDef): PartitionSpec {
  return {
    'spec-id': 0,
    fields: table.partitionSpec.map((p, i) => ({
      'source-id': sourceId(table, p.source),
      'field-id': 1000 + i,
      name: partitionFieldName(p),
      transform: p.transform,
    })),
  };
}

/** Order id 1 for a declared order; the spec reserves order id 0 for "unsorted". */
export function icebergSortOrder(table: TableDef): SortOrder {
  if (table.sortOrder.length === 0) return { 'order-id': 0, fields: [] };
  return {
    'order-id': 1,
    fields: table.sortOrder.map((s) => ({
      transform: s.transform,
      'source-id': sourceId(table, s.source),
      direction: s.direction,
      'null-order': s.null_order,
    })),
  };
}
