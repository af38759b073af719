// Iceberg metadata codecs: metadata.json of a table with 1,000 snapshots (parse and write, against lossless-json
// on the same text), and manifests / manifest lists (encode and decode). `npm run bench -- iceberg-meta`.
import os from 'node:os';
import { parse as losslessParse, stringify as losslessStringify } from 'lossless-json';
import { decodeManifest } from '../core/iceberg/avro/manifest-reader.js';
import { decodeManifestList } from '../core/iceberg/avro/manifest-list-reader.js';
import { encodeManifest } from '../core/iceberg/avro/manifest-writer.js';
import { encodeManifestList } from '../core/iceberg/avro/manifest-list-writer.js';
import { DataContent, EntryStatus } from '../core/iceberg/spec/manifest.js';
import type { ManifestEntry, ManifestFile } from '../core/iceberg/spec/manifest.js';
import { newTableMetadata } from '../core/iceberg/spec/new-table-metadata.js';
import { snapshotSummary } from '../core/iceberg/spec/snapshot-summary.js';
import { parseTableMetadata, serializeTableMetadata } from '../core/iceberg/spec/table-metadata-json.js';
import type { Snapshot, TableMetadata } from '../core/iceberg/spec/table-metadata.js';
import type { Schema } from '../core/iceberg/spec/types.js';
import { fmt, median } from './lib.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'string' },
    { id: 2, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 3, name: 'shop_id', required: true, type: 'string' },
    { id: 4, name: 'total', required: false, type: 'decimal(12,2)' },
  ],
};
const spec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 2, 'field-id': 1000, name: 'event_time_day', transform: 'day' },
    { 'source-id': 3, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[16]' },
  ],
};

function tableWithSnapshots(n: number): TableMetadata {
  const m = newTableMetadata({ location: 's3://lake/silver/orders', schema, partitionSpec: spec, timestampMs: 1.7e12 });
  const snapshots: Snapshot[] = [];
  let parent: Snapshot | undefined;
  for (let i = 0; i < n; i++) {
    const id = 7505300640432048841n + BigInt(i) * 7919n;
    const file = {
      content: DataContent.Data,
      file_path: 'x',
      file_format: 'PARQUET' as const,
      partition: { d: i },
      record_count: 1000,
      file_size_in_bytes: 1 << 20,
    };
    const s: Snapshot = {
      'snapshot-id': id,
      'sequence-number': i + 1,
      'timestamp-ms': 1.7e12 + i * 60_000,
      'manifest-list': `s3://lake/silver/orders/metadata/snap-${id}-1-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.avro`,
      summary: snapshotSummary('append', { added: [file] }, parent?.summary, {
        'kafka.offsets': '{"orders":{"0":123456,"1":234567}}',
      }),
      'schema-id': 0,
    };
    if (parent) s['parent-snapshot-id'] = parent['snapshot-id'];
    snapshots.push(s);
    parent = s;
  }
  return {
    ...m,
    'last-sequence-number': n,
    snapshots,
    'current-snapshot-id': parent!['snapshot-id'],
    refs: { main: { 'snapshot-id': parent!['snapshot-id'], type: 'branch' } },
    'snapshot-log': snapshots.map((s) => ({ 'timestamp-ms': s['timestamp-ms'], 'snapshot-id': s['snapshot-id'] })),
    'metadata-log': snapshots.slice(-100).map((s, i) => ({ 'timestamp-ms': s['timestamp-ms'], 'metadata-file': `s3://lake/silver/orders/metadata/v${i}.metadata.json` })),
  }; // prettier-ignore
}

const number = (s: string): unknown => {
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : BigInt(s);
  }
  return Number(s);
};

const RUNS = 15;

/**
 * Runs `fn` (synchronous) `runs` times after `warmup` runs; returns the median wall and CPU (user + system) ms.
 * The machine is shared, so CPU time is the figure to quote: wall time grows with the load average.
 */
