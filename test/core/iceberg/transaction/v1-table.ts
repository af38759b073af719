// Test helper: a format-version 1 table in the Hadoop layout, written the way an old Iceberg writer left it (no
// table-uuid, `schema` and `partition-spec` instead of their lists, snapshots without sequence numbers, v1
// manifests with block_size_in_bytes and a required snapshot_id, a v1 manifest list with *_data_files_count).
// shoplake writes v2 only, so these bytes are built here with the generic Avro container writer.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeAvroContainer } from '../../../../core/iceberg/avro/container-writer.js';
import type { AvroSchema } from '../../../../core/iceberg/avro/schema.js';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { schemaToJson } from '../../../../core/iceberg/spec/schema.js';
import { writeRows, schema, spec } from './table-fixture.js';
import type { Row } from './table-fixture.js';

const V1_ENTRY = {
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
          {
            name: 'partition',
            'field-id': 102,
            type: {
              type: 'record',
              name: 'r102',
              fields: [
                { name: 'ts_day', type: ['null', { type: 'int', logicalType: 'date' }], 'field-id': 1000 },
                { name: 'shop_id_bucket', type: ['null', 'int'], 'field-id': 1001 },
              ],
            },
          },
          { name: 'record_count', type: 'long', 'field-id': 103 },
          { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          { name: 'block_size_in_bytes', type: 'long', 'field-id': 105 },
        ],
      },
    },
  ],
};

const V1_LIST = {
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
};

export const V1_SNAPSHOT_ID = 3051729675574597004n; // the spec's example id, beyond 2^53

/**
 * Writes `<warehouse>/<namespace>/<name>` as a v1 table (the orders schema and spec of table-fixture.ts) holding
 * `rows` in one snapshot, with v1.metadata.json and version-hint.text. Returns the metadata file path.
 */
export async function writeV1Table(warehouse: string, namespace: string, name: string, rows: Row[]): Promise<string> {
  const location = path.join(warehouse, namespace, name);
  const io = new LocalFileIO();
  // The data files through the real Parquet writer (it only needs the location, schema and spec).
  const shell = {
    identifier: { namespace, name },
    metadataLocation: '',
    io,
    metadata: {
      location,
      schemas: [schema],
      'current-schema-id': 0,
      'partition-specs': [spec],
      'default-spec-id': 0,
    },
  } as unknown as LoadedTable;
  const files = await writeRows(shell, rows);

  const manifestPath = `${location}/metadata/v1-manifest-m0.avro`;
  const manifest = writeAvroContainer({
    schema: V1_ENTRY as unknown as AvroSchema,
    metadata: {
      schema: JSON.stringify(schemaToJson(schema)),
      'partition-spec': JSON.stringify(spec.fields),
      'partition-spec-id': '0',
      'format-version': '1',
    },
    records: files.map((f) => ({
      status: 1,
      snapshot_id: V1_SNAPSHOT_ID,
      data_file: {
        file_path: f.file_path,
        file_format: 'PARQUET',
        partition: f.partition,
        record_count: f.record_count,
        file_size_in_bytes: f.file_size_in_bytes,
        block_size_in_bytes: 67108864,
      },
    })),
  });
  await fs.mkdir(`${location}/metadata`, { recursive: true });
  await fs.writeFile(manifestPath, manifest);
  const listPath = `${location}/metadata/snap-${V1_SNAPSHOT_ID}-1-v1.avro`;
  const list = writeAvroContainer({
    schema: V1_LIST as unknown as AvroSchema,
    metadata: { 'snapshot-id': String(V1_SNAPSHOT_ID), 'format-version': '1' },
    records: [
      {
        manifest_path: manifestPath,
        manifest_length: manifest.length,
        partition_spec_id: 0,
        added_snapshot_id: V1_SNAPSHOT_ID,
        added_data_files_count: files.length,
        existing_data_files_count: 0,
        deleted_data_files_count: 0,
        added_rows_count: rows.length,
        existing_rows_count: 0,
        deleted_rows_count: 0,
      },
    ],
  });
  await fs.writeFile(listPath, list);

  const metadata = JSON.stringify({
    'format-version': 1,
    location,
    'last-updated-ms': 1735689600000,
    'last-column-id': 5,
    schema: schemaToJson(schema),
    'partition-spec': spec.fields,
    properties: { owner: 'legacy' },
    'current-snapshot-id': '@ID@',
    snapshots: [
      {
        'snapshot-id': '@ID@',
        'timestamp-ms': 1735689600000,
        summary: { operation: 'append', 'added-data-files': String(files.length) },
        'manifest-list': listPath,
      },
    ],
  }).replaceAll('"@ID@"', String(V1_SNAPSHOT_ID));
  const file = `${location}/metadata/v1.metadata.json`;
  await fs.writeFile(file, metadata);
  await fs.writeFile(`${location}/metadata/version-hint.text`, '1');
  return file;
}
