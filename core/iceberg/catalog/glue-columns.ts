// Glue StorageDescriptor columns from Iceberg metadata, as Iceberg Java's IcebergToGlueConverter writes them, so
// Athena and the Glue console show the table's columns. Informational only: the metadata file is the truth.
// Current-schema columns first, then columns only older schemas had (iceberg.field.current=false), deduplicated
// by name; each column carries iceberg.field.id, iceberg.field.optional and iceberg.field.current. A field's doc is
// its comment; a field without one keeps the comment the existing Glue table gives that column name (edited in the
// Glue console, say), the first one per name winning, as Java does since apache/iceberg#10276.
import type { Column } from '@aws-sdk/client-glue';
import type { TableMetadata } from '../spec/table-metadata.js';
import type { IcebergType, NestedField } from '../spec/types.js';

export function glueColumns(metadata: TableMetadata, existing: readonly Column[] = []): Column[] {
  const current = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  if (!current) throw new Error(`current-schema-id ${metadata['current-schema-id']} names no schema`);
  const kept = new Map<string, string>();
  for (const c of existing) if (c.Name !== undefined && c.Comment && !kept.has(c.Name)) kept.set(c.Name, c.Comment);
  const columns: Column[] = [];
  const seen = new Set<string>();
  const add = (f: NestedField, isCurrent: boolean) => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    const comment = f.doc || kept.get(f.name);
    columns.push({
      Name: f.name,
      Type: glueType(f.type),
      ...(comment ? { Comment: comment } : {}),
      Parameters: {
        'iceberg.field.id': String(f.id),
        'iceberg.field.optional': String(!f.required),
        'iceberg.field.current': String(isCurrent),
      },
    });
  };
  for (const f of current.fields) add(f, true);
  for (const s of metadata.schemas) if (s !== current) for (const f of s.fields) add(f, false);
  return columns;
}

/** Hive type string for an Iceberg type (bigint for long, string for uuid and time, binary for fixed). */
export function glueType(t: IcebergType): string {
  if (typeof t === 'string') {
    if (t.startsWith('decimal')) return t.replace(/\s+/g, '');
    if (t.startsWith('fixed')) return 'binary';
    switch (t) {
      case 'long':
        return 'bigint';
      case 'time':
      case 'uuid':
        return 'string';
      case 'timestamp':
      case 'timestamptz':
      case 'timestamp_ns':
      case 'timestamptz_ns':
        return 'timestamp';
      default:
        return t;
    }
  }
  switch (t.type) {
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${glueType(f.type)}`).join(',')}>`;
    case 'list':
      return `array<${glueType(t.element)}>`;
    case 'map':
      return `map<${glueType(t.key)},${glueType(t.value)}>`;
  }
}
