// Proof that Apache Avro's own implementations read the manifests and manifest lists we write: Debian's
// python3-avro (apt package python3-avro, run with /usr/bin/python3) and the avro-js npm package. Values are
// compared field by field, including a 63-bit snapshot id that a double would round.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeManifest } from '../../../../core/iceberg/avro/manifest-writer.js';
import { encodeManifestList } from '../../../../core/iceberg/avro/manifest-list-writer.js';
import { DataContent, EntryStatus } from '../../../../core/iceberg/spec/manifest.js';
import type { ManifestEntry, ManifestFile } from '../../../../core/iceberg/spec/manifest.js';
import { parseLosslessJson } from '../../../../core/iceberg/spec/lossless-json.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const SNAPSHOT = 9158179788527662767n; // 63 bits: 9158179788527662767 as a double is ...2768
const PARENT = 7505300640432048841n;
const DUMP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'apache-avro-dump.py');

const schema: Schema = {
  type: 'struct',
  'schema-id': 1,
  fields: [
    { id: 1, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 2, name: 'shop id', required: false, type: 'string' },
    { id: 3, name: 'amount', required: false, type: 'decimal(12,2)' },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 1, 'field-id': 1000, name: 'event_time_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'shop id_bucket', transform: 'bucket[16]' },
    { 'source-id': 3, 'field-id': 1002, name: 'amount', transform: 'identity' },
    { 'source-id': 1, 'field-id': 1003, name: 'event_time', transform: 'identity' },
  ],
};
const entries: ManifestEntry[] = [0, 1].map((i) => ({
  status: EntryStatus.Added,
  snapshot_id: SNAPSHOT,
  sequence_number: null,
  file_sequence_number: null,
  data_file: {
    content: DataContent.Data,
    file_path: `s3://lake/silver/orders/data/event_time_day=2024-10-0${4 + i}/part-${i}.parquet`,
    file_format: 'PARQUET',
    partition: { event_time_day: 20000 + i, 'shop id_bucket': i === 0 ? 7 : null, amount: i === 0 ? '-12.30' : '99.99', event_time: 1727999999123456 + i },
    record_count: 150_000 + i,
    file_size_in_bytes: 2 ** 33 + i,
    column_sizes: new Map([[1, 1200], [3, 2 ** 40]]),
    value_counts: new Map([[1, 150_000 + i]]),
    null_value_counts: new Map([[2, i]]),
    nan_value_counts: new Map(),
    lower_bounds: new Map([[2, new TextEncoder().encode('shop-a')]]),
    upper_bounds: new Map([[2, new TextEncoder().encode('shop-z')]]),
    split_offsets: [4, 134217728],
    sort_order_id: 0,
  },
})); // prettier-ignore

