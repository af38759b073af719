// Iceberg schema -> Parquet schema, as Iceberg Java's TypeToMessageType writes it (format/spec.md Appendix A,
// Parquet): a `field_id` on every field (nested struct fields, list elements, map keys and values included),
// 3-level lists and maps, DECIMAL / DATE / TIME / TIMESTAMP / UUID / STRING logical types, and names made
// Avro-compatible (`Breed Name` -> `Breed_x20Name`) exactly as Spark/Java do. Readers map columns by field id.
import type { SchemaElement } from 'hyparquet';
import type { IcebergType, NestedField, Schema } from '../spec/types.js';
import { decimalParams, decimalRequiredBytes, fixedLength, primitiveKind } from '../spec/values.js';

/** Root element name of the Parquet message (Spark, Java and Athena all write `table`). */
export const PARQUET_ROOT_NAME = 'table';

/** Iceberg Java's AvroSchemaUtil.makeCompatibleName: letters, digits and `_`; others become `_xHH`. */
export function parquetName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  let out = '';
  // per UTF-16 unit, like Java's Character.isLetter(char) / Integer.toHexString(char)
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const letter = /\p{L}/u.test(ch);
    const digit = /\p{Nd}/u.test(ch);
    const ok = i === 0 ? letter || ch === '_' : letter || digit || ch === '_';
    if (ok) out += ch;
    else if (digit) out += `_${ch}`;
    else out += `_x${name.charCodeAt(i).toString(16).toUpperCase()}`;
  }
  return out;
}

function primitiveElement(
  type: IcebergType,
  name: string,
  repetition: 'REQUIRED' | 'OPTIONAL',
  id: number,
): SchemaElement {
  const base = { name: parquetName(name), repetition_type: repetition, field_id: id };
  switch (primitiveKind(type)) {
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'int':
      return { ...base, type: 'INT32' };
    case 'long':
      return { ...base, type: 'INT64' };
    case 'float':
      return { ...base, type: 'FLOAT' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'time':
      return { ...base, type: 'INT64', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' } };
    case 'timestamp':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } };
    case 'timestamptz':
      // parquet-mr also writes the legacy converted type, which implies UTC-adjusted micros
      return {
        ...base,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      };
    case 'timestamp_ns':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } };
    case 'timestamptz_ns':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } };
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'uuid':
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' } };
    case 'binary':
      return { ...base, type: 'BYTE_ARRAY' };
    case 'fixed':
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: fixedLength(type)! };
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      const decimal = {
        converted_type: 'DECIMAL' as const,
        scale,
        precision,
        logical_type: { type: 'DECIMAL' as const, precision, scale },
      };
      if (precision <= 9) return { ...base, type: 'INT32', ...decimal };
      if (precision <= 18) return { ...base, type: 'INT64', ...decimal };
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalRequiredBytes(precision), ...decimal };
    }
  }
}

function fieldElements(type: IcebergType, name: string, required: boolean, id: number, out: SchemaElement[]): void {
  const repetition = required ? 'REQUIRED' : 'OPTIONAL';
  if (typeof type === 'string') {
    out.push(primitiveElement(type, name, repetition, id));
    return;
  }
  switch (type.type) {
    case 'struct':
      out.push({
        name: parquetName(name),
        repetition_type: repetition,
        num_children: type.fields.length,
        field_id: id,
      });
      for (const f of type.fields) fieldElements(f.type, f.name, f.required, f.id, out);
      return;
    case 'list':
      out.push({
        name: parquetName(name),
        repetition_type: repetition,
        converted_type: 'LIST',
        logical_type: { type: 'LIST' },
        num_children: 1,
        field_id: id,
      });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      fieldElements(type.element, 'element', type['element-required'], type['element-id'], out);
      return;
    case 'map':
      out.push({
        name: parquetName(name),
        repetition_type: repetition,
        converted_type: 'MAP',
        logical_type: { type: 'MAP' },
        num_children: 1,
        field_id: id,
      });
      out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 });
      fieldElements(type.key, 'key', true, type['key-id'], out);
      fieldElements(type.value, 'value', type['value-required'], type['value-id'], out);
      return;
  }
}

/** The Parquet schema (flattened, depth-first, as the footer stores it) of an Iceberg schema. */
export function toParquetSchema(schema: Schema): SchemaElement[] {
  const out: SchemaElement[] = [{ name: PARQUET_ROOT_NAME, num_children: schema.fields.length }];
  const seen = new Set<string>();
  for (const f of schema.fields) {
    const n = parquetName(f.name);
    if (seen.has(n)) throw new Error(`columns collide in Parquet after name sanitizing: "${f.name}" -> "${n}"`);
    seen.add(n);
    fieldElements(f.type, f.name, f.required, f.id, out);
  }
  return out;
}

/** Every field of a schema, depth-first (struct fields, list elements, map keys and values), with its path. */
export function allFields(schema: Schema): { field: NestedField; path: string[] }[] {
  const out: { field: NestedField; path: string[] }[] = [];
  const visit = (f: NestedField, path: string[]): void => {
    out.push({ field: f, path });
    const t = f.type;
    if (typeof t === 'string') return;
    if (t.type === 'struct') for (const c of t.fields) visit(c, [...path, c.name]);
    else if (t.type === 'list') {
      visit({ id: t['element-id'], name: 'element', required: t['element-required'], type: t.element }, [
        ...path,
        'element',
      ]);
    } else {
      visit({ id: t['key-id'], name: 'key', required: true, type: t.key }, [...path, 'key']);
      visit({ id: t['value-id'], name: 'value', required: t['value-required'], type: t.value }, [...path, 'value']);
    }
  };
  for (const f of schema.fields) visit(f, [f.name]);
  return out;
}
