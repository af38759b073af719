// GlueCatalog: Iceberg tables registered in the AWS Glue Data Catalog, doing what Iceberg Java's GlueCatalog and
// GlueTableOperations do, so Athena, Spark and Trino see the same tables:
// - a namespace is a Glue database; a table is a Glue table of TableType EXTERNAL_TABLE whose parameters hold
//   table_type=ICEBERG, metadata_location and previous_metadata_location;
// - metadata files are <location>/metadata/<NNNNN>-<uuid>.metadata.json (write.metadata.path, absolute or relative
//   to the location, overrides the folder), `<NNNNN>-<uuid>.gz.metadata.json` gzipped when
//   write.metadata.compression-codec=gzip (Java's BaseMetastoreTableOperations + TableMetadataParser);
// - commit = write the new metadata file, GetTable, check metadata_location is still the base's, then UpdateTable
//   with the VersionId read as a compare-and-swap: Glue answers ConcurrentModificationException if another writer
//   updated the table in between (-> CommitConflictError, and our new metadata file is deleted);
// - SkipArchive (default true, as Java's glue.skip-archive): Glue then keeps no old table version per commit.
//   Without it every commit adds a Glue table version, and a busy table reaches Glue's versions-per-table quota;
// - StorageDescriptor.Location and Columns (with iceberg.field.* parameters) follow the Iceberg schema on every
//   commit so Athena shows them; the Glue table's other parameters, its Description (unless the `comment` property
//   sets one) and column comments made in Glue are kept, as Java's GlueTableOperations keeps them;
// - when the UpdateTable outcome is unknown (5xx or network error) the table is re-read: if it points at our file
//   the commit succeeded, otherwise CommitStateUnknownError (the file is kept; it may be live).
import { randomUUID } from 'node:crypto';
import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueServiceException,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Database, GlueClient, Table, TableInput } from '@aws-sdk/client-glue';
import type { FileIO } from '../io/file-io.js';
import { fileIOFor } from '../io/file-io-for.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { newTableMetadata } from '../spec/new-table-metadata.js';
import { locationProvider } from '../spec/location-provider.js';
import { metadataCodec, metadataFileSuffix, metadataFolder } from '../spec/table-properties.js';
import { CommitConflictError } from './catalog.js';
import type { Catalog, CreateTableRequest, LoadedTable, TableIdentifier } from './catalog.js';
import {
  CommitStateUnknownError,
  NamespaceAlreadyExistsError,
  NoSuchNamespaceError,
  NoSuchTableError,
  TableAlreadyExistsError,
} from './errors.js';
import { glueColumns } from './glue-columns.js';
import {
  deleteQuietly,
  encodeMetadata,
  readMetadataFile,
  removedMetadataFiles,
  withMetadataLog,
} from './metadata-file.js';

export const TABLE_TYPE = 'table_type';
export const ICEBERG = 'ICEBERG';
export const METADATA_LOCATION = 'metadata_location';
export const PREVIOUS_METADATA_LOCATION = 'previous_metadata_location';

export interface GlueCatalogOptions {
  client: GlueClient;
  /** Root for tables of databases without a LocationUri: <warehouse>/<db>.db/<table>, as Java. */
  warehouse: string;
  /** FileIO for metadata and data; fileIOFor(warehouse) by default. */
  io?: FileIO;
  /** Glue catalog id (the AWS account id); the caller's account by default. */
  catalogId?: string;
  /** UpdateTable SkipArchive (default true). */
  skipArchive?: boolean;
}

export class GlueCatalog implements Catalog {
  readonly io: FileIO;
  private readonly glue: GlueClient;
  private readonly warehouse: string;
  private readonly catalogId: string | undefined;
  private readonly skipArchive: boolean;

  constructor(options: GlueCatalogOptions) {
    this.glue = options.client;
    this.warehouse = options.warehouse.replace(/\/+$/, '');
    this.io = options.io ?? fileIOFor(options.warehouse);
    this.catalogId = options.catalogId;
    this.skipArchive = options.skipArchive ?? true;
  }

