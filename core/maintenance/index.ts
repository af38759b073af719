// Public API of core/maintenance (see README.md): table maintenance shared by the scheduled ECS task
// (stream-jobs/maintenance.ts) and the CLI (`shoplake maintenance`).
export { compactTable, DEFAULT_SORT_MAX_BYTES, DEFAULT_COMPACTION_ROW_GROUP_BYTES } from './compact.js';
export type { CompactOptions, CompactResult } from './compact.js';
export { planCompaction, DEFAULT_TARGET_FILE_BYTES, DEFAULT_MIN_INPUT_FILES } from './plan.js';
export type { CompactionGroup, CompactionPlan, PlanOptions } from './plan.js';
export { expireTable, DEFAULT_MAX_SNAPSHOT_AGE_MS } from './expire.js';
export type { ExpireOptions, ExpireTableResult } from './expire.js';
export { removeOrphans, DEFAULT_ORPHAN_AGE_MS, MIN_ORPHAN_AGE_MS } from './remove-orphans.js';
export type { RemoveOrphansOptions, RemoveOrphansResult } from './remove-orphans.js';
export { reachableFiles, normalizeLocation } from './reachable.js';
export type { ReachableFiles } from './reachable.js';
export { listFiles } from './list-files.js';
export type { StoredFile } from './list-files.js';
export { runMaintenance, totalsOf, OPERATIONS } from './run.js';
export type { MaintenanceOperation, RunOptions, RunReport, RunTotals, TableReport } from './run.js';
export { maintainedTables, parseTableName, DEFAULT_NAMESPACES } from './tables.js';
export {
  carriedSummary,
  guardCatalog,
  guardErrorOf,
  offsetsSnapshot,
  ProtocolGuardError,
  sameState,
  SHOPLAKE_PREFIX,
} from './protocol.js';
export { sortComparator } from './sort-rows.js';
export { maintenanceSettingsFromEnv, parseDuration, runOptionsOf } from './settings.js';
export type { MaintenanceSettings } from './settings.js';
export { createMaintenanceMetrics, publishRunMetrics, MAINTENANCE_METRICS } from './metrics.js';
export { formatRunReport, jsonSafe, tableSummary } from './report.js';
