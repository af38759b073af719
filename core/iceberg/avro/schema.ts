// Avro schemas as plain JSON objects. A schema is written to a file header exactly as given (JSON.stringify),
// so Iceberg's attributes (`field-id`, `element-id`, `key-id`, `value-id`, `logicalType`, `adjust-to-utc`, ...)
// survive unchanged. `resolveAvroSchema` validates a schema and resolves named-type references for the codec.

export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
  'field-id'?: number;
  [attribute: string]: unknown;
}

export interface AvroRecordSchema {
  type: 'record' | 'error';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
  [attribute: string]: unknown;
}

export interface AvroEnumSchema {
  type: 'enum';
  name: string;
  namespace?: string;
  symbols: string[];
  [attribute: string]: unknown;
}

export interface AvroFixedSchema {
  type: 'fixed';
  name: string;
  namespace?: string;
  size: number;
  [attribute: string]: unknown;
}

export interface AvroArraySchema {
  type: 'array';
  items: AvroSchema;
  [attribute: string]: unknown;
}

export interface AvroMapSchema {
  type: 'map';
  values: AvroSchema;
  [attribute: string]: unknown;
}

/** A primitive with attributes, e.g. `{"type": "int", "logicalType": "date"}`. */
export interface AvroPrimitiveSchema {
  type: AvroPrimitiveName;
  [attribute: string]: unknown;
}

export type AvroNamedSchema = AvroRecordSchema | AvroEnumSchema | AvroFixedSchema;

/** A primitive name, a reference to a named type, a union, or a complex schema object. */
export type AvroSchema =
  | AvroPrimitiveName
  | string
  | AvroSchema[]
  | AvroRecordSchema
  | AvroEnumSchema
  | AvroFixedSchema
  | AvroArraySchema
  | AvroMapSchema
  | AvroPrimitiveSchema;

/** A schema with every name reference replaced by the named schema it refers to (may be cyclic). */
export type ResolvedSchema =
  | { kind: 'primitive'; type: AvroPrimitiveName; schema: AvroSchema }
  | {
      kind: 'record';
      name: string;
      fields: { name: string; type: ResolvedSchema; field: AvroField }[];
      schema: AvroRecordSchema;
    }
  | { kind: 'enum'; symbols: string[]; schema: AvroEnumSchema }
  | { kind: 'fixed'; size: number; schema: AvroFixedSchema }
  | { kind: 'array'; items: ResolvedSchema; schema: AvroArraySchema }
  | { kind: 'map'; values: ResolvedSchema; schema: AvroMapSchema }
  | { kind: 'union'; branches: ResolvedSchema[]; schema: AvroSchema[] };

