// The JSON Schema (draft-07) of an event for the Glue Schema Registry: the wire format of glue-schemas/README.md.
// Each property carries its Iceberg field id and PII class as `x-iceberg-field-id` / `x-pii` annotations
// (unknown keywords, ignored by validators). Numeric bounds on decimal strings and the future-timestamp limit
// cannot be said in JSON Schema: shoplake's validator enforces them; this schema is never stricter than it.
import type { Checks, ContractField, ContractType } from './format.js';
import { parsePrimitive } from './field-types.js';
import type { EventContract } from './load.js';
import { DEFAULT_MAX_STRING_LENGTH, INT_RANGE, LONG_RANGE } from './wire-values.js';

export type JsonSchema = Record<string, unknown>;

export const TIMESTAMPTZ_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A decimal(P,S) in plain notation: at most P-S integer digits (leading zeros aside), at most S fraction digits (trailing zeros aside). */
export function decimalPattern(precision: number, scale: number): string {
  const int = precision - scale;
  const intPart = int === 0 ? '0*' : `0*\\d{1,${int}}`;
  const frac = scale === 0 ? '(\\.0+)?' : `(\\.\\d{1,${scale}}0*)?`;
  return `^-?${intPart}${frac}$`;
}

const bounds = (c: Checks | undefined, lo: number, hi: number): JsonSchema => ({
  minimum: Math.max(lo, c?.min ?? lo),
  maximum: Math.min(hi, c?.max ?? hi),
});

function typeSchema(t: ContractType, c: Checks | undefined): JsonSchema {
  if (typeof t !== 'string') {
    if (t.type === 'struct') return objectSchema(t.fields);
    if (t.type === 'list') {
      const item = typeSchema(t.element, undefined);
      return {
        type: 'array',
        items: t['element-required'] ? item : { anyOf: [item, { type: 'null' }] },
        ...(c?.min_items !== undefined ? { minItems: c.min_items } : {}),
        ...(c?.max_items !== undefined ? { maxItems: c.max_items } : {}),
      };
    }
    const value = typeSchema(t.value, undefined);
    return {
      type: 'object',
      additionalProperties: t['value-required'] ? value : { anyOf: [value, { type: 'null' }] },
      ...(c?.min_items !== undefined ? { minProperties: c.min_items } : {}),
      ...(c?.max_items !== undefined ? { maxProperties: c.max_items } : {}),
    };
  }
  const p = parsePrimitive(t)!;
  switch (p.kind) {
    case 'string':
      if (c?.enum) return { type: 'string', enum: c.enum };
      return {
        type: 'string',
        ...(c?.min_length !== undefined ? { minLength: c.min_length } : {}),
        maxLength: c?.max_length ?? DEFAULT_MAX_STRING_LENGTH,
        ...(c?.pattern !== undefined ? { pattern: c.pattern } : {}),
      };
    case 'uuid':
      return { type: 'string', pattern: UUID_PATTERN };
    case 'int':
      return { type: 'integer', ...bounds(c, INT_RANGE.min, INT_RANGE.max) };
    case 'long':
      return { type: 'integer', ...bounds(c, LONG_RANGE.min, LONG_RANGE.max) };
    case 'float':
    case 'double':
      return {
        type: 'number',
        ...(c?.min !== undefined ? { minimum: c.min } : {}),
        ...(c?.max !== undefined ? { maximum: c.max } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'decimal':
      return {
        anyOf: [
          { type: 'string', pattern: decimalPattern(p.precision, p.scale) },
          {
            type: 'number',
            ...(c?.min !== undefined ? { minimum: c.min } : {}),
            ...(c?.max !== undefined ? { maximum: c.max } : {}),
          },
        ],
      };
    case 'timestamptz':
      return { type: 'string', format: 'date-time', pattern: TIMESTAMPTZ_PATTERN };
    case 'date':
      return { type: 'string', format: 'date', pattern: DATE_PATTERN };
    case 'binary':
      throw new Error('binary has no JSON form');
  }
}

function fieldSchema(f: ContractField): JsonSchema {
  const t = typeSchema(f.type, f.checks);
  const annotated = f.required ? t : { anyOf: [t, { type: 'null' }] };
  return { description: f.doc, 'x-iceberg-field-id': f.id, 'x-pii': f.pii, ...annotated };
}

function objectSchema(fields: ContractField[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    required: fields.filter((f) => f.required).map((f) => f.name),
    // Open content: the validator ignores undeclared keys by default (validate.ts UnknownFields).
    additionalProperties: true,
  };
}

export function eventJsonSchema(e: EventContract): JsonSchema {
  const root = objectSchema(e.fields);
  const props = root.properties as Record<string, JsonSchema>;
  props.event_type = { ...props.event_type, const: e.eventType };
  props.schema_version = { ...props.schema_version, maximum: e.schemaVersion };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:shoplake:contract:${e.eventType}:${e.schemaVersion}`,
    title: e.eventType,
    description: e.doc,
    ...root,
  };
}
