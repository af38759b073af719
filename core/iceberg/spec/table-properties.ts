// Table property names this implementation reads or sets, with the defaults of Iceberg Java's TableProperties,
// and the defaults a new shoplake table gets (Parquet + ZSTD; old metadata files deleted, 100 kept in the log).

export const FORMAT_DEFAULT = 'write.format.default';
export const PARQUET_COMPRESSION = 'write.parquet.compression-codec';
export const METADATA_DELETE_AFTER_COMMIT = 'write.metadata.delete-after-commit.enabled';
export const METADATA_PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
export const MANIFEST_TARGET_SIZE_BYTES = 'commit.manifest.target-size-bytes';
export const MANIFEST_MIN_MERGE_COUNT = 'commit.manifest.min-count-to-merge';
export const MANIFEST_MERGE_ENABLED = 'commit.manifest-merge.enabled';

/** Iceberg Java's defaults for the properties above (what a table without the property behaves as). */
export const PROPERTY_DEFAULTS: Readonly<Record<string, string>> = {
  [FORMAT_DEFAULT]: 'parquet',
  [PARQUET_COMPRESSION]: 'zstd',
  [METADATA_DELETE_AFTER_COMMIT]: 'false',
  [METADATA_PREVIOUS_VERSIONS_MAX]: '100',
  [MANIFEST_TARGET_SIZE_BYTES]: String(8 * 1024 * 1024),
  [MANIFEST_MIN_MERGE_COUNT]: '100',
  [MANIFEST_MERGE_ENABLED]: 'true',
};

/** Written explicitly into every table shoplake creates (callers' properties win). */
export const NEW_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  [FORMAT_DEFAULT]: 'parquet',
  [PARQUET_COMPRESSION]: 'zstd',
  [METADATA_DELETE_AFTER_COMMIT]: 'true',
  [METADATA_PREVIOUS_VERSIONS_MAX]: '100',
};

/** An integer property, or its default; a malformed value is an error naming the property. */
export function intProperty(properties: Record<string, string> | undefined, key: string, dflt?: number): number {
  const raw = properties?.[key] ?? PROPERTY_DEFAULTS[key];
  if (raw === undefined) {
    if (dflt === undefined) throw new Error(`table property ${key} is not set and has no default`);
    return dflt;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`table property ${key}=${JSON.stringify(raw)} is not an integer`);
  return n;
}

/** A boolean property ("true"/"false", any case), or its default. */
export function boolProperty(properties: Record<string, string> | undefined, key: string, dflt = false): boolean {
  const raw = properties?.[key] ?? PROPERTY_DEFAULTS[key];
  if (raw === undefined) return dflt;
  const v = raw.toLowerCase();
  if (v !== 'true' && v !== 'false') throw new Error(`table property ${key}=${JSON.stringify(raw)} is not a boolean`);
  return v === 'true';
}
