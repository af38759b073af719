// Expected paths come from Iceberg Java's own unit tests, apache/iceberg
// core/src/test/java/org/apache/iceberg/TestLocationProvider.java (1.9+):
// - testHashInjection: "a" -> /data/0101/0110/1001/10110010/a, "b" -> /data/1110/0111/1110/00000011/b,
//   "c" -> /data/0010/1101/0110/01011111/c, "d" -> /data/1001/0001/0100/01110011/d;
// - testExcludePartitionInPath: partitioned-paths=false, "test.parquet" ->
//   /data/0110/1010/0011/11101000-test.parquet;
// - testObjectStorageWithinTableLocation: `<location>` + /data/<4 entropy parts>/test.parquet (7 parts);
// - testEncodedFieldNameInPartitionPath: the partition directory `data%231=val%231` sits right before the file;
// - test*ThrowOnDeprecatedProperties: write.folder-storage.path / write.object-storage.path are refused.
// And from format/spec.md Appendix B: murmur3_32("iceberg") = 1210000089, whose low 20 bits are
// 1111 0010 0010 1101 1001 1001.
import { describe, expect, it } from 'vitest';
import {
  entropyDirs,
  folderLocationProvider,
  locationProvider,
} from '../../../../core/iceberg/spec/location-provider.js';
import { partitionToPath } from '../../../../core/iceberg/spec/transform.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const LOCATION = 's3://bucket/warehouse/db.db/tbl';
const objectStore = (props: Record<string, string> = {}) =>
  locationProvider({ location: LOCATION, properties: { 'write.object-storage.enabled': 'true', ...props } });

describe('locationProvider: the default layout', () => {
  it('puts files under <location>/data, write.data.path (absolute or relative) and partition paths', () => {
    const p = locationProvider({ location: `${LOCATION}/`, properties: {} });
    expect(p.newDataLocation('my_file')).toBe(`${LOCATION}/data/my_file`);
    expect(p.newDataLocation('f.parquet', 'day=2025-01-01/b=3')).toBe(`${LOCATION}/data/day=2025-01-01/b=3/f.parquet`);
    const abs = locationProvider({ location: LOCATION, properties: { 'write.data.path': 's3://other/files/' } });
    expect(abs.newDataLocation('my_file')).toBe('s3://other/files/my_file');
    const rel = locationProvider({ location: LOCATION, properties: { 'write.data.path': 'new_location' } });
    expect(rel.newDataLocation('my_file')).toBe(`${LOCATION}/new_location/my_file`);
    expect(folderLocationProvider('/t/data/').newDataLocation('x.parquet', '')).toBe('/t/data/x.parquet');
  });

  it('treats write.object-storage.enabled=false (any case) as the default layout', () => {
    const p = locationProvider({ location: LOCATION, properties: { 'write.object-storage.enabled': 'FALSE' } });
    expect(p.newDataLocation('a')).toBe(`${LOCATION}/data/a`);
  });
});

