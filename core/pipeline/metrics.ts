// The per-batch EMF metrics of the ingest core, one list for both runtimes: the Lambda handler (lambdas/ingest) and
// the ECS consumer (core/stream) publish exactly these names, units and values, so the CDK dashboards and alarms
// (lib/stacks/observability-stack.ts, checked against these names by test/lib/runtime-contract.ts) count both.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { BatchResult } from './batch.js';

export const PIPELINE_METRICS = {
  recordsIn: 'records_in',
  landed: 'records_landed',
  quarantined: 'records_quarantined',
  duplicates: 'duplicates_skipped',
  late: 'late_events',
  unknownFields: 'events_with_unknown_fields',
  commitLatency: 'commit_latency_ms',
  batchBytes: 'batch_bytes',
  alreadyCommitted: 'records_already_committed',
  /** Dedup scopes dropped at the dedupMaxIds cap (dedup.ts): above 0, raise the cap or the memory. */
  dedupScopesEvicted: 'dedup_scopes_evicted',
} as const;

/** Adds one batch's metrics to `metrics` (the caller adds its own and publishes). */
export function addBatchMetrics(metrics: Metrics, result: BatchResult): void {
  metrics.addMetric(PIPELINE_METRICS.recordsIn, MetricUnit.Count, result.recordsIn);
  metrics.addMetric(PIPELINE_METRICS.landed, MetricUnit.Count, result.landed);
  metrics.addMetric(PIPELINE_METRICS.quarantined, MetricUnit.Count, result.quarantined);
  metrics.addMetric(PIPELINE_METRICS.duplicates, MetricUnit.Count, result.duplicates);
  metrics.addMetric(PIPELINE_METRICS.late, MetricUnit.Count, result.late);
  metrics.addMetric(PIPELINE_METRICS.unknownFields, MetricUnit.Count, result.unknownFields);
  metrics.addMetric(PIPELINE_METRICS.alreadyCommitted, MetricUnit.Count, result.alreadyCommitted);
  metrics.addMetric(PIPELINE_METRICS.dedupScopesEvicted, MetricUnit.Count, result.dedupScopesEvicted);
  metrics.addMetric(PIPELINE_METRICS.batchBytes, MetricUnit.Bytes, result.bytesIn);
  if (Object.keys(result.tables).length > 0) {
    metrics.addMetric(PIPELINE_METRICS.commitLatency, MetricUnit.Milliseconds, result.commitLatencyMs);
  }
}
