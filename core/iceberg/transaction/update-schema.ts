// Schema evolution: add optional columns and widen primitive types (int->long, float->double, decimal precision),
// committed as a new schema that becomes current (new schema-id, last-column-id raised). Metadata only: no
// snapshot. On retry it re-applies only if the table's schema is still the one the changes were written against
// (format/spec.md "Commit Conflict Resolution and Retry": schema updates must validate the schema has not changed).
import type { LoadedTable } from '../catalog/catalog.js';
import { addColumn, promoteColumn, withSchema } from '../spec/schema.js';
import type { NewColumn } from '../spec/schema.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import type { PrimitiveType, Schema } from '../spec/types.js';
import { ValidationError } from './errors.js';
import type { CommitContext, Operation } from './operation.js';

export type SchemaChange =
  /** A new optional column (top level, or inside the struct named by the dotted `parent`). */
  | ({ kind: 'add-column' } & NewColumn)
  /** A type promotion of an existing column, named by dotted name or field id. */
  | { kind: 'widen'; column: string | number; to: PrimitiveType };

export class UpdateSchemaOperation implements Operation {
  readonly name = 'update schema';
  private readonly changes: SchemaChange[] = [];
  private readonly startingSchemaId: number;

  constructor(table: LoadedTable, changes: SchemaChange[]) {
    this.startingSchemaId = table.metadata['current-schema-id'];
    this.add(changes);
  }

  /** More changes for the same new schema (a transaction keeps one schema update). */
  add(changes: SchemaChange[]): void {
    this.changes.push(...changes);
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    if (base['current-schema-id'] !== this.startingSchemaId) {
      throw new ValidationError(
        ctx.table,
        this.name,
        `the schema changed concurrently (schema ${this.startingSchemaId} is no longer current, ` +
          `${base['current-schema-id']} is): reload the table and evolve the new schema`,
      );
    }
    const current = base.schemas.find((s) => s['schema-id'] === base['current-schema-id']);
    if (!current)
      throw new ValidationError(ctx.table, this.name, `current schema ${base['current-schema-id']} is missing`);
    let schema: Schema = current;
    let lastColumnId = base['last-column-id'];
    for (const change of this.changes) {
      try {
        if (change.kind === 'add-column') {
          const { kind: _kind, ...column } = change;
          ({ schema, lastColumnId } = addColumn(schema, lastColumnId, column));
        } else {
          schema = promoteColumn(schema, change.column, change.to);
        }
      } catch (e) {
        throw new ValidationError(ctx.table, this.name, (e as Error).message);
      }
    }
    if (schema === current) return base;
    const next = withSchema(base, schema);
    return {
      ...next,
      'last-column-id': Math.max(next['last-column-id'], lastColumnId),
      'last-updated-ms': ctx.now(base),
    };
  }
}
