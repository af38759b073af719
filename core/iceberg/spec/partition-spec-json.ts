// Reads and validates partition specs and sort orders from parsed JSON (format/spec.md Appendix C).
import { InvalidMetadataError, JsonObject, describe } from './json-object.js';
import type { PartitionField, PartitionSpec, SortField, SortOrder } from './partition-spec.js';

const TRANSFORM = /^(identity|year|month|day|hour|void|bucket\[\s*\d+\s*\]|truncate\[\s*\d+\s*\])$/;

/**
 * Parses `{spec-id, fields}`. With `v1`, fields without `field-id` get 1000, 1001, ... in order, as v1 writers
 * assigned them; in v2 `field-id` is required.
 */
export function parsePartitionSpecJson(value: unknown, source: string, path = '', v1 = false): PartitionSpec {
  const obj = JsonObject.of(value, source, path);
  return {
    'spec-id': obj.int('spec-id'),
    fields: parsePartitionFieldsJson(obj.value.fields, source, obj.keyPath('fields'), v1),
  };
}

/**
 * Parses a bare partition field list (the manifest `partition-spec` key, the v1 `partition-spec` field). Missing
 * field ids default to 1000 + position unless `v1` is false.
 */
export function parsePartitionFieldsJson(value: unknown, source: string, path: string, v1 = true): PartitionField[] {
  if (!Array.isArray(value)) {
    throw new InvalidMetadataError(source, path, `must be a JSON array, got ${describe(value)}`);
  }
  return value.map((item, i) => {
    const f = JsonObject.of(item, source, `${path}[${i}]`);
    return {
      'source-id': f.int('source-id'),
      'field-id': v1 ? (f.optInt('field-id') ?? 1000 + i) : f.int('field-id'),
      name: f.string('name'),
      transform: parseTransformName(f, 'transform'),
    };
  });
}

/** Parses `{order-id, fields}`. */
export function parseSortOrderJson(value: unknown, source: string, path = ''): SortOrder {
  const obj = JsonObject.of(value, source, path);
  return {
    'order-id': obj.int('order-id'),
    fields: obj.objects('fields').map((f): SortField => {
      return {
        transform: parseTransformName(f, 'transform'),
        'source-id': f.int('source-id'),
        direction: f.oneOf('direction', ['asc', 'desc'] as const),
        'null-order': f.oneOf('null-order', ['nulls-first', 'nulls-last'] as const),
      };
    }),
  };
}

function parseTransformName(obj: JsonObject, key: string): string {
  const t = obj.string(key);
  if (!TRANSFORM.test(t)) obj.fail(key, `unknown transform ${JSON.stringify(t)}`);
  return t.replace(/\s+/g, '');
}
