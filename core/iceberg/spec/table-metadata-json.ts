// metadata.json <-> TableMetadata (format/spec.md "Table Metadata" and Appendix C). Reads v2 and, where cheap,
// v1 (filling the v2 defaults of Appendix E, so a v1 table comes back in v2 shape, its format-version kept at 1);
// writes v2 only, and refuses v1 metadata rather than upgrading a table silently.
// Snapshot ids stay exact (bigint). Every problem is an InvalidMetadataError naming the file and the key.
import { InvalidMetadataError, JsonObject } from './json-object.js';
import { parseLosslessJson, stringifyLosslessJson } from './lossless-json.js';
import { parsePartitionFieldsJson, parsePartitionSpecJson, parseSortOrderJson } from './partition-spec-json.js';
import { parseSchemaJson } from './schema-json.js';
import { schemaToJson } from './schema.js';
import type { PartitionSpec, SortOrder } from './partition-spec.js';
import type {
  MetadataLogEntry,
  Snapshot,
  SnapshotLogEntry,
  SnapshotRef,
  SnapshotSummary,
  TableMetadata,
} from './table-metadata.js';

const OPERATIONS = ['append', 'replace', 'overwrite', 'delete'] as const;

/** Parses and validates metadata.json text. `source` (the file location) is named in every error. */
export function parseTableMetadata(text: string, source: string): TableMetadata {
  if (text.trim() === '') throw new InvalidMetadataError(source, '', 'is empty');
  let value: unknown;
  try {
    value = parseLosslessJson(text);
  } catch (err) {
    throw new InvalidMetadataError(source, '', `is not valid JSON: ${(err as Error).message}`);
  }
  const root = JsonObject.of(value, source);
  const version = root.int('format-version');
  if (version !== 1 && version !== 2) {
    root.fail('format-version', `is ${version}; this implementation reads format versions 1 and 2`);
  }
  const v1 = version === 1;

  const schemas =
    v1 && !root.has('schemas') ? [parseSchemaJson(root.value.schema, source, 'schema', true)] : parseSchemas(root, v1);
  const specs =
    v1 && !root.has('partition-specs')
      ? [{ 'spec-id': 0, fields: parsePartitionFieldsJson(root.value['partition-spec'], source, 'partition-spec') }]
      : root.array('partition-specs', (x, path) => parsePartitionSpecJson(x, source, path, v1));
  const sortOrders: SortOrder[] =
    v1 && !root.has('sort-orders')
      ? [{ 'order-id': 0, fields: [] }]
      : root.array('sort-orders', (x, path) => parseSortOrderJson(x, source, path));

  const m: TableMetadata = {
    'format-version': v1 ? 1 : 2,
    'table-uuid': v1 ? (root.optString('table-uuid') ?? '') : root.string('table-uuid'),
    location: root.string('location'),
    'last-sequence-number': v1
      ? (root.optSafeLong('last-sequence-number') ?? 0)
      : root.safeLong('last-sequence-number'),
    'last-updated-ms': root.safeLong('last-updated-ms'),
    'last-column-id': root.int('last-column-id'),
    schemas,
    'current-schema-id': v1
      ? (root.optInt('current-schema-id') ?? schemas[0]!['schema-id'])
      : root.int('current-schema-id'),
    'partition-specs': specs,
    'default-spec-id': v1 ? (root.optInt('default-spec-id') ?? 0) : root.int('default-spec-id'),
    'last-partition-id': v1
      ? (root.optInt('last-partition-id') ?? lastPartitionId(specs))
      : root.int('last-partition-id'),
    'sort-orders': sortOrders,
    'default-sort-order-id': v1 ? (root.optInt('default-sort-order-id') ?? 0) : root.int('default-sort-order-id'),
  };
  m.properties = root.has('properties') ? root.stringMap('properties') : {};
  const current = root.optLong('current-snapshot-id');
  m['current-snapshot-id'] = current === undefined || current === -1n ? null : current;
  m.snapshots = root.optObjects('snapshots')?.map((s) => parseSnapshot(s, v1)) ?? [];
  // "There is always a main branch reference pointing to the current-snapshot-id even if the refs map is null."
  m.refs = root.has('refs') ? parseRefs(root.object('refs')) : {};
  if (m['current-snapshot-id'] !== null && !m.refs.main) {
    m.refs.main = { 'snapshot-id': m['current-snapshot-id'], type: 'branch' };
  }
  m['snapshot-log'] =
    root.optObjects('snapshot-log')?.map((e): SnapshotLogEntry => ({
      'timestamp-ms': e.safeLong('timestamp-ms'),
      'snapshot-id': e.long('snapshot-id'),
    })) ?? [];
  m['metadata-log'] =
    root.optObjects('metadata-log')?.map((e): MetadataLogEntry => ({
      'timestamp-ms': e.safeLong('timestamp-ms'),
      'metadata-file': e.string('metadata-file'),
    })) ?? [];
  m.statistics = root.optArray('statistics', (x) => x) ?? [];
  m['partition-statistics'] = root.optArray('partition-statistics', (x) => x) ?? [];
  validateTableMetadata(m, source);
  return m;
}

