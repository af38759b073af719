// Set and remove table properties. A metadata-only change: no snapshot. It never conflicts: on retry the same
// sets and removals are applied on top of the newer base's properties (as Java's UpdateProperties).
// `format-version` is not stored: as in Java (TableMetadata.replaceProperties -> upgradeFormatVersion) it upgrades
// the table. Only 1 -> 2 is possible here (shoplake writes v2 only); a downgrade or an unknown version is refused.
// The upgrade rewrites nothing: v1 manifests and manifest lists stay valid in v2 (their sequence numbers read as 0,
// format/spec.md Appendix E), and the new metadata says 2.
import { randomUUID } from 'node:crypto';
import type { LoadedTable } from '../catalog/catalog.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { locationProvider } from '../spec/location-provider.js';
import { metadataCodec } from '../spec/table-properties.js';
import { ValidationError } from './errors.js';
import type { CommitContext, Operation } from './operation.js';
import { retryPolicy } from './retry.js';

/** Keys that describe the table itself and are never stored as properties (Java's TableProperties.RESERVED). */
const RESERVED = new Set([
  'uuid',
  'snapshot-count',
  'current-snapshot-id',
  'current-snapshot-summary',
  'current-snapshot-timestamp-ms',
  'current-schema',
  'default-partition-spec',
  'default-sort-order',
]);

export const FORMAT_VERSION = 'format-version';
/** The only format version shoplake writes. */
export const WRITTEN_FORMAT_VERSION = 2;

export class SetPropertiesOperation implements Operation {
  readonly name = 'set properties';
  /** The format version `format-version` asks for, if set. */
  readonly formatVersion: number | undefined;

  constructor(
    table: LoadedTable,
    private readonly set: Record<string, string>,
    private readonly remove: string[],
  ) {
    const fail = (msg: string): never => {
      throw new ValidationError(table.identifier, this.name, msg);
    };
    for (const [k, v] of Object.entries(set)) {
      if (k === '') fail('empty property key');
      if (RESERVED.has(k)) fail(`${k} is reserved and cannot be set as a property`);
      if (typeof v !== 'string') fail(`property ${k} must be a string, got ${typeof v}`);
    }
    for (const k of remove) if (k in set) fail(`property ${k} is both set and removed`);
    if (remove.includes(FORMAT_VERSION)) fail(`${FORMAT_VERSION} cannot be removed`);
    const version = set[FORMAT_VERSION];
    if (version !== undefined) {
      if (!/^\s*\d+\s*$/.test(version)) fail(`${FORMAT_VERSION} must be an integer, got ${JSON.stringify(version)}`);
      this.formatVersion = Number(version);
      if (this.formatVersion > WRITTEN_FORMAT_VERSION || this.formatVersion < 1) {
        fail(`${FORMAT_VERSION} ${this.formatVersion} is not supported: shoplake writes format-version 2 tables`);
      }
    }
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    const { [FORMAT_VERSION]: _version, ...set } = this.set;
    const properties = { ...(base.properties ?? {}), ...set };
    for (const k of this.remove) delete properties[k];
    let upgraded = base;
    if (this.formatVersion !== undefined) {
      if (this.formatVersion < base['format-version']) {
        throw new ValidationError(
          ctx.table,
          this.name,
          `cannot downgrade a v${base['format-version']} table to v${this.formatVersion}`,
        );
      }
      if (this.formatVersion > base['format-version']) {
        upgraded = {
          ...base,
          'format-version': 2,
          // v2 requires a table uuid; a v1 table may have none (Java's assignUUID).
          'table-uuid': base['table-uuid'] === '' ? randomUUID() : base['table-uuid'],
        };
      }
    }
    try {
      retryPolicy(properties); // a malformed commit.retry.* value would break every later commit
      metadataCodec(properties); // so would an unknown write.metadata.compression-codec (catalog/ writes with it)
      locationProvider({ location: upgraded.location, properties }); // or write.object-storage.* no writer can honour
    } catch (e) {
      throw new ValidationError(ctx.table, this.name, (e as Error).message);
    }
    return { ...upgraded, properties, 'last-updated-ms': ctx.now(base) };
  }
}
