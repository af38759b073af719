// The derived artifacts `npm run schemas:build` writes under glue-schemas/derived/ (format: glue-schemas/README.md).
// The CDK app reads them (it may not import core/), so this is the one place their shape is decided.
import type { ContractSet, TableDef } from './load.js';
import { icebergPartitionSpec, icebergSchema, icebergSortOrder } from './iceberg-schema.js';
import { glueColumns } from './glue-columns.js';
import { eventJsonSchema } from './json-schema.js';
import { routing } from './routing.js';
import { walkFields } from './field-types.js';

export const DERIVED_FORMAT_VERSION = 1;

/** Leaf paths with a PII class other than none, e.g. `{ path: 'customer.email', class: 'direct' }`. */
export function piiColumns(table: TableDef): { path: string; class: 'direct' | 'indirect' }[] {
  const out: { path: string; class: 'direct' | 'indirect' }[] = [];
  walkFields(table.fields, ({ field, path }) => {
    if (field.pii !== 'none') out.push({ path, class: field.pii });
  });
  return out;
}

export function tableArtifact(t: TableDef) {
  return {
    namespace: t.namespace,
    name: t.name,
    qualified_name: t.qualifiedName,
    kind: t.kind,
    source_file: t.sourceFile,
    doc: t.doc,
    topic: t.topic,
    event_type: t.eventType,
    parent_table: t.parentTable,
    schema_version: t.schemaVersion,
    iceberg_schema: icebergSchema(t),
    partition_spec: icebergPartitionSpec(t),
    sort_order: icebergSortOrder(t),
    identifier_fields: t.identifierFields,
    glue_columns: glueColumns(t),
    retention_days: t.retentionDays,
    properties: t.properties,
    pii_columns: piiColumns(t),
  };
}

export type TableArtifact = ReturnType<typeof tableArtifact>;

/** Every artifact as relative path -> JSON value. */
export function derivedArtifacts(set: ContractSet): Map<string, unknown> {
  const out = new Map<string, unknown>();
  out.set('tables.json', {
    format_version: DERIVED_FORMAT_VERSION,
    generated_by: 'core/contracts via `npm run schemas:build`; do not edit',
    tables: set.tables.map(tableArtifact),
  });
  out.set('routing.json', { format_version: DERIVED_FORMAT_VERSION, ...routing(set) });
  for (const e of set.events.values()) out.set(`registry/${e.eventType}.schema.json`, eventJsonSchema(e));
  return out;
}