/** Writes v2 metadata.json text (compact, keys in the order Iceberg Java writes them). Validates first. */
export function serializeTableMetadata(m: TableMetadata): string {
  validateTableMetadata(m, 'table metadata to write');
  if (m['format-version'] !== 2) {
    throw new InvalidMetadataError(
      'table metadata to write',
      'format-version',
      `is ${m['format-version']}: writing v1 metadata is not supported; upgrade the table at ${m.location} to ` +
        `format-version 2 first (set the table property format-version=2)`,
    );
  }
  if (m['table-uuid'] === '') {
    throw new InvalidMetadataError(
      'table metadata to write',
      'table-uuid',
      'is required in v2 (the v1 table had none)',
    );
  }
  const out: Record<string, unknown> = {
    'format-version': 2,
    'table-uuid': m['table-uuid'],
    location: m.location,
    'last-sequence-number': m['last-sequence-number'],
    'last-updated-ms': m['last-updated-ms'],
    'last-column-id': m['last-column-id'],
    'current-schema-id': m['current-schema-id'],
    schemas: m.schemas.map(schemaToJson),
    'default-spec-id': m['default-spec-id'],
    'partition-specs': m['partition-specs'].map(specToJson),
    'last-partition-id': m['last-partition-id'],
    'default-sort-order-id': m['default-sort-order-id'],
    'sort-orders': m['sort-orders'].map(sortOrderToJson),
    properties: m.properties ?? {},
    // Iceberg Java writes -1 for "no current snapshot" in v1/v2 tables; every reader accepts it.
    'current-snapshot-id': m['current-snapshot-id'] ?? -1,
    refs: refsToJson(m),
    snapshots: (m.snapshots ?? []).map(snapshotToJson),
    statistics: m.statistics ?? [],
    'partition-statistics': m['partition-statistics'] ?? [],
    'snapshot-log': (m['snapshot-log'] ?? []).map((e) => ({
      'timestamp-ms': e['timestamp-ms'],
      'snapshot-id': e['snapshot-id'],
    })),
    'metadata-log': (m['metadata-log'] ?? []).map((e) => ({
      'timestamp-ms': e['timestamp-ms'],
      'metadata-file': e['metadata-file'],
    })),
  };
  return stringifyLosslessJson(out);
}

/**
 * Checks the cross-references a reader relies on: the current schema, default spec and sort order exist, ids are
 * unique, the current snapshot and every ref point at a known snapshot, main agrees with current-snapshot-id, and
 * no snapshot is newer than last-sequence-number.
 */
export function validateTableMetadata(m: TableMetadata, source: string): void {
  const fail = (path: string, reason: string): never => {
    throw new InvalidMetadataError(source, path, reason);
  };
  if (m['format-version'] !== 1 && m['format-version'] !== 2) {
    fail('format-version', `must be 1 or 2, got ${String(m['format-version'])}`);
  }
  if (
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(m['table-uuid']) &&
    m['table-uuid'] !== ''
  ) {
    fail('table-uuid', `is not a UUID: ${m['table-uuid']}`);
  }
  unique(
    m.schemas.map((s) => s['schema-id']),
    'schemas',
    'schema-id',
    fail,
  );
  unique(
    m['partition-specs'].map((s) => s['spec-id']),
    'partition-specs',
    'spec-id',
    fail,
  );
  unique(
    m['sort-orders'].map((s) => s['order-id']),
    'sort-orders',
    'order-id',
    fail,
  );
  if (!m.schemas.some((s) => s['schema-id'] === m['current-schema-id'])) {
    fail('current-schema-id', `${m['current-schema-id']} is not in schemas`);
  }
  if (!m['partition-specs'].some((s) => s['spec-id'] === m['default-spec-id'])) {
    fail('default-spec-id', `${m['default-spec-id']} is not in partition-specs`);
  }
  if (!m['sort-orders'].some((s) => s['order-id'] === m['default-sort-order-id'])) {
    fail('default-sort-order-id', `${m['default-sort-order-id']} is not in sort-orders`);
  }
  const snapshots = new Map<bigint, Snapshot>();
  for (const [i, s] of (m.snapshots ?? []).entries()) {
    if (snapshots.has(s['snapshot-id'])) fail(`snapshots[${i}].snapshot-id`, `${s['snapshot-id']} appears twice`);
    if (s['sequence-number'] > m['last-sequence-number']) {
      fail(
        `snapshots[${i}].sequence-number`,
        `${s['sequence-number']} is above last-sequence-number ${m['last-sequence-number']}`,
      );
    }
    snapshots.set(s['snapshot-id'], s);
  }
  const current = m['current-snapshot-id'] ?? null;
  if (current !== null && !snapshots.has(current)) fail('current-snapshot-id', `${current} is not in snapshots`);
  for (const [name, ref] of Object.entries(m.refs ?? {})) {
    if (!snapshots.has(ref['snapshot-id']))
      fail(`refs.${name}.snapshot-id`, `${ref['snapshot-id']} is not in snapshots`);
  }
  const main = m.refs?.main?.['snapshot-id'] ?? null;
  if (m.refs?.main && main !== current) fail('refs.main', `points at ${main} but current-snapshot-id is ${current}`);
}

