import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeManifest } from '../../../../core/iceberg/avro/manifest-reader.js';
import { decodeManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { DataContent, EntryStatus } from '../../../../core/iceberg/spec/manifest.js';
import type { DataFile } from '../../../../core/iceberg/spec/manifest.js';
import { snapshotSummary, summaryLong } from '../../../../core/iceberg/spec/snapshot-summary.js';
import { parseTableMetadata } from '../../../../core/iceberg/spec/table-metadata-json.js';
import { ICEBERG_FIXTURES, fixturePath } from '../../../support/iceberg-fixtures.js';

const METRIC = /^(added|deleted|removed|total|changed)-/;

/** The files a snapshot added and removed, read from its manifests (entries it wrote as ADDED or DELETED). */
function changesOf(manifestList: string, snapshotId: bigint): { added: DataFile[]; removed: DataFile[] } {
  const added: DataFile[] = [];
  const removed: DataFile[] = [];
  const list = decodeManifestList(readFileSync(fixturePath(manifestList)), manifestList);
  for (const mf of list) {
    for (const e of decodeManifest(readFileSync(fixturePath(mf.manifest_path)), mf.manifest_path, mf).entries) {
      if (e.snapshot_id !== snapshotId) continue;
      if (e.status === EntryStatus.Added) added.push(e.data_file);
      if (e.status === EntryStatus.Deleted) removed.push(e.data_file);
    }
  }
  return { added, removed };
}

describe('snapshotSummary against the summaries Spark and Iceberg Java wrote', () => {
  const cases = [
    'spark/bunnies/metadata/v5.metadata.json',
    'java/bunnies/metadata/v5.metadata.json',
    'athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json',
  ].flatMap((file) => {
    const m = parseTableMetadata(readFileSync(`${ICEBERG_FIXTURES}/${file}`, 'utf8'), file);
    return m.snapshots!.map((s) => [`${file.split('/')[0]} snapshot ${s['snapshot-id']}`, m, s] as const);
  });

  it.each(cases)('%s: recomputed from its manifests and its parent', (_name, m, s) => {
    const parent = m.snapshots!.find((p) => p['snapshot-id'] === s['parent-snapshot-id']);
    const engineProps = Object.fromEntries(
      Object.entries(s.summary).filter(([k]) => k !== 'operation' && !METRIC.test(k)),
    );
    const ours = snapshotSummary(
      s.summary.operation,
      changesOf(s['manifest-list'], s['snapshot-id']),
      parent?.summary,
      engineProps,
    );
    expect(ours).toEqual(s.summary);
    expect(Object.keys(ours)[0]).toBe('operation');
  });

  it('covers appends, position deletes, equality deletes and overwrites', () => {
    const keys = new Set(cases.flatMap(([, , s]) => Object.keys(s.summary)));
    for (const k of [
      'added-data-files',
      'deleted-data-files',
      'added-position-deletes',
      'added-equality-deletes',
      'removed-files-size',
    ]) {
      expect(keys.has(k), k).toBe(true);
    }
  });
});

describe('snapshotSummary', () => {
  const file = (
    content: DataContent,
    records: number,
    size: number,
    partition: Record<string, unknown> = {},
  ): DataFile => ({
    content,
    file_path: `f${records}-${size}`,
    file_format: 'PARQUET',
    partition,
    record_count: records,
    file_size_in_bytes: size,
  });

  it('starts totals at zero for a first snapshot and counts distinct partitions', () => {
    const s = snapshotSummary(
      'append',
      {
        added: [
          file(DataContent.Data, 10, 100, { d: 1 }),
          file(DataContent.Data, 5, 50, { d: 1 }),
          file(DataContent.Data, 1, 7, { d: 2n }),
        ],
      },
      null,
      { 'kafka.offsets': '{"orders":{"0":41}}', operation: 'delete', 'total-records': '999' },
    );
    expect(s).toEqual({
      operation: 'append',
      'kafka.offsets': '{"orders":{"0":41}}',
      'added-data-files': '3',
      'added-records': '16',
      'added-files-size': '157',
      'changed-partition-count': '2',
      'total-records': '16',
      'total-files-size': '157',
      'total-data-files': '3',
      'total-delete-files': '0',
      'total-position-deletes': '0',
      'total-equality-deletes': '0',
    });
  });

  it('leaves out a total the parent did not record', () => {
    const s = snapshotSummary(
      'append',
      { added: [file(DataContent.Data, 1, 1)] },
      { operation: 'append', 'total-records': '4' },
    );
    expect(s['total-records']).toBe('5');
    expect(s['total-files-size']).toBeUndefined();
  });

  it('reports a malformed parent value with its key', () => {
    expect(() => snapshotSummary('append', {}, { operation: 'append', 'total-records': '4x' })).toThrow(
      /total-records="4x" is not an integer/,
    );
    expect(summaryLong({ operation: 'append', 'total-records': '12' }, 'total-records')).toBe(12);
  });
});