export class AvroSchemaError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid Avro schema at ${path || '<root>'}: ${reason}`);
    this.name = 'AvroSchemaError';
  }
}

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates a schema (per the Avro 1.11 specification) and resolves its named-type references. */
export function resolveAvroSchema(schema: unknown): ResolvedSchema {
  const named = new Map<string, ResolvedSchema>();

  const fullName = (name: string, namespace: string | undefined): string =>
    name.includes('.') || !namespace ? name : `${namespace}.${name}`;

  const define = (s: AvroNamedSchema, namespace: string | undefined, path: string): string => {
    if (typeof s.name !== 'string' || !s.name.split('.').every((part) => NAME.test(part))) {
      throw new AvroSchemaError(path, `invalid name ${JSON.stringify(s.name)}`);
    }
    const full = fullName(s.name, s.namespace ?? namespace);
    if (named.has(full) || PRIMITIVES.has(full)) throw new AvroSchemaError(path, `name ${full} is defined twice`);
    return full;
  };

  const resolve = (s: unknown, namespace: string | undefined, path: string): ResolvedSchema => {
    if (typeof s === 'string') {
      if (PRIMITIVES.has(s)) return { kind: 'primitive', type: s as AvroPrimitiveName, schema: s };
      const ref = named.get(fullName(s, namespace)) ?? named.get(s);
      if (!ref) throw new AvroSchemaError(path, `unknown type name ${JSON.stringify(s)}`);
      return ref;
    }
    if (Array.isArray(s)) {
      const branches = s.map((b, i) => resolve(b, namespace, `${path}[${i}]`));
      if (branches.some((b) => b.kind === 'union')) throw new AvroSchemaError(path, 'a union cannot contain a union');
      return { kind: 'union', branches, schema: s as AvroSchema[] };
    }
    if (s === null || typeof s !== 'object') throw new AvroSchemaError(path, `expected a schema, got ${String(s)}`);
    const obj = s as Record<string, unknown>;
    const type = obj.type;
    if (typeof type === 'string' && PRIMITIVES.has(type)) {
      return { kind: 'primitive', type: type as AvroPrimitiveName, schema: obj as AvroPrimitiveSchema };
    }
    switch (type) {
      case 'record':
      case 'error': {
        const rec = obj as AvroRecordSchema;
        const full = define(rec, namespace, path);
        if (!Array.isArray(rec.fields)) throw new AvroSchemaError(path, `record ${full} has no fields array`);
        const resolved: ResolvedSchema & { kind: 'record' } = { kind: 'record', name: full, fields: [], schema: rec };
        named.set(full, resolved);
        const ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
        const seen = new Set<string>();
        for (const [i, field] of rec.fields.entries()) {
          const fpath = `${path}.${String((field as AvroField | undefined)?.name ?? i)}`;
          if (!field || typeof field !== 'object' || typeof field.name !== 'string' || !NAME.test(field.name)) {
            throw new AvroSchemaError(
              fpath,
              `invalid field name ${JSON.stringify((field as AvroField | undefined)?.name)}`,
            );
          }
          if (seen.has(field.name)) throw new AvroSchemaError(fpath, `field ${field.name} appears twice`);
          seen.add(field.name);
          if (field.type === undefined) throw new AvroSchemaError(fpath, 'field has no type');
          resolved.fields.push({ name: field.name, type: resolve(field.type, ns, fpath), field });
        }
        return resolved;
      }
      case 'enum': {
        const en = obj as AvroEnumSchema;
        const full = define(en, namespace, path);
        if (!Array.isArray(en.symbols) || !en.symbols.every((x) => typeof x === 'string' && NAME.test(x))) {
          throw new AvroSchemaError(path, `enum ${full} has invalid symbols`);
        }
        const resolved: ResolvedSchema = { kind: 'enum', symbols: en.symbols, schema: en };
        named.set(full, resolved);
        return resolved;
      }
      case 'fixed': {
        const fx = obj as AvroFixedSchema;
        const full = define(fx, namespace, path);
        if (typeof fx.size !== 'number' || !Number.isInteger(fx.size) || fx.size < 0) {
          throw new AvroSchemaError(path, `fixed ${full} has an invalid size ${String(fx.size)}`);
        }
        const resolved: ResolvedSchema = { kind: 'fixed', size: fx.size, schema: fx };
        named.set(full, resolved);
        return resolved;
      }
      case 'array':
        if (obj.items === undefined) throw new AvroSchemaError(path, 'array has no items');
        return { kind: 'array', items: resolve(obj.items, namespace, `${path}[]`), schema: obj as AvroArraySchema };
      case 'map':
        if (obj.values === undefined) throw new AvroSchemaError(path, 'map has no values');
        return { kind: 'map', values: resolve(obj.values, namespace, `${path}{}`), schema: obj as AvroMapSchema };
      default:
        if (typeof type === 'string' || Array.isArray(type) || (type !== null && typeof type === 'object')) {
          return resolve(type, namespace, path); // {"type": "SomeName"} or {"type": {...}}
        }
        throw new AvroSchemaError(path, `unknown type ${JSON.stringify(type)}`);
    }
  };

  return resolve(schema, undefined, '');
}
