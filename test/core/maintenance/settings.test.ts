// Settings of a maintenance run from the environment the CDK app gives the scheduled task (and the CLI's flags):
// defaults, every variable, and a clear error naming the variable for each malformed value.
import { describe, expect, it } from 'vitest';
import { maintenanceSettingsFromEnv, parseDuration, runOptionsOf } from '../../../core/maintenance/index.js';

const base = { SHOPLAKE_WAREHOUSE: 's3://shoplake-dev-silver/' };

describe('maintenanceSettingsFromEnv', () => {
  it('reads what lib/stacks/ingest-stack.ts gives the task, with defaults for the rest', () => {
    const s = maintenanceSettingsFromEnv({
      ...base,
      SHOPLAKE_CATALOG: 'glue',
      SHOPLAKE_NAMESPACE_BRONZE: 'shoplake_dev_bronze',
      SHOPLAKE_NAMESPACE_SILVER: 'shoplake_dev_silver',
      SHOPLAKE_NAMESPACE_OPS: 'shoplake_dev_ops',
      SHOPLAKE_COMPACTION_WINDOW_DAYS: '3',
      SHOPLAKE_SNAPSHOT_RETENTION_DAYS: '7',
      SHOPLAKE_RETENTION_DAYS_BRONZE: '90',
      SHOPLAKE_JOB: 'maintenance',
    });
    expect(s).toMatchObject({
      warehouse: 's3://shoplake-dev-silver/',
      catalog: 'glue',
      namespaces: { bronze: 'shoplake_dev_bronze', silver: 'shoplake_dev_silver', ops: 'shoplake_dev_ops' },
      tables: undefined,
      operations: ['compact', 'expire', 'remove-orphans'],
      dryRun: false,
      compact: { windowMs: 3 * 86_400_000 },
      expire: { defaultMaxSnapshotAgeMs: 7 * 86_400_000, maxSnapshotAgeMs: undefined },
      orphans: { olderThanMs: undefined },
    });
    expect(runOptionsOf(s)).toMatchObject({ namespaces: s.namespaces, operations: s.operations, dryRun: false });
  });

  it('maps a layer name in SHOPLAKE_MAINTENANCE_TABLES to its namespace', () => {
    const s = maintenanceSettingsFromEnv({
      ...base,
      SHOPLAKE_NAMESPACE_SILVER: 'shoplake_dev_silver',
      SHOPLAKE_MAINTENANCE_TABLES: 'silver.page_viewed,shoplake_dev_ops.quarantine,gold.fact_orders',
    });
    expect(s.tables).toEqual([
      { namespace: 'shoplake_dev_silver', name: 'page_viewed' },
      { namespace: 'shoplake_dev_ops', name: 'quarantine' },
      { namespace: 'gold', name: 'fact_orders' },
    ]);
  });

  it('takes the optional overrides', () => {
    const s = maintenanceSettingsFromEnv({
      SHOPLAKE_WAREHOUSE: '/tmp/wh',
      SHOPLAKE_MAINTENANCE_TABLES: 'silver.order_created, bronze.orders',
      SHOPLAKE_MAINTENANCE_OPERATIONS: 'expire,remove-orphans',
      SHOPLAKE_MAINTENANCE_DRY_RUN: 'TRUE',
      SHOPLAKE_TARGET_FILE_BYTES: '67108864',
      SHOPLAKE_COMPACTION_MIN_INPUT_FILES: '3',
      SHOPLAKE_EXPIRE_OLDER_THAN: '12h',
      SHOPLAKE_EXPIRE_RETAIN_LAST: '4',
      SHOPLAKE_ORPHAN_AGE: '2d',
    });
    expect(s).toMatchObject({
      catalog: 'local',
      tables: [
        { namespace: 'silver', name: 'order_created' },
        { namespace: 'bronze', name: 'orders' },
      ],
      operations: ['expire', 'remove-orphans'],
      dryRun: true,
      compact: { targetFileBytes: 67108864, minInputFiles: 3 },
      expire: { maxSnapshotAgeMs: 12 * 3_600_000, retainLast: 4 },
      orphans: { olderThanMs: 2 * 86_400_000 },
    });
  });

  it.each([
    [{ SHOPLAKE_WAREHOUSE: ' ' }, /SHOPLAKE_WAREHOUSE is not set/],
    [
      { SHOPLAKE_MAINTENANCE_TABLES: 'orders' },
      /SHOPLAKE_MAINTENANCE_TABLES: table "orders" is not <namespace>\.<name>/,
    ],
    [{ SHOPLAKE_MAINTENANCE_OPERATIONS: 'compact,vacuum' }, /SHOPLAKE_MAINTENANCE_OPERATIONS="compact,vacuum"/],
    [{ SHOPLAKE_MAINTENANCE_DRY_RUN: 'yes' }, /SHOPLAKE_MAINTENANCE_DRY_RUN="yes" is not true or false/],
    [{ SHOPLAKE_COMPACTION_WINDOW_DAYS: '-1' }, /SHOPLAKE_COMPACTION_WINDOW_DAYS="-1" is not a positive number/],
    [{ SHOPLAKE_TARGET_FILE_BYTES: '1.5' }, /SHOPLAKE_TARGET_FILE_BYTES="1.5" is not a positive integer/],
    [{ SHOPLAKE_COMPACTION_MIN_INPUT_FILES: '1' }, /SHOPLAKE_COMPACTION_MIN_INPUT_FILES="1" is not at least 2/],
    [{ SHOPLAKE_EXPIRE_OLDER_THAN: '5' }, /SHOPLAKE_EXPIRE_OLDER_THAN="5" is not a duration/],
    [{ SHOPLAKE_ORPHAN_AGE: '30m' }, /SHOPLAKE_ORPHAN_AGE="30m" is not at least 1h/],
    [{ SHOPLAKE_CATALOG: 'hive' }, /SHOPLAKE_CATALOG="hive"/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => maintenanceSettingsFromEnv({ ...base, ...env })).toThrow(message);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m, h and d; a bare number only when 0', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('3d')).toBe(3 * 86_400_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('7')).toBeUndefined();
    expect(parseDuration('3 days')).toBeUndefined();
  });
});
