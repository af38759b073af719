// Iceberg types -> Avro schemas, as format/spec.md Appendix A "Avro" prescribes and Iceberg Java's TypeToSchema
// writes them: `field-id` on record fields, `element-id` on arrays, `key-id`/`value-id` on string-keyed maps,
// other maps as arrays of `k<id>_v<id>` records with logicalType "map", nested records named `r<field id>`,
// optional values as ["null", T] with default null, invalid Avro names sanitized (original kept in
// `iceberg-field-name`). Also the reverse for primitive types, to type the partition tuple of a manifest.
import type { AvroField, AvroRecordSchema, AvroSchema, ResolvedSchema } from './schema.js';
import type { IcebergType, NestedField, PrimitiveType, StructType } from '../spec/types.js';
import { decimalRequiredBytes } from '../spec/values.js';

/** Converts a struct into an Avro record named `recordName`. Named fixed types are defined once, then referenced. */
export function icebergToAvroSchema(struct: StructType, recordName: string): AvroRecordSchema {
  const defined = new Set<string>();

  const record = (s: StructType, name: string): AvroRecordSchema => ({
    type: 'record',
    name,
    fields: s.fields.map((f) => field(f)),
  });

  const field = (f: NestedField): AvroField => {
    const type = convert(f.type, f.id);
    const name = sanitizeAvroName(f.name);
    const out: AvroField = { name, type: f.required ? type : ['null', type] };
    if (f.doc !== undefined) out.doc = f.doc;
    if (!f.required) out.default = null;
    out['field-id'] = f.id;
    if (name !== f.name) out['iceberg-field-name'] = f.name;
    return out;
  };

  const named = (name: string, schema: AvroSchema): AvroSchema => {
    if (defined.has(name)) return name;
    defined.add(name);
    return schema;
  };

  const convert = (t: IcebergType, id: number): AvroSchema => {
    if (typeof t === 'string') return primitive(t, named);
    switch (t.type) {
      case 'struct':
        return record(t, `r${id}`);
      case 'list': {
        const items = convert(t.element, t['element-id']);
        return { type: 'array', items: t['element-required'] ? items : ['null', items], 'element-id': t['element-id'] };
      }
      case 'map': {
        const value = convert(t.value, t['value-id']);
        const values = t['value-required'] ? value : ['null', value];
        if (t.key === 'string') {
          return { type: 'map', values, 'key-id': t['key-id'], 'value-id': t['value-id'] };
        }
        return {
          type: 'array',
          items: {
            type: 'record',
            name: `k${t['key-id']}_v${t['value-id']}`,
            fields: [
              { name: 'key', type: convert(t.key, t['key-id']), 'field-id': t['key-id'] },
              { name: 'value', type: values, 'field-id': t['value-id'] },
            ],
          },
          logicalType: 'map',
        };
      }
    }
  };

  return record(struct, recordName);
}

function primitive(t: PrimitiveType, named: (name: string, schema: AvroSchema) => AvroSchema): AvroSchema {
  switch (t) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return t;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    case 'timestamp_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': false };
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': true };
    case 'uuid':
      return named('uuid_fixed', { type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' });
  }
  const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    const name = `decimal_${precision}_${scale}`;
    return named(name, {
      type: 'fixed',
      name,
      size: decimalRequiredBytes(precision),
      logicalType: 'decimal',
      precision,
      scale,
    });
  }
  const fixed = /^fixed\[\s*(\d+)\s*\]$/.exec(t);
  if (fixed) {
    const name = `fixed_${fixed[1]}`;
    return named(name, { type: 'fixed', name, size: Number(fixed[1]) });
  }
  throw new Error(`Iceberg type ${t} has no Avro representation`);
}

/**
 * A valid Avro name for `name`, as Iceberg Java's AvroSchemaUtil.makeCompatibleName: a leading digit becomes
 * `_<digit>`, any other invalid character `_x<HEX code>`. ASCII letters, digits and `_` are kept.
 */
export function sanitizeAvroName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  let out = '';
  for (const [i, ch] of [...name].entries()) {
    if (/[A-Za-z_]/.test(ch) || (i > 0 && /[0-9]/.test(ch))) out += ch;
    else if (/[0-9]/.test(ch)) out += `_${ch}`;
    else out += `_x${ch.codePointAt(0)!.toString(16).toUpperCase()}`;
  }
  return out;
}

/**
 * The Iceberg primitive type an Avro schema stores, from its logical type annotations (the inverse of the table
 * above). Optional unions ["null", T] are unwrapped. Throws for nested or unknown types.
 */
export function avroToIcebergPrimitive(schema: ResolvedSchema): PrimitiveType {
  if (schema.kind === 'union') {
    const branches = schema.branches.filter((b) => !(b.kind === 'primitive' && b.type === 'null'));
    if (branches.length !== 1) throw new Error('only ["null", T] unions map to Iceberg types');
    return avroToIcebergPrimitive(branches[0]!);
  }
  const attrs: Record<string, unknown> =
    typeof schema.schema === 'object' ? (schema.schema as Record<string, unknown>) : {};
  const logical = attrs.logicalType;
  if (schema.kind === 'fixed') {
    if (logical === 'uuid') return 'uuid';
    if (logical === 'decimal') return `decimal(${Number(attrs.precision)},${Number(attrs.scale ?? 0)})`;
    return `fixed[${schema.size}]`;
  }
  if (schema.kind !== 'primitive') throw new Error(`Avro ${schema.kind} has no Iceberg primitive equivalent`);
  switch (schema.type) {
    case 'int':
      return logical === 'date' ? 'date' : 'int';
    case 'long':
      if (logical === 'timestamp-micros') return attrs['adjust-to-utc'] === true ? 'timestamptz' : 'timestamp';
      if (logical === 'timestamp-nanos') return attrs['adjust-to-utc'] === true ? 'timestamptz_ns' : 'timestamp_ns';
      if (logical === 'time-micros') return 'time';
      return 'long';
    case 'bytes':
      return logical === 'decimal' ? `decimal(${Number(attrs.precision)},${Number(attrs.scale ?? 0)})` : 'binary';
    case 'string':
      return logical === 'uuid' ? 'uuid' : 'string';
    case 'boolean':
    case 'float':
    case 'double':
      return schema.type;
    case 'null':
      throw new Error('Avro null has no Iceberg primitive equivalent');
  }
}
