// The catalog contract shared by the local (Hadoop layout) and AWS Glue catalogs.
import type { TableMetadata } from '../spec/table-metadata.js';
import type { Schema } from '../spec/types.js';
import type { PartitionSpec, SortOrder } from '../spec/partition-spec.js';
import type { FileIO } from '../io/file-io.js';

export interface TableIdentifier {
  namespace: string;
  name: string;
}

export interface LoadedTable {
  identifier: TableIdentifier;
  metadata: TableMetadata;
  /** Where `metadata` was read from. */
  metadataLocation: string;
  io: FileIO;
}

export interface CreateTableRequest {
  schema: Schema;
  partitionSpec?: PartitionSpec;
  sortOrder?: SortOrder;
  properties?: Record<string, string>;
  location?: string;
}

export interface Catalog {
  readonly io: FileIO;
  createNamespace(namespace: string, properties?: Record<string, string>): Promise<void>;
  listNamespaces(): Promise<string[]>;
  createTable(id: TableIdentifier, req: CreateTableRequest): Promise<LoadedTable>;
  loadTable(id: TableIdentifier): Promise<LoadedTable>;
  /**
   * The newest version of a table already loaded: `table` itself (same object) when the catalog still points at
   * its metadata file, else what loadTable returns. Cheaper than loadTable when nothing changed (no metadata read
   * or parse): a long-lived writer calls it before each batch. Optional: callers fall back to loadTable.
   */
  refreshTable?(table: LoadedTable): Promise<LoadedTable>;
  tableExists(id: TableIdentifier): Promise<boolean>;
  listTables(namespace: string): Promise<TableIdentifier[]>;
  dropTable(id: TableIdentifier, purge?: boolean): Promise<void>;
  /**
   * Atomically swaps the table's current metadata from `base` (what the writer read) to `next`.
   * Throws CommitConflictError when another writer committed first; the table is then left unchanged.
   */
  commitTable(base: LoadedTable, next: TableMetadata): Promise<LoadedTable>;
}

export class CommitConflictError extends Error {
  constructor(
    readonly table: TableIdentifier,
    message: string,
  ) {
    super(`commit conflict on ${table.namespace}.${table.name}: ${message}`);
    this.name = 'CommitConflictError';
  }
}