describe('locationProvider: object storage (Java ObjectStoreLocationProvider)', () => {
  it('hashes the file name into 4/4/4/8 binary directories, as TestLocationProvider.testHashInjection', () => {
    const p = objectStore();
    expect(p.newDataLocation('a')).toBe(`${LOCATION}/data/0101/0110/1001/10110010/a`);
    expect(p.newDataLocation('b')).toBe(`${LOCATION}/data/1110/0111/1110/00000011/b`);
    expect(p.newDataLocation('c')).toBe(`${LOCATION}/data/0010/1101/0110/01011111/c`);
    expect(p.newDataLocation('d')).toBe(`${LOCATION}/data/1001/0001/0100/01110011/d`);
    // the spec's murmur3 test value, rendered by hand above
    expect(entropyDirs('iceberg')).toBe('1111/0010/0010/11011001');
  });

  it('accepts the property in any case, as Java propertyAsBoolean', () => {
    expect(objectStore({ 'write.object-storage.enabled': 'True' }).newDataLocation('a')).toBe(
      `${LOCATION}/data/0101/0110/1001/10110010/a`,
    );
  });

  it('keeps 7 path parts inside the table location (testObjectStorageWithinTableLocation)', () => {
    const loc = objectStore().newDataLocation('test.parquet');
    const parts = loc.replace(LOCATION, '').split('/');
    expect(parts).toHaveLength(7);
    expect(parts[0]).toBe('');
    expect(parts[1]).toBe('data');
    for (const p of parts.slice(2, 6)) expect(p).toMatch(/^[01]+$/);
    expect(parts[6]).toBe('test.parquet');
  });

  it('hashes <partition path>/<file> and keeps the partition directory after the hash', () => {
    const p = objectStore();
    const partitioned = p.newDataLocation('f.parquet', 'ts_day=2025-01-01/shop_id_bucket=3');
    // Java: newDataLocation(spec, partition, file) == newDataLocation("<partition path>/<file>")
    expect(partitioned).toBe(p.newDataLocation('ts_day=2025-01-01/shop_id_bucket=3/f.parquet'));
    expect(partitioned).toBe(
      `${LOCATION}/data/${entropyDirs('ts_day=2025-01-01/shop_id_bucket=3/f.parquet')}/ts_day=2025-01-01/shop_id_bucket=3/f.parquet`,
    );
  });

  it('puts the URL-escaped partition directory right before the file (testEncodedFieldNameInPartitionPath)', () => {
    const schema: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [{ id: 1, name: 'data#1', required: false, type: 'string' }],
    };
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: [{ 'source-id': 1, 'field-id': 1000, name: 'data#1', transform: 'identity' }],
    };
    const loc = objectStore().newDataLocation('test.parquet', partitionToPath(spec, schema, { 'data#1': 'val#1' }));
    const parts = loc.split('/');
    expect(parts.at(-2)).toBe('data%231=val%231');
    expect(parts.at(-1)).toBe('test.parquet');
  });

  it('with partitioned-paths=false drops the partition and joins the last hash part with "-" (testExcludePartitionInPath)', () => {
    const p = objectStore({ 'write.object-storage.partitioned-paths': 'false' });
    expect(p.newDataLocation('test.parquet', 'data_bucket=0')).toBe(
      `${LOCATION}/data/0110/1010/0011/11101000-test.parquet`,
    );
    expect(p.newDataLocation('test.parquet')).toBe(`${LOCATION}/data/0110/1010/0011/11101000-test.parquet`);
  });

  it('adds <parent>/<table> after the hash when write.data.path lies outside the table location', () => {
    const p = objectStore({ 'write.data.path': 's3://objects/store/' });
    expect(p.dataLocation).toBe('s3://objects/store');
    expect(p.newDataLocation('a')).toBe('s3://objects/store/0101/0110/1001/10110010/db.db/tbl/a');
    // the context branch ignores partitioned-paths=false's "-" join, as Java does
    const flat = objectStore({
      'write.data.path': 's3://objects/store',
      'write.object-storage.partitioned-paths': 'false',
    });
    expect(flat.newDataLocation('a', 'p=1')).toBe('s3://objects/store/0101/0110/1001/10110010/db.db/tbl/a');
    // inside the table location: no context
    const inside = objectStore({ 'write.data.path': `${LOCATION}/files` });
    expect(inside.newDataLocation('a')).toBe(`${LOCATION}/files/0101/0110/1001/10110010/a`);
  });
});

describe('locationProvider: properties Java refuses', () => {
  it('refuses the deprecated write.folder-storage.path / write.object-storage.path, naming the replacement', () => {
    expect(() =>
      objectStore({ 'write.folder-storage.path': 's3://random/folder/location' }).newDataLocation('file'),
    ).toThrow(
      /write\.folder-storage\.path is deprecated .* set write\.data\.path to "s3:\/\/random\/folder\/location"/,
    );
    expect(() => objectStore({ 'write.object-storage.path': 's3://random/object/location' })).toThrow(
      /write\.object-storage\.path is deprecated/,
    );
    expect(() =>
      locationProvider({ location: LOCATION, properties: { 'write.folder-storage.path': 's3://random/folder' } }),
    ).toThrow(/write\.folder-storage\.path is deprecated/);
    // Java never reads write.object-storage.path without object storage, nor either alias when write.data.path is set
    expect(
      locationProvider({ location: LOCATION, properties: { 'write.object-storage.path': 's3://x' } }).newDataLocation(
        'a',
      ),
    ).toBe(`${LOCATION}/data/a`);
    expect(
      objectStore({ 'write.data.path': 's3://d', 'write.folder-storage.path': 's3://x' }).newDataLocation('a'),
    ).toBe('s3://d/0101/0110/1001/10110010/db.db/tbl/a');
  });

  it('refuses a custom write.location-provider.impl and a malformed boolean, naming the property', () => {
    expect(() =>
      locationProvider({ location: LOCATION, properties: { 'write.location-provider.impl': 'com.acme.Provider' } }),
    ).toThrow(/write\.location-provider\.impl="com\.acme\.Provider" names a Java LocationProvider class/);
    expect(() => objectStore({ 'write.object-storage.enabled': 'yes' })).toThrow(
      'table property write.object-storage.enabled="yes" is not a boolean',
    );
    expect(() => objectStore({ 'write.object-storage.partitioned-paths': 'no' })).toThrow(
      'table property write.object-storage.partitioned-paths="no" is not a boolean',
    );
  });
});
