// LocalCatalog: the Iceberg Hadoop table layout on the local filesystem, as Java's HadoopCatalog and
// HadoopTableOperations write it, so DuckDB's iceberg extension, pyiceberg and icebird open our tables:
//   <warehouse>/<namespace>/<table>/metadata/v<N>.metadata.json   (N = 1, 2, …)
//   <warehouse>/<namespace>/<table>/metadata/v<N>.gz.metadata.json (write.metadata.compression-codec=gzip)
//   <warehouse>/<namespace>/<table>/metadata/version-hint.text    (the text "N")
// A commit is an atomic create of v<N+1> that fails if it exists (CommitConflictError), then a hint update.
// The hint is only a hint: loading probes for higher versions, so a stale hint still loads the newest table.
// Version N may be any of Java's names (plain, `.gz.`, and the old `v<N>.metadata.json.gz`), as Java's
// HadoopTableOperations.getMetadataFile tries each codec.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LocalFileIO, toPath } from '../io/local-file-io.js';
import type { FileIO } from '../io/file-io.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { newTableMetadata } from '../spec/new-table-metadata.js';
import { locationProvider } from '../spec/location-provider.js';
import { metadataCodec, metadataFileSuffix, type MetadataCodec } from '../spec/table-properties.js';
import { CommitConflictError } from './catalog.js';
import type { Catalog, CreateTableRequest, LoadedTable, TableIdentifier } from './catalog.js';
import {
  NamespaceAlreadyExistsError,
  NoSuchNamespaceError,
  NoSuchTableError,
  TableAlreadyExistsError,
  checkName,
} from './errors.js';
import {
  deleteQuietly,
  encodeMetadata,
  readMetadataFile,
  removedMetadataFiles,
  withMetadataLog,
} from './metadata-file.js';

export const VERSION_HINT = 'version-hint.text';
/** How many 10 ms waits a reader gives a version with two metadata file names to settle (see commitTable). */
const AMBIGUOUS_VERSION_WAITS = 100;
const VERSION_FILE = /^v(\d+)(?:\.gz\.metadata\.json|\.metadata\.json(?:\.gz)?)$/;

export interface LocalCatalogOptions {
  /** FileIO for table files; LocalFileIO by default. Commits need its writeIfAbsent to be atomic. */
  io?: FileIO;
}

export class LocalCatalog implements Catalog {
  readonly io: FileIO;
  /** Absolute path of the warehouse directory. */
  readonly warehouse: string;

  constructor(warehouse: string, options: LocalCatalogOptions = {}) {
    this.warehouse = toPath(warehouse);
    this.io = options.io ?? new LocalFileIO();
  }

  tableLocation(id: TableIdentifier): string {
    checkName('namespace', id.namespace);
    checkName('table', id.name);
    return path.join(this.warehouse, id.namespace, id.name);
  }

  async createNamespace(namespace: string, properties: Record<string, string> = {}): Promise<void> {
    checkName('namespace', namespace);
    if (Object.keys(properties).length > 0) {
      throw new Error(`namespace ${namespace}: the Hadoop layout has nowhere to keep namespace properties`);
    }
    const dir = path.join(this.warehouse, namespace);
    await fs.mkdir(this.warehouse, { recursive: true });
    try {
      await fs.mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new NamespaceAlreadyExistsError(namespace);
      throw e;
    }
  }

  async listNamespaces(): Promise<string[]> {
    const entries = await fs.readdir(this.warehouse, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      // A namespace is a directory that is not itself a table.
      if (!(await isTableDir(path.join(this.warehouse, e.name)))) out.push(e.name);
    }
    return out.sort();
  }

  async listTables(namespace: string): Promise<TableIdentifier[]> {
    checkName('namespace', namespace);
    const dir = path.join(this.warehouse, namespace);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NoSuchNamespaceError(namespace);
      throw e;
    }
    const out: TableIdentifier[] = [];
    for (const e of entries) {
      if (e.isDirectory() && (await isTableDir(path.join(dir, e.name)))) out.push({ namespace, name: e.name });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    return isTableDir(this.tableLocation(id));
  }