  async createNamespace(namespace: string, properties: Record<string, string> = {}): Promise<void> {
    checkGlueName('namespace', namespace);
    const { location, comment, ...parameters } = properties;
    try {
      await this.glue.send(
        new CreateDatabaseCommand({
          CatalogId: this.catalogId,
          DatabaseInput: {
            Name: namespace,
            ...(location ? { LocationUri: location } : {}),
            ...(comment ? { Description: comment } : {}),
            Parameters: parameters,
          },
        }),
      );
    } catch (e) {
      if (e instanceof AlreadyExistsException) throw new NamespaceAlreadyExistsError(namespace);
      throw e;
    }
  }

  async listNamespaces(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.glue.send(new GetDatabasesCommand({ CatalogId: this.catalogId, NextToken: token }));
      for (const d of res.DatabaseList ?? []) out.push(d.Name!);
      token = res.NextToken;
    } while (token);
    return out.sort();
  }

  async listTables(namespace: string): Promise<TableIdentifier[]> {
    checkGlueName('namespace', namespace);
    const out: TableIdentifier[] = [];
    let token: string | undefined;
    do {
      let res;
      try {
        res = await this.glue.send(
          new GetTablesCommand({ CatalogId: this.catalogId, DatabaseName: namespace, NextToken: token }),
        );
      } catch (e) {
        if (e instanceof EntityNotFoundException) throw new NoSuchNamespaceError(namespace);
        throw e;
      }
      for (const t of res.TableList ?? []) if (isIceberg(t)) out.push({ namespace, name: t.Name! });
      token = res.NextToken;
    } while (token);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    const t = await this.getGlueTable(id);
    return t !== undefined && isIceberg(t);
  }

  async createTable(id: TableIdentifier, req: CreateTableRequest): Promise<LoadedTable> {
    checkGlueName('namespace', id.namespace);
    checkGlueName('table', id.name);
    const location = (req.location ?? (await this.defaultLocation(id))).replace(/\/+$/, '');
    const metadata = newTableMetadata({
      location,
      schema: req.schema,
      partitionSpec: req.partitionSpec,
      sortOrder: req.sortOrder,
      properties: req.properties,
    });
    locationProvider(metadata); // refuses location properties no writer could honour, before anything is written
    const file = metadataFileLocation(metadata, 0);
    await this.io.write(file, encodeMetadata(metadata, metadataCodec(metadata.properties)));
    try {
      await this.glue.send(
        new CreateTableCommand({
          CatalogId: this.catalogId,
          DatabaseName: id.namespace,
          TableInput: tableInput(id, metadata, { [TABLE_TYPE]: ICEBERG, [METADATA_LOCATION]: file }),
        }),
      );
    } catch (e) {
      // A retried or failed-in-flight CreateTable may have landed (then AlreadyExists can be about our own
      // table): believe the table if it points at our file.
      if (isUnknownOutcome(e) || (e instanceof GlueServiceException && (e.$metadata.attempts ?? 1) > 1)) {
        const now = await this.getGlueTable(id).catch(() => undefined);
        if (now?.Parameters?.[METADATA_LOCATION] === file)
          return { identifier: id, metadata, metadataLocation: file, io: this.io };
      }
      await deleteQuietly(this.io, [file]);
      if (e instanceof AlreadyExistsException) throw new TableAlreadyExistsError(id);
      if (e instanceof EntityNotFoundException) throw new NoSuchNamespaceError(id.namespace);
      throw e;
    }
    return { identifier: id, metadata, metadataLocation: file, io: this.io };
  }

  async loadTable(id: TableIdentifier): Promise<LoadedTable> {
    const t = await this.getGlueTable(id);
    if (!t) throw new NoSuchTableError(id, 'not found in Glue');
    const location = icebergMetadataLocation(id, t);
    const metadata = await readMetadataFile(this.io, location);
    return { identifier: id, metadata, metadataLocation: location, io: this.io };
  }

  /** `table` itself while Glue's metadata_location is still its file (one GetTable); else the newest metadata. */
  async refreshTable(table: LoadedTable): Promise<LoadedTable> {
    const id = table.identifier;
    const t = await this.getGlueTable(id);
    if (!t) throw new NoSuchTableError(id, 'not found in Glue');
    const location = icebergMetadataLocation(id, t);
    if (location === table.metadataLocation) return table;
    const metadata = await readMetadataFile(this.io, location);
    return { identifier: id, metadata, metadataLocation: location, io: this.io };
  }

  async dropTable(id: TableIdentifier, purge = false): Promise<void> {
    const t = await this.getGlueTable(id);
    if (!t) throw new NoSuchTableError(id, 'not found in Glue');
    icebergMetadataLocation(id, t); // refuse to drop a non-Iceberg table through the Iceberg catalog
    const location = t.StorageDescriptor?.Location;
    try {
      await this.glue.send(
        new DeleteTableCommand({ CatalogId: this.catalogId, DatabaseName: id.namespace, Name: id.name }),
      );
    } catch (e) {
      if (e instanceof EntityNotFoundException) throw new NoSuchTableError(id, 'dropped concurrently');
      throw e;
    }
    // Purge removes every object under the table location (data, manifests, metadata).
    if (purge && location) await deleteQuietly(this.io, await this.io.list(`${location}/`));
  }

  async commitTable(base: LoadedTable, next: TableMetadata): Promise<LoadedTable> {
    const id = base.identifier;
    // A v1 table may have no uuid (''): upgrading it to v2 assigns one.
    if (base.metadata['table-uuid'] !== '' && next['table-uuid'] !== base.metadata['table-uuid']) {
      throw new CommitConflictError(
        id,
        `table-uuid changed from ${base.metadata['table-uuid']} to ${next['table-uuid']}`,
      );
    }
    const committed = withMetadataLog(base.metadataLocation, base.metadata, next);
    const file = metadataFileLocation(committed, parseVersion(base.metadataLocation) + 1);
    await this.io.write(file, encodeMetadata(committed, metadataCodec(committed.properties)));

    try {
      await this.swap(id, base, committed, file);
    } catch (e) {
      // Anything but an unknown outcome means the table still points at base: our file is garbage.
      if (!(e instanceof CommitStateUnknownError)) await deleteQuietly(this.io, [file]);
      throw e;
    }
    await deleteQuietly(this.io, removedMetadataFiles(base.metadata, committed));
    return { identifier: id, metadata: committed, metadataLocation: file, io: this.io };
  }

  /** GetTable, check the base is current, UpdateTable with its VersionId; settles unknown outcomes. */
  private async swap(id: TableIdentifier, base: LoadedTable, committed: TableMetadata, file: string): Promise<void> {
    const current = await this.getGlueTable(id);
    if (!current) throw new CommitConflictError(id, 'the Glue table was dropped');
    const currentLocation = current.Parameters?.[METADATA_LOCATION];
    if (currentLocation !== base.metadataLocation) {
      throw new CommitConflictError(
        id,
        `base metadata ${base.metadataLocation} is no longer current (Glue points at ${currentLocation})`,
      );
    }
    try {
      await this.glue.send(
        new UpdateTableCommand({
          CatalogId: this.catalogId,
          DatabaseName: id.namespace,
          VersionId: current.VersionId,
          SkipArchive: this.skipArchive,
          TableInput: tableInput(
            id,
            committed,
            {
              ...(current.Parameters ?? {}),
              [TABLE_TYPE]: ICEBERG,
              [METADATA_LOCATION]: file,
              [PREVIOUS_METADATA_LOCATION]: base.metadataLocation,
            },
            current,
          ),
        }),
      );
    } catch (e) {
      // The SDK retried: an earlier attempt may have landed and this error be about our own update (Java's
      // RetryDetector). Re-read before believing it.
      if (e instanceof GlueServiceException && (e.$metadata.attempts ?? 1) > 1) {
        const after = await this.getGlueTable(id).catch(() => undefined);
        if (after?.Parameters?.[METADATA_LOCATION] === file) return;
      }
      if (e instanceof ConcurrentModificationException) {
        throw new CommitConflictError(
          id,
          `Glue detected a concurrent update (VersionId ${current.VersionId} is stale)`,
        );
      }
      if (e instanceof EntityNotFoundException) throw new CommitConflictError(id, 'the Glue table was dropped');
      if (!isUnknownOutcome(e)) throw e;
      // 5xx or transport error: the update may have landed. Settle it by re-reading, as Java's checkCommitStatus.
      const after = await this.getGlueTable(id).catch(() => undefined);
      const now = after?.Parameters?.[METADATA_LOCATION];
      if (now === file) return; // it landed
      if (after && now === currentLocation) throw e; // the table is unchanged: a plain failure
      throw new CommitStateUnknownError(id, file, { cause: e });
    }
  }

  private async getGlueTable(id: TableIdentifier): Promise<Table | undefined> {
    try {
      const res = await this.glue.send(
        new GetTableCommand({ CatalogId: this.catalogId, DatabaseName: id.namespace, Name: id.name }),
      );
      return res.Table;
    } catch (e) {
      if (e instanceof EntityNotFoundException) return undefined;
      throw e;
    }
  }

  private async defaultLocation(id: TableIdentifier): Promise<string> {
    let db: Database | undefined;
    try {
      db = (await this.glue.send(new GetDatabaseCommand({ CatalogId: this.catalogId, Name: id.namespace }))).Database;
    } catch (e) {
      if (e instanceof EntityNotFoundException) throw new NoSuchNamespaceError(id.namespace);
      throw e;
    }
    const root = db?.LocationUri?.replace(/\/+$/, '');
    return root ? `${root}/${id.name}` : `${this.warehouse}/${id.namespace}.db/${id.name}`;
  }
}

