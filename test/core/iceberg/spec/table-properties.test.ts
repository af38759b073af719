import { describe, expect, it } from 'vitest';
import {
  METADATA_DELETE_AFTER_COMMIT,
  METADATA_PREVIOUS_VERSIONS_MAX,
  boolProperty,
  dataFolder,
  intProperty,
  metadataFolder,
} from '../../../../core/iceberg/spec/table-properties.js';

describe('table properties', () => {
  it('reads set values and falls back to the Iceberg Java defaults', () => {
    expect(intProperty({ [METADATA_PREVIOUS_VERSIONS_MAX]: '7' }, METADATA_PREVIOUS_VERSIONS_MAX)).toBe(7);
    expect(intProperty({}, METADATA_PREVIOUS_VERSIONS_MAX)).toBe(100);
    expect(intProperty(undefined, 'custom.count', 3)).toBe(3);
    expect(boolProperty({ [METADATA_DELETE_AFTER_COMMIT]: 'TRUE' }, METADATA_DELETE_AFTER_COMMIT)).toBe(true);
    expect(boolProperty({}, METADATA_DELETE_AFTER_COMMIT)).toBe(false);
  });

  it('names a malformed or missing property', () => {
    expect(() => intProperty({ [METADATA_PREVIOUS_VERSIONS_MAX]: 'ten' }, METADATA_PREVIOUS_VERSIONS_MAX)).toThrow(
      'table property write.metadata.previous-versions-max="ten" is not an integer',
    );
    expect(() => boolProperty({ [METADATA_DELETE_AFTER_COMMIT]: 'yes' }, METADATA_DELETE_AFTER_COMMIT)).toThrow(
      'table property write.metadata.delete-after-commit.enabled="yes" is not a boolean',
    );
    expect(() => intProperty({}, 'custom.count')).toThrow('table property custom.count is not set and has no default');
  });

  it('places metadata and data folders as format/spec.md Appendix F "Path Construction" says', () => {
    const at = (properties?: Record<string, string>) => ({ location: 's3://b/wh/db/t/', properties });
    expect(metadataFolder(at())).toBe('s3://b/wh/db/t/metadata');
    expect(dataFolder(at({}))).toBe('s3://b/wh/db/t/data');
    // relative: joined to the table location with '/'
    expect(metadataFolder(at({ 'write.metadata.path': 'meta/v' }))).toBe('s3://b/wh/db/t/meta/v');
    expect(dataFolder(at({ 'write.data.path': 'files/' }))).toBe('s3://b/wh/db/t/files');
    // absolute: a URI or an absolute path, used as is
    expect(metadataFolder(at({ 'write.metadata.path': 's3://other/meta/' }))).toBe('s3://other/meta');
    expect(dataFolder(at({ 'write.data.path': 'file:///mnt/data' }))).toBe('file:///mnt/data');
    expect(dataFolder({ location: '/wh/t', properties: { 'write.data.path': '/mnt/d' } })).toBe('/mnt/d');
    expect(dataFolder({ location: '/wh/t', properties: { 'write.data.path': ' ' } })).toBe('/wh/t/data');
  });
});
