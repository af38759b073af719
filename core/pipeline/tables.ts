// Tables: the handles of the tables a pipeline writes, kept for the life of the process (a warm Lambda container,
// the ECS task): the contracts' table (bronze.orders) -> catalog identifier (namespace from config), the table as
// last loaded or committed, its committed offsets and watermark, and for silver tables the dedup index.
// A table missing from the catalog is created from its contract (local warehouses; on AWS the CDK app declares
// every table, so this only covers a table added since the last deploy).
import type { TableDef, ContractSet } from '../contracts/index.js';
import { icebergPartitionSpec, icebergSchema, icebergSortOrder } from '../contracts/index.js';
import type { Catalog, LoadedTable, TableIdentifier } from '../iceberg/catalog/catalog.js';
import { NamespaceAlreadyExistsError, NoSuchTableError, TableAlreadyExistsError } from '../iceberg/catalog/errors.js';
import { committedState } from './exactly-once.js';
import type { CommittedState } from './exactly-once.js';
import { DedupIndex } from './dedup.js';

/** Catalog namespace (Glue database) of each layer. */
export interface Namespaces {
  bronze: string;
  silver: string;
  ops: string;
}

export class TableHandle {
  state: CommittedState;
  readonly dedup: DedupIndex | undefined;

  constructor(
    readonly name: string,
    readonly def: TableDef,
    public table: LoadedTable,
    dedupWindowDays: number,
    dedupMaxIds?: number,
  ) {
    this.state = committedState(table.metadata);
    this.dedup = def.kind === 'silver' ? new DedupIndex(dedupWindowDays, dedupMaxIds) : undefined;
  }

  get id(): TableIdentifier {
    return this.table.identifier;
  }

  /** Adopts a newer version of the table (loaded or just committed). */
  update(table: LoadedTable): void {
    this.table = table;
    this.state = committedState(table.metadata);
  }
}

export interface TablesOptions {
  namespaces: Namespaces;
  /** Create missing namespaces and tables from the contracts (default true). */
  create: boolean;
  dedupWindowDays: number;
  /** Cap on the event_ids each silver table's dedup index holds (default DEFAULT_DEDUP_MAX_IDS). */
  dedupMaxIds?: number;
}

export class Tables {
  private readonly defs = new Map<string, TableDef>();
  private readonly handles = new Map<string, Promise<TableHandle>>();

  constructor(
    readonly catalog: Catalog,
    set: ContractSet,
    private readonly options: TablesOptions,
  ) {
    for (const t of set.tables) this.defs.set(t.qualifiedName, t);
  }

  /** The catalog identifier of a contracts table name (`silver.order_created`). */
  identifier(name: string): TableIdentifier {
    const def = this.defs.get(name);
    if (!def) throw new Error(`no contract declares table ${name}`);
    return { namespace: this.options.namespaces[def.namespace], name: def.name };
  }

  /** The handle of a table, loading (or creating) it on first use. */
  open(name: string): Promise<TableHandle> {
    let h = this.handles.get(name);
    if (!h) {
      h = this.load(name);
      this.handles.set(name, h);
      h.catch(() => this.handles.delete(name));
    }
    return h;
  }

  /**
   * Brings the handle to the catalog's newest version (a batch starts from the newest commit of every writer).
   * The metadata is read and parsed again only when it changed (Catalog.refreshTable): a warm container's own
   * commits are already in the handle.
   */
  async refresh(handle: TableHandle): Promise<void> {
    const c = this.catalog;
    const table = c.refreshTable ? await c.refreshTable(handle.table) : await c.loadTable(handle.id);
    if (table !== handle.table) handle.update(table);
  }

  /** Handles opened so far. */
  async opened(): Promise<TableHandle[]> {
    return Promise.all(this.handles.values());
  }

  private async load(name: string): Promise<TableHandle> {
    const id = this.identifier(name);
    const def = this.defs.get(name)!;
    let table: LoadedTable;
    try {
      table = await this.catalog.loadTable(id);
    } catch (e) {
      if (!(e instanceof NoSuchTableError) || !this.options.create) throw e;
      table = await this.create(id, def);
    }
    return new TableHandle(name, def, table, this.options.dedupWindowDays, this.options.dedupMaxIds);
  }

  private async create(id: TableIdentifier, def: TableDef): Promise<LoadedTable> {
    try {
      await this.catalog.createNamespace(id.namespace);
    } catch (e) {
      if (!(e instanceof NamespaceAlreadyExistsError)) throw e;
    }
    try {
      return await this.catalog.createTable(id, {
        schema: icebergSchema(def),
        partitionSpec: icebergPartitionSpec(def),
        sortOrder: icebergSortOrder(def),
        properties: def.properties,
      });
    } catch (e) {
      if (e instanceof TableAlreadyExistsError) return this.catalog.loadTable(id);
      throw e;
    }
  }
}
