// The MSK event source mapping's handler: thin over core/pipeline. One invocation = one batch = one commit per
// table (bronze last). Bad records never fail the batch (they land in ops.quarantine); an infrastructure error
// (S3, Glue, KMS, Secrets Manager unavailable, a conflicting writer) throws, so Lambda retries the batch and the
// committed offsets make the retry skip what already landed (docs/exactly-once.md).
// A warm container keeps the pipeline: AWS clients, compiled contracts, table handles, offsets, dedup indexes.
// Configuration: settings.ts (core/pipeline/config.ts's SHOPLAKE_* variables plus SHOPLAKE_DEDUP_MAX_IDS, set by
// lib/stacks/ingest-stack.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, MSKEvent } from 'aws-lambda';
import {
  addBatchMetrics,
  createPipeline,
  loadPiiSalt,
  mskRecords,
  openCatalog,
  PIPELINE_METRICS,
} from '../../core/pipeline/index.js';
import type { BatchResult, CatalogClients, Pipeline } from '../../core/pipeline/index.js';
import { ingestSettingsFromEnv } from './settings.js';

/** What an invocation returns (the event source mapping ignores it; logs and tests read it). */
export interface IngestResponse {
  recordsIn: number;
  landed: number;
  quarantined: number;
  duplicates: number;
  late: number;
  unknownFields: number;
  alreadyCommitted: number;
  /** Dedup scopes evicted at the SHOPLAKE_DEDUP_MAX_IDS cap during this batch (> 0: raise the cap or the memory). */
  dedupScopesEvicted: number;
  bronzeLanded: number;
  batchBytes: number;
  commitLatencyMs: number;
}

export interface HandlerDependencies {
  /** Default process.env. */
  env?: Record<string, string | undefined>;
  /** Glue and S3 clients (tests point them at loopback servers). */
  clients?: CatalogClients;
  secrets?: SecretsManagerClient;
  logger?: Logger;
  metrics?: Metrics;
}

/** The EMF metric names the CDK dashboards and alarms read (core/pipeline/metrics.ts, shared with the ECS consumer). */
export const METRICS = PIPELINE_METRICS;

export function createHandler(
  deps: HandlerDependencies = {},
): (event: MSKEvent, context?: Context) => Promise<IngestResponse> {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'shoplake-ingest' });
  const metrics =
    deps.metrics ??
    new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'shoplake',
      serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'shoplake-ingest',
    });
  let ready: Promise<Pipeline> | undefined;

  const init = async (): Promise<Pipeline> => {
    const settings = ingestSettingsFromEnv(env);
    const [catalog, piiSalt] = await Promise.all([
      openCatalog(settings, deps.clients),
      loadPiiSalt(settings.salt, deps.secrets),
    ]);
    logger.info('pipeline ready', {
      warehouse: settings.warehouse,
      catalog: settings.catalog,
      namespaces: settings.namespaces,
      allowedLatenessSeconds: settings.allowedLatenessSeconds,
      dedupWindowDays: settings.dedupWindowDays,
      dedupMaxIds: settings.dedupMaxIds,
      unknownFields: settings.unknownFields,
    });
    return createPipeline({
      catalog,
      piiSalt,
      namespaces: settings.namespaces,
      allowedLatenessSeconds: settings.allowedLatenessSeconds,
      dedupWindowDays: settings.dedupWindowDays,
      dedupMaxIds: settings.dedupMaxIds,
      unknownFields: settings.unknownFields,
      fault: env.SHOPLAKE_FAULT,
    });
  };

  return async function handler(event: MSKEvent, context?: Context): Promise<IngestResponse> {
    if (context) logger.addContext(context);
    let result: BatchResult;
    try {
      // A failed start (secret or catalog unreachable) is retried by the next invocation.
      ready ??= init().catch((e: unknown) => {
        ready = undefined;
        throw e;
      });
      const pipeline = await ready;
      result = await pipeline.process(mskRecords(event));
    } catch (e) {
      logger.error('batch failed; Lambda will retry it', {
        error: e as Error,
        eventSourceArn: event.eventSourceArn,
        partitions: Object.keys(event.records ?? {}),
      });
      throw e;
    }
    addBatchMetrics(metrics, result);
    metrics.publishStoredMetrics();
    logger.info('batch landed', {
      recordsIn: result.recordsIn,
      landed: result.landed,
      quarantined: result.quarantined,
      duplicates: result.duplicates,
      late: result.late,
      unknownFields: result.unknownFields,
      alreadyCommitted: result.alreadyCommitted,
      dedupScopesEvicted: result.dedupScopesEvicted,
      bronze: result.bronze,
      reasons: result.reasons,
      offsets: result.offsets,
      commitLatencyMs: Math.round(result.commitLatencyMs),
      durationMs: Math.round(result.durationMs),
      tables: Object.fromEntries(Object.entries(result.tables).map(([n, t]) => [n, { rows: t.rows, files: t.files }])),
    });
    return {
      recordsIn: result.recordsIn,
      landed: result.landed,
      quarantined: result.quarantined,
      duplicates: result.duplicates,
      late: result.late,
      unknownFields: result.unknownFields,
      alreadyCommitted: result.alreadyCommitted,
      dedupScopesEvicted: result.dedupScopesEvicted,
      bronzeLanded: result.bronze.landed,
      batchBytes: result.bytesIn,
      commitLatencyMs: result.commitLatencyMs,
    };
  };
}

/** The function's entry point (lib/constructs/ingest-function.ts: handler `handler`). */
export const handler = createHandler();
