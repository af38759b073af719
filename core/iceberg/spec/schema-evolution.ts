// Schema evolution of format/spec.md "Schema Evolution" for v2 tables: add an optional column (fresh ids for it
// and every nested field), promote a primitive type (int->long, float->double, decimal precision widening), and
// register the evolved schema in table metadata. Functions return new objects; inputs are never mutated.
import { highestFieldId, indexById, indexByName, typeToJson } from './schema.js';
import type { TableMetadata } from './table-metadata.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType } from './types.js';

export interface NewColumn {
  name: string;
  /** The column's type. Ids inside nested types are ignored: fresh ids are assigned. */
  type: IcebergType;
  /** Dotted name of the struct (or list of struct, map with struct values) to add to; top level if absent. */
  parent?: string;
  doc?: string;
}

/**
 * Adds an optional column with fresh field ids above `lastColumnId`. Returns the new schema (same schema-id:
 * `withSchema` assigns the id) and the new last column id. Throws if the name exists or the parent is not a struct.
 */
export function addColumn(
  schema: Schema,
  lastColumnId: number,
  column: NewColumn,
): { schema: Schema; lastColumnId: number } {
  if (column.name === '' || column.name.includes('.')) {
    throw new Error(`cannot add column ${JSON.stringify(column.name)}: the name must be non-empty and contain no '.'`);
  }
  let next = Math.max(lastColumnId, highestFieldId(schema));
  const fresh = (): number => ++next;
  const field: NestedField = { id: fresh(), name: column.name, required: false, type: 'boolean' };
  field.type = assignFreshIds(column.type, fresh);
  if (column.doc !== undefined) field.doc = column.doc;

  const fullName = column.parent ? `${column.parent}.${column.name}` : column.name;
  if (indexByName(schema).has(fullName)) throw new Error(`cannot add column ${fullName}: it already exists`);

  if (!column.parent) return { schema: { ...schema, fields: [...schema.fields, field] }, lastColumnId: next };
  const parentId = indexByName(schema).get(column.parent);
  if (parentId === undefined) throw new Error(`cannot add column ${fullName}: parent ${column.parent} does not exist`);
  const updated = mapStruct(schema, parentId, (struct) => ({ ...struct, fields: [...struct.fields, field] }));
  if (!updated.found) throw new Error(`cannot add column ${fullName}: parent ${column.parent} is not a struct`);
  return { schema: { ...schema, fields: (updated.type as StructType).fields }, lastColumnId: next };
}

/** Whether `from` may be promoted to `to` in a v2 table (spec "Schema Evolution", v1/v2 column). */
export function canPromote(from: IcebergType, to: IcebergType): boolean {
  if (typeof from !== 'string' || typeof to !== 'string') return false;
  if (from === 'int') return to === 'long';
  if (from === 'float') return to === 'double';
  const a = decimal(from);
  const b = decimal(to);
  return a !== undefined && b !== undefined && a.scale === b.scale && b.precision > a.precision;
}

/** The schema with the primitive column `idOrName` promoted to `to`; equal types are a no-op. */
export function promoteColumn(schema: Schema, idOrName: number | string, to: PrimitiveType): Schema {
  const id = typeof idOrName === 'number' ? idOrName : indexByName(schema).get(idOrName);
  const field = id === undefined ? undefined : indexById(schema).get(id);
  if (id === undefined || !field) throw new Error(`cannot promote column ${idOrName}: it does not exist`);
  const canonical = canonicalPrimitive(to);
  if (field.type === canonical) return schema;
  if (!canPromote(field.type, canonical)) {
    const from = typeof field.type === 'string' ? field.type : field.type.type;
    throw new Error(`cannot promote column ${idOrName} from ${from} to ${canonical}: not a valid type promotion`);
  }
  const result = replaceFieldType(schema, id, canonical);
  return { ...schema, fields: (result as StructType).fields };
}

/**
 * Metadata with `schema` as the current schema: an existing schema with the same fields is reused, otherwise
 * the schema is added under the next schema id. last-column-id covers every id in the schema.
 */