let dir: string;
let manifestPath: string;
let listPath: string;
let listed: ManifestFile;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shoplake-avro-interop-'));
  manifestPath = path.join(dir, 'm0.avro');
  listPath = path.join(dir, `snap-${SNAPSHOT}-1-m.avro`);
  const { bytes, manifest } = encodeManifest({ schema, spec, entries, addedSnapshotId: SNAPSHOT });
  await writeFile(manifestPath, bytes);
  listed = { manifest_path: manifestPath, ...manifest };
  await writeFile(
    listPath,
    encodeManifestList({ snapshotId: SNAPSHOT, parentSnapshotId: PARENT, sequenceNumber: 5, manifests: [listed] }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Dump {
  meta: Record<string, string>;
  fieldIds: Record<string, number | null>;
  records: Record<string, unknown>[];
}

const python = (file: string): Dump =>
  parseLosslessJson(execFileSync('/usr/bin/python3', [DUMP, file], { encoding: 'utf8' })) as Dump;
const b64 = (bytes: Uint8Array): { $bytes: string } => ({ $bytes: Buffer.from(bytes).toString('base64') });
const kv = (m: Map<number, number | Uint8Array>) =>
  [...m].map(([key, value]) => ({ key, value: value instanceof Uint8Array ? b64(value) : value }));

describe('Apache Avro for Python (python3-avro) reads what we write', () => {
  it('reads our manifest: every value, the 63-bit snapshot id exact, logical types decoded', () => {
    const dump = python(manifestPath);
    expect(dump.records).toHaveLength(2);
    dump.records.forEach((r, i) => {
      const f = entries[i]!.data_file;
      expect(r).toEqual({
        status: 1,
        snapshot_id: SNAPSHOT,
        sequence_number: null,
        file_sequence_number: null,
        data_file: {
          content: 0,
          file_path: f.file_path,
          file_format: 'PARQUET',
          partition: {
            event_time_day: { $date: i === 0 ? '2024-10-04' : '2024-10-05' },
            shop_x20id_bucket: i === 0 ? 7 : null,
            amount: { $decimal: i === 0 ? '-12.30' : '99.99' },
            event_time: {
              $timestamp: i === 0 ? '2024-10-03T23:59:59.123456+00:00' : '2024-10-03T23:59:59.123457+00:00',
            },
          },
          record_count: f.record_count,
          file_size_in_bytes: f.file_size_in_bytes,
          column_sizes: kv(f.column_sizes!),
          value_counts: kv(f.value_counts!),
          null_value_counts: kv(f.null_value_counts!),
          nan_value_counts: [],
          lower_bounds: kv(f.lower_bounds!),
          upper_bounds: kv(f.upper_bounds!),
          key_metadata: null,
          split_offsets: [4, 134217728],
          equality_ids: null,
          sort_order_id: 0,
        },
      });
    });
  });

  it('sees the Iceberg field ids and the required header keys', () => {
    const dump = python(manifestPath);
    expect(dump.fieldIds).toMatchObject({
      status: 0,
      snapshot_id: 1,
      data_file: 2,
      'data_file.file_path': 100,
      'data_file.partition': 102,
      'data_file.partition.event_time_day': 1000,
      'data_file.partition.shop_x20id_bucket': 1001,
      'data_file.column_sizes[].key': 117,
      'data_file.column_sizes[].value': 118,
      'data_file.split_offsets[]': 133,
    });
    expect(Object.values(dump.fieldIds).every((id) => typeof id === 'number')).toBe(true);
    expect(dump.meta).toMatchObject({
      'format-version': '2',
      'partition-spec-id': '0',
      'schema-id': '1',
      content: 'data',
      'avro.codec': 'deflate',
    });
    expect(JSON.parse(dump.meta['partition-spec']!)).toEqual(
      spec.fields.map((f) => ({
        name: f.name,
        transform: f.transform,
        'source-id': f['source-id'],
        'field-id': f['field-id'],
      })),
    );
  });

  it('reads our manifest list, partition summaries and snapshot ids exact', () => {
    const dump = python(listPath);
    expect(dump.meta).toMatchObject({
      'snapshot-id': String(SNAPSHOT),
      'parent-snapshot-id': String(PARENT),
      'sequence-number': '5',
      'format-version': '2',
    });
    expect(dump.records).toEqual([
      {
        manifest_path: manifestPath,
        manifest_length: listed.manifest_length,
        partition_spec_id: 0,
        content: 0,
        sequence_number: 5,
        min_sequence_number: 5,
        added_snapshot_id: SNAPSHOT,
        added_files_count: 2,
        existing_files_count: 0,
        deleted_files_count: 0,
        added_rows_count: 300_001,
        existing_rows_count: 0,
        deleted_rows_count: 0,
        partitions: listed.partitions!.map((p) => ({
          contains_null: p.contains_null,
          contains_nan: false,
          lower_bound: b64(p.lower_bound!),
          upper_bound: b64(p.upper_bound!),
        })),
        key_metadata: null,
      },
    ]);
    expect(dump.fieldIds['partitions[].contains_null']).toBe(509);
  });
});

describe('Apache Avro for JavaScript (avro-js) reads what we write', () => {
  const require = createRequire(import.meta.url);
  // avro-js's index also loads a deprecated validator that needs `underscore`, which the package does not declare;
  // its file and schema modules are the implementation proper.
  const avro = {
    ...(require('avro-js/lib/files.js') as { createFileDecoder(path: string, opts: object): NodeJS.EventEmitter }),
    ...(require('avro-js/lib/schemas.js') as { types: { LongType: { using(methods: object): unknown } } }),
  };
  // avro-js refuses longs beyond 2^53 by default; its documented way out is a custom long type.
  const bigintLong = avro.types.LongType.using({
    fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
    toBuffer: (n: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(n));
      return b;
    },
    fromJSON: (x: number | string) => BigInt(x),
    toJSON: (n: bigint) => Number(n),
    isValid: (n: unknown) => typeof n === 'bigint',
    compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
  });
  const decode = (file: string): Promise<{ records: Record<string, unknown>[]; schema: unknown }> =>
    new Promise((resolve, reject) => {
      const records: Record<string, unknown>[] = [];
      let schema: unknown;
      avro
        .createFileDecoder(file, { parseOpts: { registry: { long: bigintLong } } })
        .on('metadata', (type: unknown) => (schema = type))
        .on('data', (r: Record<string, unknown>) => records.push(r))
        .on('error', reject)
        .on('end', () => resolve({ records, schema }));
    });

  it('reads our manifest with the exact 63-bit snapshot id', async () => {
    const { records } = await decode(manifestPath);
    expect(records).toHaveLength(2);
    // avro-js returns a non-null union value wrapped in an object keyed by its branch type ({ long: 1n }).
    for (const [i, r] of records.entries()) {
      const f = entries[i]!.data_file;
      expect(r.snapshot_id).toEqual({ long: SNAPSHOT });
      expect(r.sequence_number).toBeNull();
      const df = r.data_file as Record<string, unknown>;
      expect(df.file_path).toBe(f.file_path);
      expect(df.record_count).toBe(BigInt(f.record_count));
      expect(df.file_size_in_bytes).toBe(BigInt(f.file_size_in_bytes));
      const columnSizes = (df.column_sizes as { array: { key: number; value: bigint }[] }).array;
      expect(columnSizes.map((x) => [x.key, x.value])).toEqual([...f.column_sizes!].map(([k, v]) => [k, BigInt(v)]));
      expect(df.partition).toEqual({
        event_time_day: { int: 20000 + i },
        shop_x20id_bucket: i === 0 ? { int: 7 } : null,
        amount: { decimal_12_2: expect.any(Buffer) as unknown },
        event_time: { long: 1727999999123456 + i }, // a logical-type long: avro-js keeps its own (safe) long type
      });
      expect((df.split_offsets as { array: bigint[] }).array).toEqual([4n, 134217728n]);
    }
  });

  it('reads our manifest list with the exact snapshot id and counts', async () => {
    const { records } = await decode(listPath);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      manifest_path: manifestPath,
      added_snapshot_id: SNAPSHOT,
      sequence_number: 5n,
      added_files_count: 2,
      added_rows_count: 300_001n,
    });
  });
});