  async createTable(id: TableIdentifier, req: CreateTableRequest): Promise<LoadedTable> {
    const location = this.tableLocation(id);
    if (req.location !== undefined && toPath(req.location) !== location) {
      throw new Error(
        `table ${id.namespace}.${id.name}: the Hadoop layout fixes the location at ${location}, not ${req.location}`,
      );
    }
    const nsDir = path.join(this.warehouse, id.namespace);
    if (!(await fs.stat(nsDir).catch(() => undefined))?.isDirectory()) throw new NoSuchNamespaceError(id.namespace);
    if (await isTableDir(location)) throw new TableAlreadyExistsError(id);
    const metadata = newTableMetadata({
      location,
      schema: req.schema,
      partitionSpec: req.partitionSpec,
      sortOrder: req.sortOrder,
      properties: req.properties,
    });
    const codec = metadataCodec(metadata.properties);
    locationProvider(metadata); // refuses location properties no writer could honour, before anything is written
    const file = versionFile(location, 1, codec);
    if (await this.otherCodecFile(location, 1, codec)) {
      throw new TableAlreadyExistsError(id, `${location} was created concurrently`);
    }
    if (!(await this.io.writeIfAbsent(file, encodeMetadata(metadata, codec)))) {
      throw new TableAlreadyExistsError(id, `${file} was created concurrently`);
    }
    if (await this.otherCodecFile(location, 1, codec)) {
      await deleteQuietly(this.io, [file]);
      throw new TableAlreadyExistsError(id, `${location} was created concurrently`);
    }
    await this.writeHint(location, 1);
    return { identifier: id, metadata, metadataLocation: file, io: this.io };
  }

  async loadTable(id: TableIdentifier): Promise<LoadedTable> {
    const location = this.tableLocation(id);
    const version = await this.findVersion(id, location);
    const file = await this.versionFileThatExists(location, version);
    if (!file) throw new NoSuchTableError(id, `${versionFile(location, version)} is missing`);
    const metadata = await readMetadataFile(this.io, file);
    return { identifier: id, metadata, metadataLocation: file, io: this.io };
  }

  /**
   * `table` itself while its v<N>.metadata.json still exists and no v<N+1> does (two existence checks); else the
   * table loaded anew (a newer commit, a drop, a re-creation).
   */
  async refreshTable(table: LoadedTable): Promise<LoadedTable> {
    const id = table.identifier;
    const location = this.tableLocation(id);
    const version = parseVersion(path.basename(table.metadataLocation));
    if (version === undefined || path.dirname(table.metadataLocation) !== path.join(location, 'metadata')) {
      return this.loadTable(id);
    }
    const [newer, current] = await Promise.all([
      this.versionFileThatExists(location, version + 1),
      this.io.exists(table.metadataLocation),
    ]);
    return newer !== undefined || !current ? this.loadTable(id) : table;
  }

  async dropTable(id: TableIdentifier, purge = false): Promise<void> {
    const location = this.tableLocation(id);
    if (!(await isTableDir(location))) throw new NoSuchTableError(id);
    // Without purge the table leaves the catalog (its metadata folder goes) and its data files stay.
    // With purge everything under the table location goes too.
    await fs.rm(purge ? location : path.join(location, 'metadata'), { recursive: true, force: true });
  }

  async commitTable(base: LoadedTable, next: TableMetadata): Promise<LoadedTable> {
    const id = base.identifier;
    const location = this.tableLocation(id);
    const baseVersion = parseVersion(path.basename(base.metadataLocation));
    if (baseVersion === undefined) {
      throw new Error(
        `table ${id.namespace}.${id.name}: cannot commit on top of ${base.metadataLocation}: not a v<N>.metadata.json file`,
      );
    }
    // A v1 table may have no uuid (''): upgrading it to v2 assigns one.
    if (base.metadata['table-uuid'] !== '' && next['table-uuid'] !== base.metadata['table-uuid']) {
      throw new CommitConflictError(
        id,
        `table-uuid changed from ${base.metadata['table-uuid']} to ${next['table-uuid']}`,
      );
    }
    const committed = withMetadataLog(base.metadataLocation, base.metadata, next);
    const codec = metadataCodec(committed.properties); // before anything is written
    const nextVersion = baseVersion + 1;
    const file = versionFile(location, nextVersion, codec);
    // A writer using the other codec names the same version differently, so its file does not stop our create:
    // look for it first (a writer whose base predates a codec switch never publishes a second name) ...
    let other = await this.otherCodecFile(location, nextVersion, codec);
    if (other) {
      throw new CommitConflictError(id, `${other} exists: another writer committed version ${nextVersion} first`);
    }
    if (!(await this.io.writeIfAbsent(file, encodeMetadata(committed, codec)))) {
      throw new CommitConflictError(
        id,
        `${file} already exists: another writer committed version ${nextVersion} first`,
      );
    }
    // ... and again after our create: of two simultaneous creates at most one passes this check, and the loser
    // removes its file (readers wait while a version has two names: versionFileThatExists).
    other = await this.otherCodecFile(location, nextVersion, codec);
    if (other) {
      await deleteQuietly(this.io, [file]);
      throw new CommitConflictError(id, `${other} exists: another writer committed version ${nextVersion} first`);
    }
    // The commit is done. A failed hint write is harmless (readers probe past a stale hint); rethrowing here
    // would make the caller retry a commit that succeeded, so it is not an error.
    await this.writeHint(location, nextVersion).catch(() => undefined);
    await deleteQuietly(this.io, removedMetadataFiles(base.metadata, committed));
    return { identifier: id, metadata: committed, metadataLocation: file, io: this.io };
  }

