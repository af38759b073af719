// EMF metrics of a maintenance run, on stdout through Powertools Metrics (CloudWatch Logs extracts them from the
// task's awslogs stream): one document per run, namespace `shoplake` (POWERTOOLS_METRICS_NAMESPACE) and the
// `service` dimension the consumers use. Totals only, no per-table dimension: ~25 tables x 13 metrics would be
// ~300 custom metrics to pay for; the per-table figures are in the task's JSON log lines.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunReport } from './run.js';

export const MAINTENANCE_METRICS = {
  tables: 'maintenance_tables',
  tablesFailed: 'maintenance_tables_failed',
  dataFilesBefore: 'maintenance_data_files_before',
  dataFilesAfter: 'maintenance_data_files_after',
  bytesBefore: 'maintenance_data_bytes_before',
  bytesAfter: 'maintenance_data_bytes_after',
  filesRewritten: 'maintenance_files_rewritten',
  bytesRewritten: 'maintenance_bytes_rewritten',
  filesAdded: 'maintenance_files_added',
  snapshotsExpired: 'maintenance_snapshots_expired',
  filesExpired: 'maintenance_files_expired',
  orphansRemoved: 'maintenance_orphans_removed',
  orphanBytesRemoved: 'maintenance_orphan_bytes_removed',
  duration: 'maintenance_duration_ms',
} as const;

export function createMaintenanceMetrics(env: Record<string, string | undefined> = process.env): Metrics {
  return new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'shoplake',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'shoplake-maintenance',
  });
}

/** One EMF document with the run's totals (a dry run publishes nothing: it changed nothing). */
export function publishRunMetrics(metrics: Metrics, report: RunReport): void {
  if (report.dryRun) return;
  const t = report.totals;
  const M = MAINTENANCE_METRICS;
  const count = (name: string, v: number) => metrics.addMetric(name, MetricUnit.Count, v);
  count(M.tables, t.tables);
  count(M.tablesFailed, t.failed);
  if (report.operations.includes('compact')) {
    count(M.dataFilesBefore, t.dataFilesBefore);
    count(M.dataFilesAfter, t.dataFilesAfter);
    metrics.addMetric(M.bytesBefore, MetricUnit.Bytes, t.bytesBefore);
    metrics.addMetric(M.bytesAfter, MetricUnit.Bytes, t.bytesAfter);
    count(M.filesRewritten, t.filesRewritten);
    metrics.addMetric(M.bytesRewritten, MetricUnit.Bytes, t.bytesRewritten);
    count(M.filesAdded, t.filesAdded);
  }
  if (report.operations.includes('expire')) {
    count(M.snapshotsExpired, t.snapshotsExpired);
    count(M.filesExpired, t.filesExpired);
  }
  if (report.operations.includes('remove-orphans')) {
    count(M.orphansRemoved, t.orphans);
    metrics.addMetric(M.orphanBytesRemoved, MetricUnit.Bytes, t.orphanBytes);
  }
  metrics.addMetric(M.duration, MetricUnit.Milliseconds, report.durationMs);
  metrics.publishStoredMetrics();
}
