// Reading and writing one metadata.json file, plus the metadata-log bookkeeping every catalog does on commit
// (format/spec.md "Table Metadata": metadata-log; properties write.metadata.previous-versions-max and
// write.metadata.delete-after-commit.enabled, as Java's BaseMetastoreTableOperations and HadoopTableOperations).
// write.metadata.compression-codec=gzip gzips the file (Java's TableMetadataParser: GZIPOutputStream, default level);
// the catalogs name it `….gz.metadata.json`. Reading takes either, by name or by the gzip magic bytes.
import { gunzipSync, gzipSync } from 'node:zlib';
import { NotFoundError } from '../io/file-io.js';
import type { FileIO } from '../io/file-io.js';
import type { TableMetadata, MetadataLogEntry } from '../spec/table-metadata.js';
import { parseTableMetadata, serializeTableMetadata } from '../spec/table-metadata-json.js';
import {
  METADATA_DELETE_AFTER_COMMIT,
  METADATA_PREVIOUS_VERSIONS_MAX,
  boolProperty,
  intProperty,
  type MetadataCodec,
} from '../spec/table-properties.js';
import { InvalidMetadataError } from '../spec/json-object.js';

/** Reads and parses a metadata.json (or .gz.metadata.json) file; errors name the file and the cause. */
export async function readMetadataFile(io: FileIO, location: string): Promise<TableMetadata> {
  let bytes: Uint8Array;
  try {
    bytes = await io.read(location);
  } catch (e) {
    if (e instanceof NotFoundError) throw new InvalidMetadataError(location, '', 'metadata file is missing');
    throw new InvalidMetadataError(location, '', `cannot read metadata file: ${(e as Error).message}`);
  }
  if (bytes.length === 0) throw new InvalidMetadataError(location, '', 'metadata file is empty (truncated write?)');
  if (location.endsWith('.gz.metadata.json') || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new InvalidMetadataError(location, '', `corrupt gzip metadata: ${(e as Error).message}`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new InvalidMetadataError(location, '', `metadata file is not UTF-8 text (${(e as Error).message})`);
  }
  // parseTableMetadata throws InvalidMetadataError naming `location` and the JSON path of the problem.
  return parseTableMetadata(text, location);
}

/** The bytes of a metadata file: JSON text, gzipped when `codec` is gzip (metadataCodec(m.properties)). */
export function encodeMetadata(m: TableMetadata, codec: MetadataCodec = 'none'): Uint8Array {
  const json = new TextEncoder().encode(serializeTableMetadata(m));
  return codec === 'gzip' ? gzipSync(json) : json;
}

/**
 * `next` with `base` recorded in its metadata-log (once) and the log capped at write.metadata.previous-versions-max.
 * A writer that already added the entry is left as is.
 */
export function withMetadataLog(
  baseLocation: string | undefined,
  base: TableMetadata | undefined,
  next: TableMetadata,
): TableMetadata {
  let log: MetadataLogEntry[] = [...(next['metadata-log'] ?? [])];
  if (baseLocation && base && !log.some((e) => e['metadata-file'] === baseLocation)) {
    log.push({ 'timestamp-ms': base['last-updated-ms'], 'metadata-file': baseLocation });
  }
  const max = Math.max(1, intProperty(next.properties, METADATA_PREVIOUS_VERSIONS_MAX));
  if (log.length > max) log = log.slice(log.length - max); // Java keeps at least one entry, as here
  return { ...next, 'metadata-log': log };
}

/** Metadata files that `base` still listed and `next` no longer does: deletable once `next` is committed. */
export function removedMetadataFiles(base: TableMetadata, next: TableMetadata): string[] {
  if (!boolProperty(next.properties, METADATA_DELETE_AFTER_COMMIT)) return [];
  const kept = new Set((next['metadata-log'] ?? []).map((e) => e['metadata-file']));
  return (base['metadata-log'] ?? []).map((e) => e['metadata-file']).filter((f) => !kept.has(f));
}

/** Best-effort deletes (a leftover old metadata file is harmless; the commit already succeeded). */
export async function deleteQuietly(io: FileIO, locations: string[]): Promise<void> {
  await Promise.all(locations.map((l) => io.delete(l).catch(() => undefined)));
}