  /** The hinted version (or the highest listed one when the hint is missing or unreadable), probed upwards. */
  private async findVersion(id: TableIdentifier, location: string): Promise<number> {
    const hintFile = path.join(location, 'metadata', VERSION_HINT);
    let version: number | undefined;
    const hint = await fs.readFile(hintFile, 'utf8').catch(() => undefined);
    if (hint !== undefined && /^\s*\d+\s*$/.test(hint)) version = Number(hint.trim());
    if (version === undefined || !(await this.versionFileThatExists(location, version))) {
      const listed = await listVersions(location);
      if (listed.length === 0) {
        const why =
          hint === undefined
            ? 'no metadata/v<N>.metadata.json files'
            : `${hintFile} names version ${hint.trim()} but no metadata file exists`;
        throw new NoSuchTableError(id, why);
      }
      version = Math.max(...listed);
    }
    while (await this.versionFileThatExists(location, version + 1)) version += 1;
    return version;
  }

  /**
   * The metadata file of `version` in any of Java's names (none, gzip, old `.metadata.json.gz`), if one exists.
   * Two names at once are two writers with different codecs racing for the version (commitTable): the loser
   * removes its file within moments, so this waits for one name rather than pick a file that may vanish.
   */
  private async versionFileThatExists(location: string, version: number): Promise<string | undefined> {
    const names = [
      versionFile(location, version),
      versionFile(location, version, 'gzip'),
      path.join(location, 'metadata', `v${version}.metadata.json.gz`),
    ];
    for (let wait = 0; ; wait++) {
      const found = (await Promise.all(names.map(async (f) => ((await this.io.exists(f)) ? f : '')))).filter(Boolean);
      if (found.length <= 1) return found[0];
      if (wait === AMBIGUOUS_VERSION_WAITS) {
        throw new Error(
          `${location}: version ${version} has ${found.length} metadata files (${found.join(', ')}): writers with ` +
            `different write.metadata.compression-codec values collided and did not clean up; keep the one the ` +
            `next version's metadata-log names (or the newest) and delete the others`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The file of `version` written with the other codec, if one exists (a concurrent writer's). */
  private async otherCodecFile(location: string, version: number, codec: MetadataCodec): Promise<string | undefined> {
    const other = versionFile(location, version, codec === 'gzip' ? 'none' : 'gzip');
    return (await this.io.exists(other)) ? other : undefined;
  }

  private async writeHint(location: string, version: number): Promise<void> {
    await this.io.write(path.join(location, 'metadata', VERSION_HINT), new TextEncoder().encode(String(version)));
  }
}

/** `<location>/metadata/v<N>.metadata.json`, or `v<N>.gz.metadata.json` for gzip (Java's metadataFilePath). */
export function versionFile(location: string, version: number, codec: MetadataCodec = 'none'): string {
  return path.join(location, 'metadata', `v${version}${metadataFileSuffix(codec)}`);
}

export function parseVersion(fileName: string): number | undefined {
  const m = VERSION_FILE.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

async function listVersions(location: string): Promise<number[]> {
  const names = await fs.readdir(path.join(location, 'metadata')).catch(() => [] as string[]);
  return names.map(parseVersion).filter((v): v is number => v !== undefined);
}

async function isTableDir(dir: string): Promise<boolean> {
  const names = await fs.readdir(path.join(dir, 'metadata')).catch(() => [] as string[]);
  return names.some((n) => n === VERSION_HINT || parseVersion(n) !== undefined);
}
