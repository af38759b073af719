// Iceberg reads manifests by field id, never by name (Athena's manifest lists name field 504
// `added_data_files_count`, the spec `added_files_count`). These helpers find record fields by `field-id`.
import type { ResolvedSchema } from './schema.js';

export interface IdField {
  /** The Avro field name: the key of the field in decoded records. */
  name: string;
  type: ResolvedSchema;
  /** The Iceberg name when the Avro name was sanitized. */
  icebergName: string;
}

/** Fields of a record (or of an optional record) by their `field-id` attribute. */
export function fieldsById(schema: ResolvedSchema): Map<number, IdField> {
  const record = unwrapOptional(schema);
  const out = new Map<number, IdField>();
  if (record.kind !== 'record') return out;
  for (const f of record.fields) {
    const id = f.field['field-id'];
    const original = f.field['iceberg-field-name'];
    if (typeof id === 'number')
      out.set(id, { name: f.name, type: f.type, icebergName: typeof original === 'string' ? original : f.name });
  }
  return out;
}

/** T for a ["null", T] union, else the schema itself. */
export function unwrapOptional(schema: ResolvedSchema): ResolvedSchema {
  if (schema.kind !== 'union') return schema;
  const branches = schema.branches.filter((b) => !(b.kind === 'primitive' && b.type === 'null'));
  return branches.length === 1 ? branches[0]! : schema;
}
