// The scheduled table-maintenance task: EventBridge Scheduler runs this image's `node dist/maintenance.mjs` as a
// Fargate task (lib/stacks/ingest-stack.ts, lib/constructs/scheduled-job.ts). Thin over core/maintenance: settings
// from the task's environment (core/maintenance/settings.ts: SHOPLAKE_WAREHOUSE, SHOPLAKE_CATALOG,
// SHOPLAKE_NAMESPACE_*, SHOPLAKE_COMPACTION_WINDOW_DAYS, SHOPLAKE_SNAPSHOT_RETENTION_DAYS, ...), then compaction,
// snapshot expiry and orphan-file removal over every bronze, silver and ops table; one JSON log line per table and
// one EMF document (namespace shoplake) with the run's totals. SIGTERM (an ECS stop) lets the table in progress
// finish and skips the rest. Exit code 0 when every table was maintained, 1 when one failed or the run could not
// start, 2 for bad settings.
import {
  createMaintenanceMetrics,
  maintenanceSettingsFromEnv,
  publishRunMetrics,
  runMaintenance,
  runOptionsOf,
  tableSummary,
} from '../core/maintenance/index.js';
import type { MaintenanceSettings } from '../core/maintenance/index.js';
import { openCatalog } from '../core/pipeline/config.js';

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

function exit(code: number): void {
  // Let stdout (JSON logs, EMF) drain first.
  process.stdout.write('', () => process.exit(code));
}

async function main(): Promise<number> {
  let settings: MaintenanceSettings;
  try {
    settings = maintenanceSettingsFromEnv(process.env);
  } catch (e) {
    log('ERROR', `bad settings: ${(e as Error).message}`);
    return 2;
  }
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log('WARN', `${signal}: finishing the table in progress, then stopping`);
      stop.abort();
    });
  }
  log('INFO', 'maintenance started', {
    warehouse: settings.warehouse,
    catalog: settings.catalog,
    namespaces: settings.namespaces,
    tables: settings.tables?.map((t) => `${t.namespace}.${t.name}`) ?? 'all',
    operations: settings.operations,
    dryRun: settings.dryRun,
  });
  const catalog = await openCatalog(settings);
  const report = await runMaintenance(catalog, {
    ...runOptionsOf(settings),
    signal: stop.signal,
    onTable: (r) => log(r.status === 'failed' ? 'ERROR' : 'INFO', `table ${r.status}`, tableSummary(r)),
  });
  publishRunMetrics(createMaintenanceMetrics(process.env), report);
  log(report.totals.failed > 0 ? 'ERROR' : 'INFO', 'maintenance finished', {
    ...report.totals,
    stopped: report.stopped,
    durationMs: report.durationMs,
  });
  return report.totals.failed > 0 ? 1 : 0;
}

main().then(exit, (e: unknown) => {
  log('ERROR', `maintenance failed: ${(e as Error).message}`);
  exit(1);
});