function measure(fn: () => unknown, warmup = 3, runs = RUNS): { wall: number; cpu: number } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}
const show = (m: { wall: number; cpu: number }): string => `${fmt(m.cpu, 1)} ms CPU (${fmt(m.wall, 1)} ms wall)`;
const metadata = tableWithSnapshots(1000);
const text = serializeTableMetadata(metadata);
const parse = measure(() => parseTableMetadata(text, 'bench'));
const write = measure(() => serializeTableMetadata(metadata));
const llParse = measure(() => losslessParse(text, null, number));
const parsedLl = losslessParse(text, null, number);
const llWrite = measure(() => losslessStringify(parsedLl));
console.log(
  `metadata.json, 1,000 snapshots, ${fmt(text.length / 1024)} KB (load average ${os.loadavg()[0]!.toFixed(1)})`,
);
console.log(`  parseTableMetadata (parse + validate)  ${show(parse)}`);
console.log(`  lossless-json parse only               ${show(llParse)}   ratio ${fmt(llParse.cpu / parse.cpu, 1)}x`);
console.log(`  serializeTableMetadata                 ${show(write)}`);
console.log(`  lossless-json stringify                ${show(llWrite)}   ratio ${fmt(llWrite.cpu / write.cpu, 1)}x`);

const ENTRIES = 10_000;
const entries: ManifestEntry[] = Array.from({ length: ENTRIES }, (_, i) => ({
  status: EntryStatus.Added,
  snapshot_id: 9158179788527662767n,
  sequence_number: null,
  file_sequence_number: null,
  data_file: {
    content: DataContent.Data,
    file_path: `s3://lake/silver/orders/data/event_time_day=2026-11-${10 + (i % 20)}/shop_id_bucket=${i % 16}/00000-${i}-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-00001.parquet`,
    file_format: 'PARQUET',
    partition: { event_time_day: 20400 + (i % 20), shop_id_bucket: i % 16 },
    record_count: 100_000,
    file_size_in_bytes: 128 * 1024 * 1024,
    column_sizes: new Map([[1, 1e6], [2, 4e5], [3, 2e5], [4, 3e5]]),
    value_counts: new Map([[1, 1e5], [2, 1e5], [3, 1e5], [4, 1e5]]),
    null_value_counts: new Map([[1, 0], [2, 0], [3, 0], [4, 12]]),
    nan_value_counts: new Map(),
    lower_bounds: new Map([[1, new TextEncoder().encode('ord-000000000000')], [2, new Uint8Array(8)], [3, new TextEncoder().encode('shop-0001')]]),
    upper_bounds: new Map([[1, new TextEncoder().encode('ord-999999999999')], [2, new Uint8Array(8)], [3, new TextEncoder().encode('shop-9999')]]),
    split_offsets: [4],
    sort_order_id: 0,
  },
})); // prettier-ignore
const encoded = encodeManifest({ schema, spec, entries, addedSnapshotId: 9158179788527662767n });
const enc = measure(() => encodeManifest({ schema, spec, entries, addedSnapshotId: 9158179788527662767n }), 2);
const dec = measure(() => decodeManifest(encoded.bytes, 'bench'), 2);
console.log(
  `manifest, ${fmt(ENTRIES)} entries partitioned by day and bucket, ${fmt(encoded.bytes.length / 1024)} KB deflate`,
);
console.log(`  encode ${show(enc)}: ${fmt(ENTRIES / (enc.cpu / 1000))} entries per CPU-s`);
console.log(`  decode ${show(dec)}: ${fmt(ENTRIES / (dec.cpu / 1000))} entries per CPU-s`);

const manifests: ManifestFile[] = Array.from({ length: 1000 }, (_, i) => ({ ...encoded.manifest, manifest_path: `s3://lake/silver/orders/metadata/${i}-m0.avro`, sequence_number: i + 1, min_sequence_number: i + 1 })); // prettier-ignore
const listBytes = encodeManifestList({ snapshotId: 9158179788527662767n, sequenceNumber: 2000, manifests });
const listEnc = measure(
  () => encodeManifestList({ snapshotId: 9158179788527662767n, sequenceNumber: 2000, manifests }),
  2,
);
const listDec = measure(() => decodeManifestList(listBytes, 'bench'), 2);
console.log(`manifest list, 1,000 manifests, ${fmt(listBytes.length / 1024)} KB`);
console.log(`  encode ${show(listEnc)}   decode ${show(listDec)}`);
