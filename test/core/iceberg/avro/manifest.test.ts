import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAvroContainer } from '../../../../core/iceberg/avro/container-reader.js';
import { writeAvroContainer } from '../../../../core/iceberg/avro/container-writer.js';
import { AvroValueError } from '../../../../core/iceberg/avro/errors.js';
import { decodeManifest, readManifest, readManifestContents } from '../../../../core/iceberg/avro/manifest-reader.js';
import { decodeManifestList, readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import {
  encodeManifest,
  UNASSIGNED_SEQUENCE_NUMBER,
  writeManifest,
} from '../../../../core/iceberg/avro/manifest-writer.js';
import { encodeManifestList, writeManifestList } from '../../../../core/iceberg/avro/manifest-list-writer.js';
import { DataContent, EntryStatus, ManifestContent } from '../../../../core/iceberg/spec/manifest.js';
import type { DataFile, ManifestEntry } from '../../../../core/iceberg/spec/manifest.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { fromBinary } from '../../../../core/iceberg/spec/values.js';
import {
  FIXTURE_TABLES,
  ICEBERG_FIXTURES,
  fixtureMetadataFiles,
  fixturePath,
} from '../../../support/iceberg-fixtures.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const SNAPSHOT = 9158179788527662767n; // above 2^53: must survive exactly

describe('reading the manifests and manifest lists of Spark, Java and Athena', () => {
  const lists = FIXTURE_TABLES.flatMap((t) => fixtureMetadataFiles(t, /^snap-.*\.avro$/));

  it('finds every manifest list', () => {
    expect(lists).toHaveLength(7);
  });

  it.each(lists)('%s and its manifests', (file) => {
    const snapshotId = BigInt(/snap-(\d+)-/.exec(file)![1]!);
    const manifests = decodeManifestList(readFileSync(file), file);
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.some((m) => m.added_snapshot_id === snapshotId)).toBe(true);
    for (const mf of manifests) {
      const local = fixturePath(mf.manifest_path);
      const { metadata, entries } = decodeManifest(readFileSync(local), local, mf);
      expect(metadata.formatVersion).toBe(2);
      expect(metadata.content).toBe(mf.content);
      expect(metadata.partitionSpec['spec-id']).toBe(mf.partition_spec_id);
      expect(entries.filter((e) => e.status === EntryStatus.Added)).toHaveLength(mf.added_files_count);
      expect(entries.filter((e) => e.status === EntryStatus.Existing)).toHaveLength(mf.existing_files_count);
      expect(entries.filter((e) => e.status === EntryStatus.Deleted)).toHaveLength(mf.deleted_files_count);
      const added = entries
        .filter((e) => e.status === EntryStatus.Added)
        .reduce((n, e) => n + e.data_file.record_count, 0);
      expect(added).toBe(mf.added_rows_count);
      for (const e of entries) {
        expect(typeof e.snapshot_id).toBe('bigint');
        expect(e.sequence_number).not.toBeNull();
        expect(e.sequence_number!).toBeLessThanOrEqual(mf.sequence_number);
        expect(e.data_file.file_format).toBe('PARQUET');
        expect(e.data_file.content !== DataContent.Data).toBe(mf.content === ManifestContent.Deletes);
      }
    }
  });

  it('reads the Athena manifest with the values Athena wrote', async () => {
    const io = new MemoryFileIO();
    const listPath = `${ICEBERG_FIXTURES}/athena/example/metadata/snap-6838723292707092922-1-3d82674b-df1e-49b5-a7a9-05b61567065a.avro`;
    io.files.set('list', new Uint8Array(readFileSync(listPath)));
    const [mf] = await readManifestList(io, 'list');
    expect(mf).toMatchObject({
      manifest_path: 's3://hyperparam-iceberg/athena/example/metadata/3d82674b-df1e-49b5-a7a9-05b61567065a-m0.avro',
      manifest_length: 6702,
      partition_spec_id: 0,
      content: 0,
      sequence_number: 1,
      min_sequence_number: 1,
      added_snapshot_id: 6838723292707092922n,
      added_files_count: 1,
      added_rows_count: 2,
      partitions: [],
    });
    io.files.set(mf!.manifest_path, new Uint8Array(readFileSync(fixturePath(mf!.manifest_path))));
    const [entry] = await readManifest(io, mf!.manifest_path, mf);
    expect(entry!.status).toBe(EntryStatus.Added);
    expect(entry!.snapshot_id).toBe(6838723292707092922n);
    expect(entry!.sequence_number).toBe(1); // null in the file: inherited
    expect(entry!.file_sequence_number).toBe(1);
    const f = entry!.data_file;
    expect(f.file_path).toMatch(/athena\/example\/data\/sNoYhg\/.*\.parquet$/);
    expect([f.record_count, f.file_size_in_bytes, f.sort_order_id]).toEqual([2, 345, 0]);
    expect(f.column_sizes).toEqual(
      new Map([
        [1, 44],
        [2, 52],
      ]),
    );
    expect(f.value_counts).toEqual(
      new Map([
        [1, 2],
        [2, 2],
      ]),
    );
    expect(f.nan_value_counts).toEqual(new Map());
    expect(fromBinary('int', f.lower_bounds!.get(1)!)).toBe(1);
    expect(fromBinary('string', f.upper_bounds!.get(2)!)).toBe('Bob');
    expect(f.split_offsets).toBeNull();
    const contents = await readManifestContents(io, mf!.manifest_path);
    expect(contents.entries[0]!.sequence_number).toBeNull(); // without the list entry nothing is inherited
    expect(contents.metadata.schema.fields.map((x) => x.name)).toEqual(['id', 'name']);
  });

  it('keeps explicit sequence numbers of existing and deleted entries (Spark overwrite)', () => {
    const path = `${ICEBERG_FIXTURES}/spark/bunnies/metadata/91d5eea0-314d-4056-8818-59b825cbd38a-m0.avro`;
    const list = decodeManifestList(
      readFileSync(fixtureMetadataFiles('spark/bunnies', /^snap-2701171901096418979/)[0]!),
      'l',
    );
    const listed = list.find((m) => m.manifest_path.endsWith('91d5eea0-314d-4056-8818-59b825cbd38a-m0.avro'))!;
    const [entry] = decodeManifest(readFileSync(path), path, listed).entries;
    expect(listed.sequence_number).toBe(3);
    expect(entry!.status).toBe(EntryStatus.Deleted);
    expect(entry!.sequence_number).toBe(1);
    expect(entry!.snapshot_id).toBe(2701171901096418979n);
  });

  it('reads the equality-delete ids Iceberg Java wrote', () => {
    const path = `${ICEBERG_FIXTURES}/java/bunnies/metadata/a01399a1-e864-4562-b921-c8cb56e6e4a9-m1.avro`;
    const { metadata, entries } = decodeManifest(readFileSync(path), path);
    expect(metadata.content).toBe(ManifestContent.Deletes);
    expect(entries[0]!.data_file.content).toBe(DataContent.EqualityDeletes);
    expect(entries[0]!.data_file.equality_ids!.length).toBeGreaterThan(0);
  });
});

