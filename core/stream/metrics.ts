// EMF metrics of the stream consumer, on stdout through Powertools Metrics (CloudWatch Logs extracts them from the
// awslogs stream). The per-batch names, namespace and `service` dimension are exactly those of the Lambda handler
// (lambdas/ingest/handler.ts METRICS; lib/stacks/observability-stack.ts PIPELINE_METRICS), so the dashboards and
// alarms count both runtimes; the consumer adds its own (lag, batch records, buffer, skipped offsets).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BatchResult } from '../pipeline/index.js';

/** Same names as the Lambda handler's METRICS (a test checks they stay equal). */
export const PIPELINE_METRICS = {
  recordsIn: 'records_in',
  landed: 'records_landed',
  quarantined: 'records_quarantined',
  duplicates: 'duplicates_skipped',
  late: 'late_events',
  commitLatency: 'commit_latency_ms',
  batchBytes: 'batch_bytes',
  alreadyCommitted: 'records_already_committed',
  unknownFields: 'events_with_unknown_fields',
  dedupScopesEvicted: 'dedup_scopes_evicted',
} as const;

export const STREAM_METRICS = {
  /** Records in Kafka beyond the Iceberg checkpoint, summed over the partitions this task owns. */
  lag: 'consumer_lag',
  batchRecords: 'batch_records',
  batchDuration: 'batch_duration_ms',
  /** Offsets that were gone from Kafka (retention) before they were landed: data loss upstream of shoplake. */
  offsetsSkipped: 'offsets_skipped',
} as const;

export function createMetrics(env: Record<string, string | undefined> = process.env): Metrics {
  return new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'shoplake',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'shoplake-ingest',
  });
}

/** One EMF document per committed micro-batch. */
export function publishBatchMetrics(metrics: Metrics, result: BatchResult, lag: number): void {
  metrics.addMetric(PIPELINE_METRICS.recordsIn, MetricUnit.Count, result.recordsIn);
  metrics.addMetric(PIPELINE_METRICS.landed, MetricUnit.Count, result.landed);
  metrics.addMetric(PIPELINE_METRICS.quarantined, MetricUnit.Count, result.quarantined);
  metrics.addMetric(PIPELINE_METRICS.duplicates, MetricUnit.Count, result.duplicates);
  metrics.addMetric(PIPELINE_METRICS.late, MetricUnit.Count, result.late);
  metrics.addMetric(PIPELINE_METRICS.alreadyCommitted, MetricUnit.Count, result.alreadyCommitted);
  metrics.addMetric(PIPELINE_METRICS.unknownFields, MetricUnit.Count, result.unknownFields);
  metrics.addMetric(PIPELINE_METRICS.dedupScopesEvicted, MetricUnit.Count, result.dedupScopesEvicted);
  metrics.addMetric(PIPELINE_METRICS.batchBytes, MetricUnit.Bytes, result.bytesIn);
  if (Object.keys(result.tables).length > 0) {
    metrics.addMetric(PIPELINE_METRICS.commitLatency, MetricUnit.Milliseconds, result.commitLatencyMs);
  }
  metrics.addMetric(STREAM_METRICS.batchRecords, MetricUnit.Count, result.recordsIn);
  metrics.addMetric(STREAM_METRICS.batchDuration, MetricUnit.Milliseconds, result.durationMs);
  metrics.addMetric(STREAM_METRICS.lag, MetricUnit.Count, lag);
  metrics.publishStoredMetrics();
}

/** Between batches (an idle consumer still reports its lag, so an alarm on it sees data). */
export function publishLag(metrics: Metrics, lag: number): void {
  metrics.addMetric(STREAM_METRICS.lag, MetricUnit.Count, lag);
  metrics.publishStoredMetrics();
}

export function publishOffsetsSkipped(metrics: Metrics, count: number): void {
  metrics.addMetric(STREAM_METRICS.offsetsSkipped, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}