function parseSchemas(root: JsonObject, v1: boolean) {
  return root.array('schemas', (x, path) => parseSchemaJson(x, root.source, path, v1));
}

function parseSnapshot(s: JsonObject, v1: boolean): Snapshot {
  if (!s.has('manifest-list')) {
    if (v1 && s.has('manifests')) s.fail('manifests', 'v1 snapshots with an inline manifest list are not supported');
    s.fail('manifest-list', 'is required but missing');
  }
  const summaryObj = s.optObject('summary');
  let summary: SnapshotSummary;
  if (summaryObj === undefined) {
    if (!v1) s.fail('summary', 'is required but missing');
    summary = { operation: 'append' };
  } else {
    const map = s.stringMap('summary');
    summary = { ...map, operation: summaryObj.oneOf('operation', OPERATIONS) };
  }
  const snapshot: Snapshot = {
    'snapshot-id': s.long('snapshot-id'),
    'sequence-number': v1 ? (s.optSafeLong('sequence-number') ?? 0) : s.safeLong('sequence-number'),
    'timestamp-ms': s.safeLong('timestamp-ms'),
    'manifest-list': s.string('manifest-list'),
    summary,
  };
  const parent = s.optLong('parent-snapshot-id');
  if (parent !== undefined) snapshot['parent-snapshot-id'] = parent;
  const schemaId = s.optInt('schema-id');
  if (schemaId !== undefined) snapshot['schema-id'] = schemaId;
  return snapshot;
}

function parseRefs(obj: JsonObject): Record<string, SnapshotRef> {
  const refs: Record<string, SnapshotRef> = {};
  for (const name of Object.keys(obj.value)) {
    const r = obj.object(name);
    const ref: SnapshotRef = {
      'snapshot-id': r.long('snapshot-id'),
      type: r.oneOf('type', ['branch', 'tag'] as const),
    };
    const maxRefAge = r.optSafeLong('max-ref-age-ms');
    if (maxRefAge !== undefined) ref['max-ref-age-ms'] = maxRefAge;
    const maxSnapshotAge = r.optSafeLong('max-snapshot-age-ms');
    if (maxSnapshotAge !== undefined) ref['max-snapshot-age-ms'] = maxSnapshotAge;
    const minSnapshots = r.optInt('min-snapshots-to-keep');
    if (minSnapshots !== undefined) ref['min-snapshots-to-keep'] = minSnapshots;
    refs[name] = ref;
  }
  return refs;
}

function lastPartitionId(specs: PartitionSpec[]): number {
  return Math.max(999, ...specs.flatMap((s) => s.fields.map((f) => f['field-id'])));
}

function unique(ids: number[], path: string, key: string, fail: (path: string, reason: string) => never): void {
  const seen = new Set<number>();
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) fail(`${path}[${i}].${key}`, `${id} appears twice`);
    seen.add(id);
  }
}

function specToJson(spec: PartitionSpec) {
  return {
    'spec-id': spec['spec-id'],
    fields: spec.fields.map((f) => ({
      name: f.name,
      transform: f.transform,
      'source-id': f['source-id'],
      'field-id': f['field-id'],
    })),
  };
}

function sortOrderToJson(order: SortOrder) {
  return {
    'order-id': order['order-id'],
    fields: order.fields.map((f) => ({
      transform: f.transform,
      'source-id': f['source-id'],
      direction: f.direction,
      'null-order': f['null-order'],
    })),
  };
}

/**
 * "There is always a `main` branch reference pointing to the `current-snapshot-id`": written first, also when
 * the metadata was built without it (validateTableMetadata already refused a main that disagrees).
 */
function refsToJson(m: TableMetadata): Record<string, unknown> {
  const current = m['current-snapshot-id'] ?? null;
  const all: Record<string, SnapshotRef> =
    current === null || m.refs?.main ? { ...m.refs } : { main: { 'snapshot-id': current, type: 'branch' }, ...m.refs };
  const refs: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(all)) {
    refs[name] = {
      'snapshot-id': r['snapshot-id'],
      type: r.type,
      'max-ref-age-ms': r['max-ref-age-ms'],
      'max-snapshot-age-ms': r['max-snapshot-age-ms'],
      'min-snapshots-to-keep': r['min-snapshots-to-keep'],
    };
  }
  return refs;
}

function snapshotToJson(s: Snapshot) {
  return {
    'sequence-number': s['sequence-number'],
    'snapshot-id': s['snapshot-id'],
    'parent-snapshot-id': s['parent-snapshot-id'],
    'timestamp-ms': s['timestamp-ms'],
    summary: s.summary,
    'manifest-list': s['manifest-list'],
    'schema-id': s['schema-id'],
  };
}
