import { describe, expect, it } from 'vitest';
import { selectSnapshot } from '../../../../core/iceberg/scan/select-snapshot.js';
import type { Snapshot, TableMetadata } from '../../../../core/iceberg/spec/table-metadata.js';

const snap = (id: bigint, ts: number, parent?: bigint): Snapshot => ({
  'snapshot-id': id,
  ...(parent !== undefined ? { 'parent-snapshot-id': parent } : {}),
  'sequence-number': Number(id),
  'timestamp-ms': ts,
  'manifest-list': `/t/metadata/snap-${id}.avro`,
  summary: { operation: 'append' },
});
const metadata = {
  'format-version': 2,
  'table-uuid': 'u',
  location: '/t',
  'last-sequence-number': 3,
  'last-updated-ms': 3000,
  'last-column-id': 1,
  schemas: [],
  'current-schema-id': 0,
  'partition-specs': [],
  'default-spec-id': 0,
  'last-partition-id': 999,
  'sort-orders': [],
  'default-sort-order-id': 0,
  'current-snapshot-id': 3n,
  snapshots: [snap(1n, 1000), snap(2n, 2000, 1n), snap(3n, 3000, 2n)],
  'snapshot-log': [
    { 'timestamp-ms': 1000, 'snapshot-id': 1n },
    { 'timestamp-ms': 2000, 'snapshot-id': 2n },
    { 'timestamp-ms': 3000, 'snapshot-id': 3n },
  ],
  refs: { main: { 'snapshot-id': 3n, type: 'branch' }, audit: { 'snapshot-id': 1n, type: 'tag' } },
} as unknown as TableMetadata;

describe('selectSnapshot', () => {
  it('picks the current snapshot, one by id, a ref, or the one current at a time', () => {
    expect(selectSnapshot(metadata)?.['snapshot-id']).toBe(3n);
    expect(selectSnapshot(metadata, { snapshotId: 2n })?.['snapshot-id']).toBe(2n);
    expect(selectSnapshot(metadata, { ref: 'audit' })?.['snapshot-id']).toBe(1n);
    expect(selectSnapshot(metadata, { asOfTimestamp: 1999 })?.['snapshot-id']).toBe(1n);
    expect(selectSnapshot(metadata, { asOfTimestamp: 2000 })?.['snapshot-id']).toBe(2n);
    expect(selectSnapshot(metadata, { asOfTimestamp: 9999 })?.['snapshot-id']).toBe(3n);
  });

  it('returns undefined for an empty table and errors clearly on bad selectors', () => {
    const empty = { ...metadata, 'current-snapshot-id': -1n, refs: {}, snapshots: [] } as TableMetadata;
    expect(selectSnapshot(empty)).toBeUndefined();
    expect(() => selectSnapshot(metadata, { asOfTimestamp: 999 })).toThrow(
      /no snapshot was current at 1970-01-01T00:00:00.999Z/,
    );
    expect(() => selectSnapshot(metadata, { snapshotId: 9n })).toThrow(/snapshot 9 \(requested\) does not exist/);
    expect(() => selectSnapshot(metadata, { ref: 'nope' })).toThrow(/no branch or tag named nope/);
    expect(() => selectSnapshot(metadata, { ref: 'audit', snapshotId: 1n })).toThrow(/choose one/);
  });
});
