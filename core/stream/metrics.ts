// EMF metrics of the stream consumer, on stdout through Powertools Metrics (CloudWatch Logs extracts them from the
// awslogs stream). The per-batch metrics come from core/pipeline/metrics.ts, as the Lambda handler's do, with the
// same namespace and `service` dimension, so the dashboards and alarms count both runtimes; the consumer adds its
// own (lag, batch records, buffer, skipped offsets).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { addBatchMetrics, PIPELINE_METRICS } from '../pipeline/index.js';
import type { BatchResult } from '../pipeline/index.js';

/** The per-batch names shared with the Lambda handler (core/pipeline/metrics.ts). */
export { PIPELINE_METRICS };

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
  addBatchMetrics(metrics, result);
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