/**
 * <metadata folder>/<NNNNN>-<uuid>.metadata.json (`.gz.metadata.json` with write.metadata.compression-codec=gzip),
 * as Java's BaseMetastoreTableOperations names them. Throws on an unknown codec, naming the property.
 */
export function metadataFileLocation(metadata: TableMetadata, version: number): string {
  const suffix = metadataFileSuffix(metadataCodec(metadata.properties));
  return `${metadataFolder(metadata)}/${String(version).padStart(5, '0')}-${randomUUID()}${suffix}`;
}

/** The leading number of <NNNNN>-<uuid>.metadata.json; -1 when the name has none (then the next file is 00000). */
export function parseVersion(location: string): number {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const m = /^(\d+)-/.exec(name);
  return m ? Number(m[1]) : -1;
}

/** The TableInput of a create (no `existing`) or of an update of the Glue table `existing`. */
function tableInput(
  id: TableIdentifier,
  metadata: TableMetadata,
  parameters: Record<string, string>,
  existing?: Table,
): TableInput {
  const description = metadata.properties?.comment ?? existing?.Description;
  return {
    Name: id.name,
    TableType: 'EXTERNAL_TABLE',
    ...(description ? { Description: description } : {}),
    Parameters: parameters,
    StorageDescriptor: {
      Location: metadata.location,
      Columns: glueColumns(metadata, existing?.StorageDescriptor?.Columns),
    },
  };
}

