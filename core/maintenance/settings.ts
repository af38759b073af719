// Settings of a maintenance run from environment variables: what the scheduled ECS task gets from the CDK app
// (lib/stacks/ingest-stack.ts jobEnv) and what `shoplake maintenance` maps its flags to. A malformed value is an
// error naming the variable. Catalog and namespaces are read exactly as the ingest pipeline reads them
// (core/pipeline/config.ts settingsFromEnv), so maintenance opens the same tables the consumers write.
//   SHOPLAKE_WAREHOUSE, SHOPLAKE_CATALOG, SHOPLAKE_NAMESPACE_BRONZE/_SILVER/_OPS   as the pipeline
//   SHOPLAKE_MAINTENANCE_TABLES        ns.name[,ns.name…] (default: every bronze, silver and ops table); a layer
//                                      name (bronze, silver, ops) stands for that layer's namespace
//   SHOPLAKE_MAINTENANCE_OPERATIONS    compact,expire,remove-orphans (default: all three)
//   SHOPLAKE_MAINTENANCE_DRY_RUN       true | false (default false)
//   SHOPLAKE_COMPACTION_WINDOW_DAYS    compact only files added in the last N days (CDK; default: all)
//   SHOPLAKE_TARGET_FILE_BYTES         compacted file size (default: the table's write.target-file-size-bytes, else 128 MiB)
//   SHOPLAKE_COMPACTION_MIN_INPUT_FILES  small files a partition needs before it is compacted (default 5)
//   SHOPLAKE_SNAPSHOT_RETENTION_DAYS   snapshot age for tables without history.expire.max-snapshot-age-ms (CDK; default 5)
//   SHOPLAKE_EXPIRE_OLDER_THAN         duration (e.g. 12h, 0s): overrides the table property (CLI --older-than)
//   SHOPLAKE_EXPIRE_RETAIN_LAST        keep at least N snapshots (default: history.expire.min-snapshots-to-keep, 1)
//   SHOPLAKE_ORPHAN_AGE                duration, default 3d, at least 1h
import type { TableIdentifier } from '../iceberg/catalog/catalog.js';
import { settingsFromEnv } from '../pipeline/config.js';
import type { Namespaces } from '../pipeline/tables.js';
import type { CompactOptions } from './compact.js';
import type { ExpireOptions } from './expire.js';
import { MIN_ORPHAN_AGE_MS } from './remove-orphans.js';
import type { RemoveOrphansOptions } from './remove-orphans.js';
import { OPERATIONS } from './run.js';
import type { MaintenanceOperation, RunOptions } from './run.js';
import { parseTableName } from './tables.js';

export interface MaintenanceSettings {
  warehouse: string;
  catalog: 'glue' | 'local';
  namespaces: Namespaces;
  /** Undefined: every maintained table. */
  tables: TableIdentifier[] | undefined;
  operations: MaintenanceOperation[];
  dryRun: boolean;
  compact: CompactOptions;
  expire: ExpireOptions;
  orphans: RemoveOrphansOptions;
}

const DAY_MS = 86_400_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** `90s`, `12h`, `3d`, `1.5h`, `0` -> ms; undefined when not a duration. */
export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === undefined) return n === 0 ? 0 : undefined;
  return Math.round(n * UNITS[m[2]]!);
}

export function maintenanceSettingsFromEnv(env: Record<string, string | undefined> = process.env): MaintenanceSettings {
  const base = settingsFromEnv(env);
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const bad = (name: string, raw: string, expected: string): never => {
    throw new Error(`${name}=${JSON.stringify(raw)} is not ${expected}`);
  };
  const positive = (name: string, integer: boolean): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isSafeInteger(n))) {
      return bad(name, raw, integer ? 'a positive integer' : 'a positive number');
    }
    return n;
  };
  const duration = (name: string): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    return parseDuration(raw) ?? bad(name, raw, 'a duration such as 90s, 12h or 3d');
  };

  const tablesRaw = get('SHOPLAKE_MAINTENANCE_TABLES');
  let tables: TableIdentifier[] | undefined;
  if (tablesRaw !== undefined) {
    try {
      // A layer name stands for that layer's namespace: `silver.page_viewed` is shoplake_prod_silver.page_viewed.
      const layers = base.namespaces as unknown as Record<string, string>;
      tables = tablesRaw.split(',').map((t) => {
        const id = parseTableName(t);
        return Object.hasOwn(layers, id.namespace) ? { ...id, namespace: layers[id.namespace]! } : id;
      });
    } catch (e) {
      throw new Error(`SHOPLAKE_MAINTENANCE_TABLES: ${(e as Error).message}`, { cause: e });
    }
  }
  const opsRaw = get('SHOPLAKE_MAINTENANCE_OPERATIONS');
  const operations = opsRaw === undefined ? [...OPERATIONS] : opsRaw.split(',').map((s) => s.trim());
  for (const op of operations) {
    if (!(OPERATIONS as readonly string[]).includes(op)) {
      bad('SHOPLAKE_MAINTENANCE_OPERATIONS', opsRaw!, `a list of ${OPERATIONS.join(', ')}`);
    }
  }
  const dryRaw = get('SHOPLAKE_MAINTENANCE_DRY_RUN')?.toLowerCase();
  if (dryRaw !== undefined && dryRaw !== 'true' && dryRaw !== 'false') {
    bad('SHOPLAKE_MAINTENANCE_DRY_RUN', dryRaw, 'true or false');
  }

  const windowDays = positive('SHOPLAKE_COMPACTION_WINDOW_DAYS', false);
  const retentionDays = positive('SHOPLAKE_SNAPSHOT_RETENTION_DAYS', false);
  const orphanAge = duration('SHOPLAKE_ORPHAN_AGE');
  if (orphanAge !== undefined && orphanAge < MIN_ORPHAN_AGE_MS) {
    bad(
      'SHOPLAKE_ORPHAN_AGE',
      get('SHOPLAKE_ORPHAN_AGE')!,
      'at least 1h (younger files may belong to a commit in flight)',
    );
  }
  const minInputFiles = positive('SHOPLAKE_COMPACTION_MIN_INPUT_FILES', true);
  if (minInputFiles !== undefined && minInputFiles < 2) {
    bad('SHOPLAKE_COMPACTION_MIN_INPUT_FILES', String(minInputFiles), 'at least 2');
  }
  return {
    warehouse: base.warehouse,
    catalog: base.catalog,
    namespaces: base.namespaces,
    tables,
    operations: operations as MaintenanceOperation[],
    dryRun: dryRaw === 'true',
    compact: {
      windowMs: windowDays === undefined ? undefined : Math.round(windowDays * DAY_MS),
      targetFileBytes: positive('SHOPLAKE_TARGET_FILE_BYTES', true),
      minInputFiles,
    },
    expire: {
      maxSnapshotAgeMs: duration('SHOPLAKE_EXPIRE_OLDER_THAN'),
      defaultMaxSnapshotAgeMs: retentionDays === undefined ? undefined : Math.round(retentionDays * DAY_MS),
      retainLast: positive('SHOPLAKE_EXPIRE_RETAIN_LAST', true),
    },
    orphans: { olderThanMs: orphanAge },
  };
}

/** The options runMaintenance takes for these settings. */
export function runOptionsOf(s: MaintenanceSettings): RunOptions {
  return {
    tables: s.tables,
    namespaces: s.namespaces,
    operations: s.operations,
    dryRun: s.dryRun,
    compact: s.compact,
    expire: s.expire,
    orphans: s.orphans,
  };
}
