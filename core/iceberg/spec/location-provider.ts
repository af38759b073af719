// Where a new data file goes: Iceberg Java's LocationProviders (core/src/main/java/org/apache/iceberg/
// LocationProviders.java, 1.9+), the one rule every shoplake writer uses (pipeline, compaction, overwrite).
// - Default: `<data folder>/<partition path>/<file>` (`<data folder>/<file>` when unpartitioned).
// - write.object-storage.enabled=true (ObjectStoreLocationProvider): 20 bits of murmur3_32 over the UTF-8 name
//   (`<partition path>/<file>` with partitioned paths, else `<file>`) as binary directories 4/4/4/8, so S3 spreads
//   the keys over prefixes: `<data folder>/0101/0110/1001/10110010/<partition path>/<file>`. With
//   write.object-storage.partitioned-paths=false: `<data folder>/0110/1010/0011/11101000-<file>`. When the data
//   folder lies outside the table location, Java adds `<parent>/<table>` of the table location after the hash.
// The data folder is write.data.path (relative: joined to the table location, as format/spec.md Appendix F says;
// Java's TestLocationProvider keeps a relative value as is), else `<location>/data`. A table at the root of a bucket
// with an outside data folder gets the context `/<table>` (an empty parent name, as Java's Hadoop Path gives). Java 1.9+ refuses the deprecated write.object-storage.path / write.folder-storage.path when it
// reads them (write.data.path unset), and cannot load a write.location-provider.impl class it lacks: same here.
import { murmur3Hash32 } from './murmur3.js';
import {
  OBJECT_STORE_ENABLED,
  OBJECT_STORE_PARTITIONED_PATHS,
  OBJECT_STORE_PATH,
  WRITE_DATA_PATH,
  WRITE_FOLDER_STORAGE_PATH,
  WRITE_LOCATION_PROVIDER_IMPL,
  boolProperty,
  dataFolder,
} from './table-properties.js';

export interface LocationProvider {
  /** The folder data files go under (no trailing `/`). */
  readonly dataLocation: string;
  /**
   * The location of a new data file named `fileName`; `partitionPath` is its partition directory
   * (transform.ts partitionToPath), '' or absent for an unpartitioned table.
   */
  newDataLocation(fileName: string, partitionPath?: string): string;
}

/** The location provider of a table, from its location and properties. Throws on properties Java refuses. */
export function locationProvider(m: { location: string; properties?: Record<string, string> }): LocationProvider {
  const props = m.properties ?? {};
  const impl = props[WRITE_LOCATION_PROVIDER_IMPL];
  if (impl !== undefined) {
    throw new Error(
      `table property ${WRITE_LOCATION_PROVIDER_IMPL}=${JSON.stringify(impl)} names a Java LocationProvider class; ` +
        `shoplake cannot load it and will not guess where its data files go: remove the property to write here`,
    );
  }
  const objectStore = boolProperty(props, OBJECT_STORE_ENABLED);
  if (props[WRITE_DATA_PATH] === undefined) {
    for (const key of objectStore ? [OBJECT_STORE_PATH, WRITE_FOLDER_STORAGE_PATH] : [WRITE_FOLDER_STORAGE_PATH]) {
      if (props[key] !== undefined) {
        throw new Error(
          `table property ${key} is deprecated and Iceberg >= 1.9 no longer writes with it: set ${WRITE_DATA_PATH} ` +
            `to ${JSON.stringify(props[key])} instead`,
        );
      }
    }
  }
  const data = dataFolder(m);
  if (!objectStore) return folderLocationProvider(data);
  const table = m.location.replace(/\/+$/, '');
  // Java compares plain strings here (so `…/tbl2` counts as inside `…/tbl`): kept as is.
  const context = data.startsWith(table) ? undefined : pathContext(table);
  return new ObjectStoreLocationProvider(data, context, boolProperty(props, OBJECT_STORE_PARTITIONED_PATHS));
}

/** The default layout under one folder: `<folder>/<partition path>/<file>`. */
export function folderLocationProvider(dataLocation: string): LocationProvider {
  const root = dataLocation.replace(/\/+$/, '');
  return {
    dataLocation: root,
    newDataLocation: (fileName, partitionPath) =>
      partitionPath ? `${root}/${partitionPath}/${fileName}` : `${root}/${fileName}`,
  };
}

class ObjectStoreLocationProvider implements LocationProvider {
  constructor(
    readonly dataLocation: string,
    private readonly context: string | undefined,
    private readonly partitionedPaths: boolean,
  ) {}

  newDataLocation(fileName: string, partitionPath?: string): string {
    const name = partitionPath && this.partitionedPaths ? `${partitionPath}/${fileName}` : fileName;
    const hash = entropyDirs(name);
    if (this.context !== undefined) return `${this.dataLocation}/${hash}/${this.context}/${name}`;
    // Without partition directories the last entropy part joins the file name with '-' (Java 1.7+).
    return this.partitionedPaths ? `${this.dataLocation}/${hash}/${name}` : `${this.dataLocation}/${hash}-${name}`;
  }
}

const utf8 = new TextEncoder();

/** The low 20 bits of murmur3_32(UTF-8 name), most significant first, as `bbbb/bbbb/bbbb/bbbbbbbb`. */
export function entropyDirs(name: string): string {
  const bits = (murmur3Hash32(utf8.encode(name)) & 0xfffff).toString(2).padStart(20, '0');
  return `${bits.slice(0, 4)}/${bits.slice(4, 8)}/${bits.slice(8, 12)}/${bits.slice(12)}`;
}

/**
 * `<parent name>/<name>` of the table location, as Java's pathContext with Hadoop Path names (a table at the root
 * of a bucket has an empty parent name: `/<name>`; the bucket itself gives '').
 */
function pathContext(tableLocation: string): string {
  const pathPart = tableLocation.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/]*)?/, '');
  const parts = pathPart.split('/').filter((p) => p !== '');
  if (parts.length === 0) return '';
  return `${parts.length > 1 ? parts.at(-2)! : ''}/${parts.at(-1)!}`;
}