const schema: Schema = {
  type: 'struct',
  'schema-id': 4,
  fields: [
    { id: 1, name: 'event time', required: true, type: 'timestamptz' },
    { id: 2, name: 'shop_id', required: false, type: 'long' },
    { id: 3, name: 'amount', required: false, type: 'decimal(20,4)' },
    { id: 4, name: 'order_id', required: false, type: 'uuid' },
    { id: 5, name: 'sku', required: false, type: 'string' },
    { id: 6, name: 'score', required: false, type: 'double' },
    { id: 7, name: 'flag', required: false, type: 'boolean' },
    { id: 8, name: 'raw', required: false, type: 'binary' },
    { id: 9, name: 'code', required: false, type: 'fixed[3]' },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 2,
  fields: [
    { 'source-id': 1, 'field-id': 1000, name: 'event time_day', transform: 'day' },
    { 'source-id': 1, 'field-id': 1001, name: 'event time_hour', transform: 'hour' },
    { 'source-id': 2, 'field-id': 1002, name: 'shop_id', transform: 'identity' },
    { 'source-id': 2, 'field-id': 1003, name: 'shop_id_bucket', transform: 'bucket[16]' },
    { 'source-id': 3, 'field-id': 1004, name: 'amount', transform: 'identity' },
    { 'source-id': 4, 'field-id': 1005, name: 'order_id', transform: 'identity' },
    { 'source-id': 5, 'field-id': 1006, name: 'sku_trunc', transform: 'truncate[4]' },
    { 'source-id': 6, 'field-id': 1007, name: 'score', transform: 'identity' },
    { 'source-id': 7, 'field-id': 1008, name: 'flag', transform: 'identity' },
    { 'source-id': 8, 'field-id': 1009, name: 'raw', transform: 'identity' },
    { 'source-id': 9, 'field-id': 1010, name: 'code', transform: 'identity' },
    { 'source-id': 1, 'field-id': 1011, name: 'event time', transform: 'identity' },
  ],
};

function dataFile(i: number, partition: Record<string, unknown>, content = DataContent.Data): DataFile {
  return {
    content,
    file_path: `s3://lake/silver/orders/data/part-${i}.parquet`,
    file_format: 'PARQUET',
    partition,
    record_count: 1000 + i,
    file_size_in_bytes: 2 ** 40 + i,
    column_sizes: new Map([
      [1, 100 + i],
      [2, 2 ** 45],
    ]),
    value_counts: new Map([[1, 1000 + i]]),
    null_value_counts: new Map([[2, i]]),
    nan_value_counts: new Map([[6, 0]]),
    lower_bounds: new Map([[5, utf8('aaa')]]),
    upper_bounds: new Map([[5, utf8(`zz${i}`)]]),
    key_metadata: i === 1 ? Uint8Array.of(1, 2) : null,
    split_offsets: [4, 1 << 20],
    equality_ids: content === DataContent.EqualityDeletes ? [1, 2] : null,
    sort_order_id: content === DataContent.PositionDeletes ? null : 0,
  };
}

const partitions: Record<string, unknown>[] = [
  {
    'event time_day': 20000, 'event time_hour': 480000, shop_id: 9007199254740993n, shop_id_bucket: 3,
    amount: '-12.3400', order_id: '0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb', sku_trunc: 'abcd', score: -0, flag: false,
    raw: Uint8Array.of(0), code: Uint8Array.of(1, 2, 3), 'event time': 1743310454186000,
  },
  {
    'event time_day': 19999, 'event time_hour': null, shop_id: -5, shop_id_bucket: null, amount: '99999999999999.9999',
    order_id: null, sku_trunc: 'zz', score: Number.NaN, flag: true, raw: Uint8Array.of(255, 1), code: Uint8Array.of(0, 0, 0),
    'event time': 0,
  },
  {
    'event time_day': 20001, 'event time_hour': 480010, shop_id: null, shop_id_bucket: 15, amount: null,
    order_id: 'ec5911be-b0a7-458c-8438-c9a3e53cffae', sku_trunc: null, score: 0, flag: null, raw: null, code: null,
    'event time': null,
  },
]; // prettier-ignore

const entries: ManifestEntry[] = partitions.map((p, i) => ({
  status: EntryStatus.Added,
  snapshot_id: SNAPSHOT,
  sequence_number: null,
  file_sequence_number: null,
  data_file: dataFile(i, p),
}));

describe('writing manifests and manifest lists', () => {
  it('writes a partitioned manifest that reads back identically, with inheritance from the list', async () => {
    const io = new MemoryFileIO();
    const mf = await writeManifest(io, 's3://lake/silver/orders/metadata/a-m0.avro', {
      schema,
      spec,
      entries,
      addedSnapshotId: SNAPSHOT,
    });
    expect(mf).toMatchObject({
      manifest_path: 's3://lake/silver/orders/metadata/a-m0.avro',
      manifest_length: io.files.get(mf.manifest_path)!.length,
      partition_spec_id: 2,
      content: ManifestContent.Data,
      sequence_number: UNASSIGNED_SEQUENCE_NUMBER,
      min_sequence_number: UNASSIGNED_SEQUENCE_NUMBER,
      added_snapshot_id: SNAPSHOT,
      added_files_count: 3,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_rows_count: 3003,
    });
    const raw = await readManifestContents(io, mf.manifest_path);
    expect(raw.entries).toEqual(entries);
    expect(raw.metadata.schema).toEqual(schema);
    expect(raw.metadata.partitionSpec).toEqual(spec);

    const [listed] = await writeManifestList(io, 's3://lake/silver/orders/metadata/snap-1.avro', {
      snapshotId: SNAPSHOT,
      parentSnapshotId: 7505300640432048841n,
      sequenceNumber: 12,
      manifests: [mf],
    });
    const [read] = await readManifestList(io, 's3://lake/silver/orders/metadata/snap-1.avro');
    expect(read).toEqual(listed);
    expect(read!.sequence_number).toBe(12);
    expect(read!.min_sequence_number).toBe(12);
    const inherited = await readManifest(io, mf.manifest_path, read);
    expect(inherited.map((e) => [e.snapshot_id, e.sequence_number, e.file_sequence_number])).toEqual([
      [SNAPSHOT, 12, 12],
      [SNAPSHOT, 12, 12],
      [SNAPSHOT, 12, 12],
    ]);
  });

  it('summarizes each partition field: nulls, NaN, and bounds in Appendix D form', () => {
    const { manifest } = encodeManifest({ schema, spec, entries, addedSnapshotId: SNAPSHOT });
    const s = manifest.partitions!;
    const types = [
      'date',
      'int',
      'long',
      'int',
      'decimal(20,4)',
      'uuid',
      'string',
      'double',
      'boolean',
      'binary',
      'fixed[3]',
      'timestamptz',
    ] as const;
    const bounds = s.map((p, i) => [
      p.contains_null,
      p.contains_nan,
      p.lower_bound && fromBinary(types[i]!, p.lower_bound),
      p.upper_bound && fromBinary(types[i]!, p.upper_bound),
    ]);
    expect(bounds).toEqual([
      [false, false, 19999, 20001],
      [true, false, 480000, 480010],
      [true, false, -5, 9007199254740993n],
      [true, false, 3, 15],
      [true, false, '-12.3400', '99999999999999.9999'],
      [true, false, '0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb', 'ec5911be-b0a7-458c-8438-c9a3e53cffae'],
      [true, false, 'abcd', 'zz'],
      [false, true, -0, 0],
      [true, false, false, true],
      [true, false, Uint8Array.of(0), Uint8Array.of(255, 1)],
      [true, false, Uint8Array.of(0, 0, 0), Uint8Array.of(1, 2, 3)],
      [true, false, 0, 1743310454186000],
    ]); // prettier-ignore
    expect(Object.is(bounds[7]![2], -0)).toBe(true); // -0.0 is the lower bound, +0.0 the upper
    expect(Object.is(bounds[7]![3], 0)).toBe(true);
  });

  it('writes the header Athena wrote, byte for byte where the table matches', () => {
    const athena = readAvroContainer(
      readFileSync(`${ICEBERG_FIXTURES}/athena/example/metadata/3d82674b-df1e-49b5-a7a9-05b61567065a-m0.avro`),
      'athena',
    );
    const athenaSchema: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'id', required: false, type: 'int' },
        { id: 2, name: 'name', required: false, type: 'string' },
      ],
    };
    const ours = readAvroContainer(
      encodeManifest({ schema: athenaSchema, spec: { 'spec-id': 0, fields: [] }, entries: [], addedSnapshotId: 1n })
        .bytes,
      'ours',
    );
    for (const key of [
      'avro.schema',
      'iceberg.schema',
      'schema',
      'partition-spec',
      'partition-spec-id',
      'format-version',
      'content',
      'avro.codec',
    ]) {
      expect(ours.metadata[key], key).toBe(athena.metadata[key]);
    }
    expect(ours.metadata['schema-id']).toBe('0'); // required by the v2 spec; Athena leaves it out
    const java = readAvroContainer(readFileSync(fixtureMetadataFiles('java/bunnies', /^snap-9158/)[0]!), 'java');
    const list = readAvroContainer(encodeManifestList({ snapshotId: 1n, sequenceNumber: 1, manifests: [] }), 'list');
    expect(list.metadata['avro.schema']).toBe(java.metadata['avro.schema']);
    expect(list.metadata['iceberg.schema']).toBe(java.metadata['iceberg.schema']);
    expect(list.metadata['parent-snapshot-id']).toBe('null');
  });

  it('keeps Iceberg field ids on every field of the partition struct, with Java-sanitized names', () => {
    const c = readAvroContainer(encodeManifest({ schema, spec, entries, addedSnapshotId: SNAPSHOT }).bytes, 'm');
    const avroSchema = JSON.parse(c.metadata['avro.schema']!);
    const dataFileFields = avroSchema.fields.find((f: { name: string }) => f.name === 'data_file').type.fields;
    const partition = dataFileFields.find((f: { name: string }) => f.name === 'partition');
    expect(partition['field-id']).toBe(102);
    expect(partition.type.name).toBe('r102');
    expect(
      partition.type.fields.map((f: Record<string, unknown>) => [f.name, f['field-id'], f['iceberg-field-name']]),
    ).toEqual(
      spec.fields.map((f) => [f.name.replace(' ', '_x20'), f['field-id'], f.name.includes(' ') ? f.name : undefined]),
    );
    const amount = partition.type.fields.find((f: { name: string }) => f.name === 'amount');
    expect(amount.type).toEqual([
      'null',
      { type: 'fixed', name: 'decimal_20_4', size: 9, logicalType: 'decimal', precision: 20, scale: 4 },
    ]);
  });

  it('writes delete manifests, and existing entries with their sequence numbers', () => {
    const deletes: ManifestEntry[] = [
      { status: EntryStatus.Existing, snapshot_id: 5n, sequence_number: 3, file_sequence_number: 4, data_file: dataFile(7, partitions[0]!, DataContent.PositionDeletes) },
      { status: EntryStatus.Added, snapshot_id: SNAPSHOT, sequence_number: null, file_sequence_number: null, data_file: dataFile(8, partitions[1]!, DataContent.EqualityDeletes) },
      { status: EntryStatus.Deleted, snapshot_id: SNAPSHOT, sequence_number: 1, file_sequence_number: 1, data_file: dataFile(9, partitions[2]!, DataContent.PositionDeletes) },
    ]; // prettier-ignore
    const { bytes, manifest } = encodeManifest({
      schema,
      spec,
      content: ManifestContent.Deletes,
      entries: deletes,
      addedSnapshotId: SNAPSHOT,
    });
    expect(manifest).toMatchObject({
      content: 1,
      added_files_count: 1,
      existing_files_count: 1,
      deleted_files_count: 1,
      existing_rows_count: 1007,
      deleted_rows_count: 1009,
      min_sequence_number: 3,
    });
    const listed = decodeManifestList(
      encodeManifestList({ snapshotId: SNAPSHOT, sequenceNumber: 6, manifests: [{ manifest_path: 'm', ...manifest }] }),
      'l',
    )[0]!;
    expect([listed.sequence_number, listed.min_sequence_number]).toEqual([6, 3]);
    const back = decodeManifest(bytes, 'm', listed);
    expect(back.metadata.content).toBe(ManifestContent.Deletes);
    expect(back.entries.map((e) => [e.status, e.snapshot_id, e.sequence_number, e.file_sequence_number, e.data_file.content, e.data_file.equality_ids])).toEqual([
      [EntryStatus.Existing, 5n, 3, 4, DataContent.PositionDeletes, null],
      [EntryStatus.Added, SNAPSHOT, 6, 6, DataContent.EqualityDeletes, [1, 2]],
      [EntryStatus.Deleted, SNAPSHOT, 1, 1, DataContent.PositionDeletes, null],
    ]); // prettier-ignore
  });

  it('refuses entries that break the spec, naming the entry', () => {
    const base = { schema, spec, addedSnapshotId: SNAPSHOT };
    const e0 = entries[0]!;
    expect(() => encodeManifest({ ...base, entries: [{ ...e0, status: EntryStatus.Existing }] })).toThrow(
      'entry 0 (s3://lake/silver/orders/data/part-0.parquet): existing and deleted entries must carry their data and file sequence numbers',
    );
    expect(() => encodeManifest({ ...base, content: ManifestContent.Deletes, entries: [e0] })).toThrow(
      /content 0 does not belong in a delete manifest/,
    );
    expect(() =>
      encodeManifest({ ...base, entries: [{ ...e0, data_file: { ...e0.data_file, partition: { nope: 1 } } }] }),
    ).toThrow(/entry 0 \(.*\).partition: nope is not a field of partition spec 2/);
    expect(() =>
      encodeManifest({
        ...base,
        entries: [{ ...e0, data_file: { ...e0.data_file, partition: { ...partitions[0], amount: '1.23456' } } }],
      }),
    ).toThrow(/entry 0 \(.*\).partition.amount: decimal "1.23456" has more than 4 fractional digits/);
    const err = (() => {
      try {
        encodeManifest({
          ...base,
          entries: [e0, { ...e0, data_file: { ...e0.data_file, record_count: '5' as unknown as number } }],
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(() =>
      encodeManifest({
        ...base,
        entries: [{ ...e0, data_file: { ...e0.data_file, value_counts: new Map([[1, -0.5]]) } }],
      }),
    ).toThrow('record 0.data_file.value_counts{1}: expected a long (safe integer or 64-bit bigint), got number -0.5');
    expect(err).toBeInstanceOf(AvroValueError);
    expect((err as Error).message).toBe(
      'record 1.data_file.record_count: expected a long (safe integer or 64-bit bigint), got string "5"',
    );
  });

  it('assigns the snapshot sequence number only to its own unassigned manifests', () => {
    const { manifest } = encodeManifest({ schema, spec, entries, addedSnapshotId: SNAPSHOT });
    const old = {
      ...manifest,
      manifest_path: 'old',
      added_snapshot_id: 1n,
      sequence_number: 3,
      min_sequence_number: 2,
    };
    const listed = decodeManifestList(
      encodeManifestList({
        snapshotId: SNAPSHOT,
        sequenceNumber: 4,
        manifests: [{ manifest_path: 'new', ...manifest }, old],
      }),
      'l',
    );
    expect(listed.map((m) => [m.manifest_path, m.sequence_number, m.min_sequence_number, m.added_snapshot_id])).toEqual(
      [
        ['new', 4, 4, SNAPSHOT],
        ['old', 3, 2, 1n],
      ],
    );
    expect(() =>
      encodeManifestList({ snapshotId: 2n, sequenceNumber: 4, manifests: [{ manifest_path: 'new', ...manifest }] }),
    ).toThrow(/manifest 0 \(new\): has no sequence number but was added by snapshot 9158179788527662767, not 2/);
    expect(() => encodeManifestList({ snapshotId: SNAPSHOT, sequenceNumber: 2, manifests: [old] })).toThrow(
      /sequence numbers above the snapshot/,
    );
  });
});

describe('v1 manifests and manifest lists', () => {
  // The v1 schemas of format/spec.md: snapshot_id required, no sequence numbers, no content, block_size_in_bytes.
  const v1Entry = {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: 'long', 'field-id': 1 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: { type: 'record', name: 'r102', fields: [{ name: 'day', type: ['null', { type: 'int', logicalType: 'date' }], 'field-id': 1000 }] }, 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            { name: 'block_size_in_bytes', type: 'long', 'field-id': 105 },
          ],
        },
      },
    ],
  } as const; // prettier-ignore
  const v1List = {
    type: 'record',
    name: 'manifest_file',
    fields: [
      { name: 'manifest_path', type: 'string', 'field-id': 500 },
      { name: 'manifest_length', type: 'long', 'field-id': 501 },
      { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
      { name: 'added_snapshot_id', type: ['null', 'long'], 'field-id': 503 },
      { name: 'added_data_files_count', type: ['null', 'int'], 'field-id': 504 },
      { name: 'existing_data_files_count', type: ['null', 'int'], 'field-id': 505 },
      { name: 'deleted_data_files_count', type: ['null', 'int'], 'field-id': 506 },
      { name: 'added_rows_count', type: ['null', 'long'], 'field-id': 512 },
      { name: 'existing_rows_count', type: ['null', 'long'], 'field-id': 513 },
      { name: 'deleted_rows_count', type: ['null', 'long'], 'field-id': 514 },
    ],
  } as const; // prettier-ignore

  it('reads them with the v2 defaults of Appendix E', () => {
    const manifest = writeAvroContainer({
      schema: v1Entry as never,
      metadata: {
        schema: JSON.stringify({ type: 'struct', fields: [{ id: 1, name: 'ts', required: true, type: 'timestamp' }] }),
        'partition-spec': JSON.stringify([{ name: 'day', transform: 'day', 'source-id': 1 }]),
      },
      records: [
        { status: 1, snapshot_id: 77n, data_file: { file_path: 'a.parquet', file_format: 'parquet', partition: { day: 17000 }, record_count: 3, file_size_in_bytes: 30, block_size_in_bytes: 67108864 } },
        { status: 0, snapshot_id: 76n, data_file: { file_path: 'b.parquet', file_format: 'parquet', partition: { day: null }, record_count: 4, file_size_in_bytes: 40, block_size_in_bytes: 67108864 } },
      ],
    }); // prettier-ignore
    const list = writeAvroContainer({
      schema: v1List as never,
      records: [{ manifest_path: 'm1.avro', manifest_length: manifest.length, partition_spec_id: 0, added_snapshot_id: 77n, added_data_files_count: 1, existing_data_files_count: 1, deleted_data_files_count: 0, added_rows_count: 3, existing_rows_count: 4, deleted_rows_count: 0 }],
    }); // prettier-ignore
    const [mf] = decodeManifestList(list, 'list.avro');
    expect(mf).toMatchObject({
      content: 0,
      sequence_number: 0,
      min_sequence_number: 0,
      added_snapshot_id: 77n,
      added_files_count: 1,
      existing_files_count: 1,
    });
    const { metadata, entries: read } = decodeManifest(manifest, 'm1.avro', mf);
    expect(metadata).toMatchObject({
      formatVersion: 1,
      content: ManifestContent.Data,
      partitionSpec: { 'spec-id': 0, fields: [{ name: 'day', transform: 'day', 'source-id': 1, 'field-id': 1000 }] },
    });
    expect(read.map((e) => [e.status, e.snapshot_id, e.sequence_number, e.file_sequence_number, e.data_file.content, e.data_file.file_format, e.data_file.partition])).toEqual([
      [EntryStatus.Added, 77n, 0, 0, DataContent.Data, 'PARQUET', { day: 17000 }],
      [EntryStatus.Existing, 76n, 0, 0, DataContent.Data, 'PARQUET', { day: null }],
    ]); // prettier-ignore
  });

  it('refuses a v1 list entry without the counts scans need', () => {
    const list = writeAvroContainer({
      schema: v1List as never,
      records: [{ manifest_path: 'm1.avro', manifest_length: 10, partition_spec_id: 0, added_snapshot_id: 77n, added_data_files_count: null, existing_data_files_count: 1, deleted_data_files_count: 0, added_rows_count: 3, existing_rows_count: 4, deleted_rows_count: 0 }],
    }); // prettier-ignore
    expect(() => decodeManifestList(list, 'list.avro')).toThrow(/^list.avro: entry 0: added_files_count is missing/);
  });
});
