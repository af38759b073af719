// Set and remove table properties. A metadata-only change: no snapshot. It never conflicts: on retry the same
// sets and removals are applied on top of the newer base's properties (as Java's UpdateProperties).
import type { LoadedTable } from '../catalog/catalog.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import type { CommitContext, Operation } from './operation.js';
import { retryPolicy } from './retry.js';

/** Keys that describe the table itself and are never stored as properties (Java's TableProperties.RESERVED). */
const RESERVED = new Set([
  'format-version',
  'uuid',
  'snapshot-count',
  'current-snapshot-id',
  'current-snapshot-summary',
  'current-snapshot-timestamp-ms',
  'current-schema',
  'default-partition-spec',
  'default-sort-order',
]);

export class SetPropertiesOperation implements Operation {
  readonly name = 'set properties';

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
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    const properties = { ...(base.properties ?? {}), ...this.set };
    for (const k of this.remove) delete properties[k];
    try {
      retryPolicy(properties); // a malformed commit.retry.* value would break every later commit
    } catch (e) {
      throw new ValidationError(ctx.table, this.name, (e as Error).message);
    }
    return { ...base, properties, 'last-updated-ms': ctx.now(base) };
  }
}
