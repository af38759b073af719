// The v2 metadata of a new, empty table: schema 0, partition spec 0, sort order 0 (or 1 when sorted), a fresh
// table uuid, last-column-id / last-partition-id from the definitions, and shoplake's default write properties.
// The caller's field ids are kept (contracts assign them); they are validated instead of being reassigned.
import { randomUUID } from 'node:crypto';
import { InvalidMetadataError } from './json-object.js';
import { highestFieldId, indexById } from './schema.js';
import { canTransform, parseTransform } from './transform.js';
import { NEW_TABLE_PROPERTIES } from './table-properties.js';
import { validateTableMetadata } from './table-metadata-json.js';
import type { PartitionSpec, SortOrder } from './partition-spec.js';
import type { TableMetadata } from './table-metadata.js';
import type { Schema } from './types.js';

export interface NewTableMetadataOptions {
  /** The table's base location (trailing slashes are removed). */
  location: string;
  schema: Schema;
  partitionSpec?: PartitionSpec;
  sortOrder?: SortOrder;
  properties?: Record<string, string>;
  /** For reproducible tests; random by default. */
  tableUuid?: string;
  /** For reproducible tests; Date.now() by default. */
  timestampMs?: number;
}

export function newTableMetadata(opts: NewTableMetadataOptions): TableMetadata {
  const location = opts.location.replace(/\/+$/, '');
  const source = `new table at ${location}`;
  const fail = (path: string, reason: string): never => {
    throw new InvalidMetadataError(source, path, reason);
  };
  if (location === '') fail('location', 'is empty');

  const schema: Schema = { ...opts.schema, 'schema-id': 0 };
  const columns = indexById(schema);
  const ids = new Set<number>();
  for (const id of columnIds(schema)) {
    if (ids.has(id)) fail('schema', `field id ${id} is used more than once`);
    ids.add(id);
  }

  const spec: PartitionSpec = { 'spec-id': 0, fields: opts.partitionSpec?.fields ?? [] };
  const partitionIds = new Set<number>();
  const partitionNames = new Set<string>();
  for (const [i, f] of spec.fields.entries()) {
    const path = `partition-spec.fields[${i}]`;
    const source = columns.get(f['source-id']);
    if (!source) fail(path, `source-id ${f['source-id']} is not a column of the schema`);
    else if (!canTransform(parseTransform(f.transform), source.type)) {
      fail(path, `transform ${f.transform} cannot be applied to column ${source.name}`);
    }
    if (f['field-id'] < 1000) fail(path, `field-id ${f['field-id']} must be 1000 or more`);
    if (partitionIds.has(f['field-id'])) fail(path, `field-id ${f['field-id']} is used twice`);
    if (partitionNames.has(f.name)) fail(path, `name ${f.name} is used twice`);
    partitionIds.add(f['field-id']);
    partitionNames.add(f.name);
  }

  const sortFields = opts.sortOrder?.fields ?? [];
  for (const [i, f] of sortFields.entries()) {
    const column = columns.get(f['source-id']);
    if (!column) fail(`sort-order.fields[${i}]`, `source-id ${f['source-id']} is not a column of the schema`);
    else if (!canTransform(parseTransform(f.transform), column.type)) {
      fail(`sort-order.fields[${i}]`, `transform ${f.transform} cannot be applied to column ${column.name}`);
    }
  }
  // Order id 0 is reserved for the unsorted order.
  const sortOrder: SortOrder = { 'order-id': sortFields.length === 0 ? 0 : 1, fields: sortFields };

  // format-version is reserved (Java's TableProperties.FORMAT_VERSION): it picks the version, it is never stored.
  const { 'format-version': version, ...properties } = opts.properties ?? {};
  if (version !== undefined && version.trim() !== '2') {
    fail('properties.format-version', `is ${JSON.stringify(version)}: shoplake creates format-version 2 tables only`);
  }

  const metadata: TableMetadata = {
    'format-version': 2,
    'table-uuid': opts.tableUuid ?? randomUUID(),
    location,
    'last-sequence-number': 0,
    'last-updated-ms': opts.timestampMs ?? Date.now(),
    'last-column-id': highestFieldId(schema),
    schemas: [schema],
    'current-schema-id': 0,
    'partition-specs': [spec],
    'default-spec-id': 0,
    'last-partition-id': Math.max(999, ...spec.fields.map((f) => f['field-id'])),
    properties: { ...NEW_TABLE_PROPERTIES, ...properties },
    'current-snapshot-id': null,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': [sortOrder],
    'default-sort-order-id': sortOrder['order-id'],
    refs: {},
    statistics: [],
    'partition-statistics': [],
  };
  validateTableMetadata(metadata, source);
  return metadata;
}

/** Every id in the schema in order, duplicates included (indexById would hide them). */
function columnIds(schema: Schema): number[] {
  const out: number[] = [];
  const walk = (t: Schema['fields'][number]['type']): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') {
      for (const f of t.fields) {
        out.push(f.id);
        walk(f.type);
      }
    } else if (t.type === 'list') {
      out.push(t['element-id']);
      walk(t.element);
    } else {
      out.push(t['key-id'], t['value-id']);
      walk(t.key);
      walk(t.value);
    }
  };
  walk(schema);
  return out;
}
