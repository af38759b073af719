// Queries over schemas: fields by id and by (dotted) name, the partition type of a spec, the highest field id,
// and the canonical JSON form of a schema. Schema evolution lives in schema-evolution.ts (re-exported here).
import { transformResultType } from './transform.js';
import type { PartitionSpec } from './partition-spec.js';
import type { IcebergType, NestedField, Schema, StructType } from './types.js';

export { addColumn, canPromote, promoteColumn, withSchema } from './schema-evolution.js';
export type { NewColumn } from './schema-evolution.js';

/**
 * Every field by id, nested ones included. List elements and map keys/values appear as fields named
 * `element`, `key` and `value` (as in Iceberg Java), so that every id in the schema resolves to a type.
 */
export function indexById(struct: StructType): Map<number, NestedField> {
  const index = new Map<number, NestedField>();
  visit(struct, '', (field) => {
    index.set(field.id, field);
  });
  return index;
}

/**
 * Field id by full dotted name (`address.city`, `tags.element`, `attrs.key`, `attrs.value.x`). For a struct in a
 * list or map value the short name without `element`/`value` (`items.sku`) is indexed too, as Java does, unless
 * it would clash with a full name.
 */
export function indexByName(struct: StructType): Map<string, number> {
  const full = new Map<string, number>();
  const short = new Map<string, number>();
  visit(struct, '', (field, name, shortName) => {
    full.set(name, field.id);
    if (shortName !== name) short.set(shortName, field.id);
  });
  for (const [name, id] of short) if (!full.has(name)) full.set(name, id);
  return full;
}

/** Full dotted name by field id (the inverse of indexByName, full names only). */
export function indexNameById(struct: StructType): Map<number, string> {
  const index = new Map<number, string>();
  visit(struct, '', (field, name) => {
    index.set(field.id, name);
  });
  return index;
}

/** A field by id or by dotted name, or undefined. */
export function findField(struct: StructType, idOrName: number | string): NestedField | undefined {
  const id = typeof idOrName === 'number' ? idOrName : indexByName(struct).get(idOrName);
  return id === undefined ? undefined : indexById(struct).get(id);
}

/** The highest field id used anywhere in the type (0 for an empty struct). */
export function highestFieldId(struct: StructType): number {
  let max = 0;
  visit(struct, '', (field) => {
    if (field.id > max) max = field.id;
  });
  return max;
}

/**
 * The partition tuple type of a spec: one optional field per partition field, with the partition field's id and
 * name and the transform's result type. This is the `partition` struct (field 102) of the spec's manifests.
 */
export function partitionType(spec: PartitionSpec, schema: Schema): StructType {
  const byId = indexById(schema);
  return {
    type: 'struct',
    fields: spec.fields.map((pf): NestedField => {
      const source = byId.get(pf['source-id']);
      if (!source) {
        throw new Error(
          `partition field ${pf.name} (spec ${spec['spec-id']}): source column ${pf['source-id']} is not in schema ${schema['schema-id']}`,
        );
      }
      return {
        id: pf['field-id'],
        name: pf.name,
        required: false,
        type: transformResultType(pf.transform, source.type),
      };
    }),
  };
}

/** A schema as a plain JSON-ready object with the key order of Appendix C. */
export function schemaToJson(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'struct', 'schema-id': schema['schema-id'] };
  if (schema['identifier-field-ids'] && schema['identifier-field-ids'].length > 0) {
    out['identifier-field-ids'] = schema['identifier-field-ids'];
  }
  out.fields = schema.fields.map(fieldToJson);
  return out;
}

/** A type as a plain JSON-ready object (primitive types are their string). */
export function typeToJson(type: IcebergType): unknown {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return { type: 'struct', fields: type.fields.map(fieldToJson) };
    case 'list':
      return {
        type: 'list',
        'element-id': type['element-id'],
        element: typeToJson(type.element),
        'element-required': type['element-required'],
      };
    case 'map':
      return {
        type: 'map',
        'key-id': type['key-id'],
        key: typeToJson(type.key),
        'value-id': type['value-id'],
        value: typeToJson(type.value),
        'value-required': type['value-required'],
      };
  }
}

function fieldToJson(f: NestedField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, name: f.name, required: f.required, type: typeToJson(f.type) };
  if (f.doc !== undefined) out.doc = f.doc;
  if (f['initial-default'] !== undefined) out['initial-default'] = f['initial-default'];
  if (f['write-default'] !== undefined) out['write-default'] = f['write-default'];
  return out;
}

type Visitor = (field: NestedField, name: string, shortName: string) => void;

/** Depth-first walk over every field (list elements and map keys/values as synthetic fields). */
function visit(struct: StructType, prefix: string, fn: Visitor, shortPrefix = prefix): void {
  for (const field of struct.fields) {
    const name = prefix + field.name;
    const shortName = shortPrefix + field.name;
    fn(field, name, shortName);
    visitType(field.type, `${name}.`, fn, `${shortName}.`);
  }
}

function visitType(type: IcebergType, prefix: string, fn: Visitor, shortPrefix: string): void {
  if (typeof type === 'string') return;
  if (type.type === 'struct') {
    visit(type, prefix, fn, shortPrefix);
  } else if (type.type === 'list') {
    const element: NestedField = {
      id: type['element-id'],
      name: 'element',
      required: type['element-required'],
      type: type.element,
    };
    fn(element, `${prefix}element`, `${shortPrefix}element`);
    visitType(type.element, `${prefix}element.`, fn, shortPrefix);
  } else {
    const key: NestedField = { id: type['key-id'], name: 'key', required: true, type: type.key };
    const value: NestedField = {
      id: type['value-id'],
      name: 'value',
      required: type['value-required'],
      type: type.value,
    };
    fn(key, `${prefix}key`, `${shortPrefix}key`);
    visitType(type.key, `${prefix}key.`, fn, `${shortPrefix}key.`);
    fn(value, `${prefix}value`, `${shortPrefix}value`);
    visitType(type.value, `${prefix}value.`, fn, shortPrefix);
  }
}
