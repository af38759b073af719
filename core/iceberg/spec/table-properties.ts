// Table property names this implementation reads or sets, with the defaults of Iceberg Java's TableProperties,
// and the defaults a new shoplake table gets (Parquet + ZSTD; old metadata files deleted, 100 kept in the log).

export const FORMAT_DEFAULT = 'write.format.default';
export const PARQUET_COMPRESSION = 'write.parquet.compression-codec';
/** The codec's level (unset: the codec's default, or the writer's default zstd level). */
export const PARQUET_COMPRESSION_LEVEL = 'write.parquet.compression-level';
export const METADATA_DELETE_AFTER_COMMIT = 'write.metadata.delete-after-commit.enabled';
export const METADATA_PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
export const MANIFEST_TARGET_SIZE_BYTES = 'commit.manifest.target-size-bytes';
export const MANIFEST_MIN_MERGE_COUNT = 'commit.manifest.min-count-to-merge';
export const MANIFEST_MERGE_ENABLED = 'commit.manifest-merge.enabled';
export const WRITE_DATA_PATH = 'write.data.path';
export const WRITE_METADATA_PATH = 'write.metadata.path';
/** `none` or `gzip` (any case): gzip writes `v<N>.gz.metadata.json` / `<NNNNN>-<uuid>.gz.metadata.json`. */
export const METADATA_COMPRESSION = 'write.metadata.compression-codec';
/** New data files under hashed directories (Java's ObjectStoreLocationProvider; location-provider.ts). */
export const OBJECT_STORE_ENABLED = 'write.object-storage.enabled';
/** With object storage: keep the partition directories after the hash (default true). */
export const OBJECT_STORE_PARTITIONED_PATHS = 'write.object-storage.partitioned-paths';
/** Deprecated alias of write.data.path: Java >= 1.9 refuses to write with it (so does location-provider.ts). */
export const OBJECT_STORE_PATH = 'write.object-storage.path';
/** Deprecated alias of write.data.path: Java >= 1.9 refuses to write with it (so does location-provider.ts). */
export const WRITE_FOLDER_STORAGE_PATH = 'write.folder-storage.path';
/** A Java LocationProvider class name: shoplake cannot load one, so writing data files is refused. */
export const WRITE_LOCATION_PROVIDER_IMPL = 'write.location-provider.impl';

/** Iceberg Java's defaults for the properties above (what a table without the property behaves as). */
export const PROPERTY_DEFAULTS: Readonly<Record<string, string>> = {
  [FORMAT_DEFAULT]: 'parquet',
  [PARQUET_COMPRESSION]: 'zstd',
  [METADATA_DELETE_AFTER_COMMIT]: 'false',
  [METADATA_PREVIOUS_VERSIONS_MAX]: '100',
  [MANIFEST_TARGET_SIZE_BYTES]: String(8 * 1024 * 1024),
  [MANIFEST_MIN_MERGE_COUNT]: '100',
  [MANIFEST_MERGE_ENABLED]: 'true',
  [METADATA_COMPRESSION]: 'none',
  [OBJECT_STORE_ENABLED]: 'false',
  [OBJECT_STORE_PARTITIONED_PATHS]: 'true',
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

export type MetadataCodec = 'none' | 'gzip';

/**
 * The table's write.metadata.compression-codec (Java's TableMetadataParser.Codec: `none` or `gzip`, any case);
 * anything else is an error naming the property and the value.
 */
export function metadataCodec(properties: Record<string, string> | undefined): MetadataCodec {
  const raw = properties?.[METADATA_COMPRESSION] ?? PROPERTY_DEFAULTS[METADATA_COMPRESSION]!;
  const codec = raw.toLowerCase();
  if (codec === 'none' || codec === 'gzip') return codec;
  throw new Error(
    `table property ${METADATA_COMPRESSION}=${JSON.stringify(raw)} is not a metadata codec: use none or gzip`,
  );
}

/** The metadata file name ending Java gives a codec (TableMetadataParser.getFileExtension). */
export function metadataFileSuffix(codec: MetadataCodec): string {
  return codec === 'gzip' ? '.gz.metadata.json' : '.metadata.json';
}

/**
 * The folder new metadata files (metadata.json, manifest lists, manifests) go to, by format/spec.md Appendix F
 * "Path Construction": write.metadata.path as is when absolute (a URI such as s3://… or file:…, or a path starting
 * with `/`), joined to the table location with `/` when relative, else `<location>/metadata`. No trailing `/`.
 */
export function metadataFolder(m: { location: string; properties?: Record<string, string> }): string {
  return tableFolder(m, WRITE_METADATA_PATH, 'metadata');
}

/** The folder new data files go to: write.data.path (absolute or relative, as metadataFolder), else `<location>/data`. */
export function dataFolder(m: { location: string; properties?: Record<string, string> }): string {
  return tableFolder(m, WRITE_DATA_PATH, 'data');
}

function tableFolder(m: { location: string; properties?: Record<string, string> }, key: string, dflt: string): string {
  const set = m.properties?.[key]?.trim();
  const dir = set ? set : dflt;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(dir) || dir.startsWith('/');
  return (absolute ? dir : `${m.location.replace(/\/+$/, '')}/${dir}`).replace(/\/+$/, '');
}
