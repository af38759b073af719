// The Glue/Athena column list of a table: Hive type strings, the doc as comment, and the Iceberg field id and
// nullability as column parameters (the same keys Iceberg's own GlueCatalog writes).
import type { ContractField, ContractType } from './format.js';
import { parsePrimitive } from './field-types.js';
import type { TableDef } from './load.js';

export interface GlueColumn {
  name: string;
  type: string;
  comment: string;
  parameters: Record<string, string>;
}

const HIVE: Record<string, string> = {
  boolean: 'boolean',
  int: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  date: 'date',
  timestamptz: 'timestamp',
  string: 'string',
  uuid: 'string',
  binary: 'binary',
};

/** The Hive type string Glue and Athena show for a contract type, e.g. `array<struct<id:bigint,price:decimal(12,2)>>`. */
export function hiveType(t: ContractType): string {
  if (typeof t === 'string') {
    const p = parsePrimitive(t);
    if (!p) throw new Error(`not a primitive type: ${t}`);
    return p.kind === 'decimal' ? `decimal(${p.precision},${p.scale})` : HIVE[p.kind]!;
  }
  if (t.type === 'struct') return `struct<${t.fields.map((f) => `${f.name}:${hiveType(f.type)}`).join(',')}>`;
  if (t.type === 'list') return `array<${hiveType(t.element)}>`;
  return `map<${hiveType(t.key)},${hiveType(t.value)}>`;
}

export function glueColumn(f: ContractField): GlueColumn {
  return {
    name: f.name,
    type: hiveType(f.type),
    comment: f.doc,
    parameters: {
      'iceberg.field.id': String(f.id),
      'iceberg.field.optional': String(!f.required),
      'iceberg.field.current': 'true',
      'shoplake.pii': f.pii,
    },
  };
}

export function glueColumns(table: TableDef): GlueColumn[] {
  return table.fields.map(glueColumn);
}