function isIceberg(t: Table): boolean {
  return t.Parameters?.[TABLE_TYPE]?.toUpperCase() === ICEBERG;
}

function icebergMetadataLocation(id: TableIdentifier, t: Table): string {
  if (!isIceberg(t)) {
    throw new Error(
      `Glue table ${id.namespace}.${id.name} is not an Iceberg table (table_type=${t.Parameters?.[TABLE_TYPE] ?? 'unset'})`,
    );
  }
  const location = t.Parameters?.[METADATA_LOCATION];
  if (!location) throw new Error(`Glue table ${id.namespace}.${id.name} has no ${METADATA_LOCATION} parameter`);
  return location;
}

function isUnknownOutcome(e: unknown): boolean {
  if (e instanceof GlueServiceException) return e.$fault === 'server' || (e.$metadata.httpStatusCode ?? 0) >= 500;
  return true; // transport errors, timeouts
}

/** Glue names: lowercase letters, digits and '_' (Java's IcebergToGlueConverter validation). */
function checkGlueName(kind: 'namespace' | 'table', value: string): void {
  const max = kind === 'namespace' ? 252 : 255;
  if (!new RegExp(`^[a-z0-9_]{1,${max}}$`).test(value)) {
    throw new Error(`invalid Glue ${kind} name ${JSON.stringify(value)}: use lowercase letters, digits and '_'`);
  }
}