export function withSchema(metadata: TableMetadata, schema: Schema): TableMetadata {
  const key = structKey(schema);
  const existing = metadata.schemas.find((s) => structKey(s) === key);
  const lastColumnId = Math.max(metadata['last-column-id'], highestFieldId(schema));
  if (existing) {
    return { ...metadata, 'current-schema-id': existing['schema-id'], 'last-column-id': lastColumnId };
  }
  const id = Math.max(-1, ...metadata.schemas.map((s) => s['schema-id'])) + 1;
  return {
    ...metadata,
    schemas: [...metadata.schemas, { ...schema, 'schema-id': id }],
    'current-schema-id': id,
    'last-column-id': lastColumnId,
  };
}

function structKey(s: Schema): string {
  return JSON.stringify([typeToJson({ type: 'struct', fields: s.fields }), s['identifier-field-ids'] ?? []]);
}

function decimal(t: string): { precision: number; scale: number } | undefined {
  const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

function canonicalPrimitive(t: PrimitiveType): PrimitiveType {
  const d = decimal(t);
  return d ? `decimal(${d.precision},${d.scale})` : t;
}

/** A copy of `type` with every nested id replaced by `fresh()`, in Java's order (a struct's fields first). */
function assignFreshIds(type: IcebergType, fresh: () => number): IcebergType {
  if (typeof type === 'string') return canonicalPrimitive(type);
  if (type.type === 'struct') {
    const ids = type.fields.map(() => fresh());
    return {
      type: 'struct',
      fields: type.fields.map((f, i) => ({
        ...f,
        id: ids[i]!,
        required: f.required,
        type: assignFreshIds(f.type, fresh),
      })),
    };
  }
  if (type.type === 'list') {
    const elementId = fresh();
    return { ...type, 'element-id': elementId, element: assignFreshIds(type.element, fresh) };
  }
  const keyId = fresh();
  const valueId = fresh();
  return {
    ...type,
    'key-id': keyId,
    'value-id': valueId,
    key: assignFreshIds(type.key, fresh),
    value: assignFreshIds(type.value, fresh),
  };
}

/**
 * Applies `fn` to the struct identified by field `id` (a struct field, or the struct element of a list / value of
 * a map). Returns the rebuilt type and whether a struct was found.
 */
function mapStruct(
  type: IcebergType,
  id: number,
  fn: (s: StructType) => StructType,
): { type: IcebergType; found: boolean } {
  let found = false;
  const target = (t: IcebergType): IcebergType => {
    if (typeof t !== 'string' && t.type === 'struct') {
      found = true;
      return fn(t);
    }
    if (typeof t !== 'string' && t.type === 'list') return { ...t, element: target(t.element) };
    if (typeof t !== 'string' && t.type === 'map') return { ...t, value: target(t.value) };
    return t;
  };
  const walk = (t: IcebergType): IcebergType => {
    if (typeof t === 'string') return t;
    if (t.type === 'struct')
      return { ...t, fields: t.fields.map((f) => ({ ...f, type: f.id === id ? target(f.type) : walk(f.type) })) };
    if (t.type === 'list') return { ...t, element: t['element-id'] === id ? target(t.element) : walk(t.element) };
    return { ...t, key: walk(t.key), value: t['value-id'] === id ? target(t.value) : walk(t.value) };
  };
  const result = walk(type);
  return { type: result, found };
}

function replaceFieldType(type: IcebergType, id: number, to: PrimitiveType): IcebergType {
  if (typeof type === 'string') return type;
  if (type.type === 'struct') {
    return {
      ...type,
      fields: type.fields.map((f) => ({ ...f, type: f.id === id ? to : replaceFieldType(f.type, id, to) })),
    };
  }
  if (type.type === 'list') {
    return { ...type, element: type['element-id'] === id ? to : replaceFieldType(type.element, id, to) };
  }
  if (type['key-id'] === id) throw new Error(`cannot promote field ${id}: map keys cannot change type`);
  return {
    ...type,
    key: replaceFieldType(type.key, id, to),
    value: type['value-id'] === id ? to : replaceFieldType(type.value, id, to),
  };
}
