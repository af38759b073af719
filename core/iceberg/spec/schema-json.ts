// Reads and validates Iceberg schemas and types from parsed JSON (format/spec.md Appendix C). Parameterized
// type strings are normalized to the canonical form (`decimal(9,2)`, `fixed[16]`). Field ids must be unique.
import { InvalidMetadataError, JsonObject, describe } from './json-object.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType } from './types.js';

const PRIMITIVES = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
]);

/**
 * Parses a schema object (`{type: 'struct', schema-id, fields, identifier-field-ids?}`). `schema-id` is required
 * (v2) unless `optionalId` (v1 metadata, manifest headers), where it defaults to 0.
 */
export function parseSchemaJson(value: unknown, source: string, path = '', optionalId = false): Schema {
  const obj = JsonObject.of(value, source, path);
  const struct = parseStruct(obj);
  const id = optionalId ? (obj.optInt('schema-id') ?? 0) : obj.int('schema-id');
  const schema: Schema = { type: 'struct', 'schema-id': id, fields: struct.fields };
  if (obj.has('identifier-field-ids')) schema['identifier-field-ids'] = obj.ints('identifier-field-ids');
  checkUniqueIds(schema, source, path);
  return schema;
}

/** Parses a type: a primitive type string or a struct, list or map object. */
export function parseTypeJson(value: unknown, source: string, path: string): IcebergType {
  if (typeof value === 'string') return parsePrimitive(value, source, path);
  const obj = JsonObject.of(value, source, path);
  const kind = obj.string('type');
  switch (kind) {
    case 'struct':
      return parseStruct(obj);
    case 'list':
      return {
        type: 'list',
        'element-id': obj.int('element-id'),
        'element-required': obj.bool('element-required'),
        element: parseTypeJson(obj.value.element, source, obj.keyPath('element')),
      };
    case 'map':
      return {
        type: 'map',
        'key-id': obj.int('key-id'),
        key: parseTypeJson(obj.value.key, source, obj.keyPath('key')),
        'value-id': obj.int('value-id'),
        'value-required': obj.bool('value-required'),
        value: parseTypeJson(obj.value.value, source, obj.keyPath('value')),
      };
    default:
      return obj.fail('type', `unknown nested type ${JSON.stringify(kind)}`);
  }
}

/** Validates a primitive type string and returns its canonical form. */
export function parsePrimitive(value: string, source: string, path: string): PrimitiveType {
  if (PRIMITIVES.has(value)) return value as PrimitiveType;
  const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(value);
  if (decimal) {
    const p = Number(decimal[1]);
    const s = Number(decimal[2]);
    if (p < 1 || p > 38 || s > p) throw new InvalidMetadataError(source, path, `invalid decimal type ${value}`);
    return `decimal(${p},${s})`;
  }
  const fixed = /^fixed\[\s*(\d+)\s*\]$/.exec(value);
  if (fixed) return `fixed[${Number(fixed[1])}]`;
  throw new InvalidMetadataError(source, path, `unsupported type ${describe(value)}`);
}

function parseStruct(obj: JsonObject): StructType {
  if (obj.string('type') !== 'struct') obj.fail('type', `must be "struct", got ${describe(obj.value.type)}`);
  const fields = obj.objects('fields').map((f): NestedField => {
    const field: NestedField = {
      id: f.int('id'),
      name: f.string('name'),
      required: f.bool('required'),
      type: parseTypeJson(f.value.type, f.source, f.keyPath('type')),
    };
    const doc = f.optString('doc');
    if (doc !== undefined) field.doc = doc;
    if (f.value['initial-default'] !== undefined) field['initial-default'] = f.value['initial-default'];
    if (f.value['write-default'] !== undefined) field['write-default'] = f.value['write-default'];
    return field;
  });
  return { type: 'struct', fields };
}

function checkUniqueIds(schema: Schema, source: string, path: string): void {
  const seen = new Set<number>();
  const visit = (id: number): void => {
    if (seen.has(id)) throw new InvalidMetadataError(source, path, `field id ${id} is used more than once`);
    seen.add(id);
  };
  const walk = (type: IcebergType): void => {
    if (typeof type === 'string') return;
    if (type.type === 'struct') {
      for (const f of type.fields) {
        visit(f.id);
        walk(f.type);
      }
    } else if (type.type === 'list') {
      visit(type['element-id']);
      walk(type.element);
    } else {
      visit(type['key-id']);
      visit(type['value-id']);
      walk(type.key);
      walk(type.value);
    }
  };
  walk(schema);
}
