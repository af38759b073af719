// `shoplake maintenance compact|expire|remove-orphans|run`: table maintenance (core/maintenance) from a laptop or
// a shell, over a local warehouse or S3 + Glue: the same code and settings as the scheduled ECS task
// (stream-jobs/maintenance.ts). Thin: each flag is the variable the task reads (flags win over variables), the
// settings are parsed by core/maintenance/settings.ts. Exit code 0, or 1 when a table failed.
import { promises as fs } from 'node:fs';
import { Command, Option } from 'commander';
import {
  formatRunReport,
  jsonSafe,
  maintenanceSettingsFromEnv,
  runMaintenance,
  runOptionsOf,
} from '../../core/maintenance/index.js';
import type { MaintenanceOperation, MaintenanceSettings } from '../../core/maintenance/index.js';
import { openCatalog } from '../../core/pipeline/index.js';

interface MaintenanceFlags {
  warehouse?: string;
  catalog?: string;
  table?: string[];
  dryRun?: boolean;
  json?: boolean;
  windowDays?: string;
  targetFileBytes?: string;
  minInputFiles?: string;
  olderThan?: string;
  retainLast?: string;
  orphanAge?: string;
}

/** Flag -> the variable the ECS task reads (core/maintenance/settings.ts validates both the same way). */
const FLAG_VARIABLES: Partial<Record<keyof MaintenanceFlags, string>> = {
  warehouse: 'SHOPLAKE_WAREHOUSE',
  catalog: 'SHOPLAKE_CATALOG',
  windowDays: 'SHOPLAKE_COMPACTION_WINDOW_DAYS',
  targetFileBytes: 'SHOPLAKE_TARGET_FILE_BYTES',
  minInputFiles: 'SHOPLAKE_COMPACTION_MIN_INPUT_FILES',
  olderThan: 'SHOPLAKE_EXPIRE_OLDER_THAN',
  retainLast: 'SHOPLAKE_EXPIRE_RETAIN_LAST',
  orphanAge: 'SHOPLAKE_ORPHAN_AGE',
};

const DEFAULT_WAREHOUSE = '.shoplake/warehouse';

const SUBCOMMANDS: { name: string; operations: MaintenanceOperation[]; description: string }[] = [
  {
    name: 'run',
    operations: ['compact', 'expire', 'remove-orphans'],
    description: 'compact, expire snapshots and remove orphan files, table by table (what the scheduled task runs)',
  },
  {
    name: 'compact',
    operations: ['compact'],
    description:
      'rewrite the small data files of each partition into target-size files sorted by the table sort order ' +
      '(one replace snapshot per table, carrying the Kafka offsets)',
  },
  {
    name: 'expire',
    operations: ['expire'],
    description:
      'expire snapshots older than history.expire.max-snapshot-age-ms (default 5 days), keeping at least ' +
      'history.expire.min-snapshots-to-keep and always the snapshot carrying the Kafka offsets',
  },
  {
    name: 'remove-orphans',
    operations: ['remove-orphans'],
    description:
      'delete files under each table location that no snapshot or metadata file references and that are older ' +
      'than --orphan-age (crashed writers leave them)',
  },
];

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim())];
}

function subcommand(name: string, operations: MaintenanceOperation[], description: string): Command {
  const cmd = new Command(name)
    .description(description)
    .option('--warehouse <dir|s3://bucket/prefix>', `warehouse [SHOPLAKE_WAREHOUSE] (default ${DEFAULT_WAREHOUSE})`)
    .addOption(
      new Option('--catalog <kind>', 'catalog (default: glue for s3://, else local) [SHOPLAKE_CATALOG]').choices([
        'local',
        'glue',
      ]),
    )
    .option(
      '--table <ns.name>',
      'only this table (repeatable; default: every bronze, silver and ops table); bronze, silver and ops stand ' +
        'for the namespaces SHOPLAKE_NAMESPACE_BRONZE/_SILVER/_OPS name',
      collect,
    )
    .option('--dry-run', 'report what would be rewritten, expired or removed; change nothing')
    .option('--json', 'print the report as JSON');
  if (operations.includes('compact')) {
    cmd
      .option('--window-days <days>', 'compact only files added in the last N days [SHOPLAKE_COMPACTION_WINDOW_DAYS]')
      .option(
        '--target-file-bytes <bytes>',
        'compacted file size (default: write.target-file-size-bytes, else 134217728) [SHOPLAKE_TARGET_FILE_BYTES]',
      )
      .option(
        '--min-input-files <n>',
        'small files a partition needs before it is compacted (default 5) [SHOPLAKE_COMPACTION_MIN_INPUT_FILES]',
      );
  }
  if (operations.includes('expire')) {
    cmd
      .option(
        '--older-than <duration>',
        'expire snapshots older than this (e.g. 12h, 0s) instead of the table property [SHOPLAKE_EXPIRE_OLDER_THAN]',
      )
      .option('--retain-last <n>', 'keep at least the newest N snapshots [SHOPLAKE_EXPIRE_RETAIN_LAST]');
  }
  if (operations.includes('remove-orphans')) {
    cmd.option(
      '--orphan-age <duration>',
      'remove orphans older than this (default 3d, at least 1h) [SHOPLAKE_ORPHAN_AGE]',
    );
  }
  return cmd.action(async (flags: MaintenanceFlags) => {
    const env: Record<string, string | undefined> = { ...process.env };
    env.SHOPLAKE_WAREHOUSE ??= DEFAULT_WAREHOUSE;
    for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
      const v = flags[flag as keyof MaintenanceFlags];
      if (typeof v === 'string') env[variable] = v;
    }
    if (flags.table) env.SHOPLAKE_MAINTENANCE_TABLES = flags.table.join(',');
    if (flags.dryRun) env.SHOPLAKE_MAINTENANCE_DRY_RUN = 'true';
    env.SHOPLAKE_MAINTENANCE_OPERATIONS = operations.join(',');
    let settings: MaintenanceSettings;
    try {
      settings = maintenanceSettingsFromEnv(env);
    } catch (e) {
      // Name the flag next to the variable.
      let message = (e as Error).message;
      for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
        const option = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        message = message.replace(new RegExp(`\\b${variable}\\b`), `${option} (${variable})`);
      }
      throw new Error(message.replace(/\bSHOPLAKE_MAINTENANCE_TABLES\b/, '--table'), { cause: e });
    }
    if (settings.catalog === 'local') {
      const stat = await fs.stat(settings.warehouse).catch(() => undefined);
      if (!stat?.isDirectory()) throw new Error(`warehouse ${settings.warehouse} is not a directory`);
    }
    const catalog = await openCatalog(settings);
    const report = await runMaintenance(catalog, {
      ...runOptionsOf(settings),
      onTable: flags.json
        ? undefined
        : (r) => process.stderr.write(`${r.table}: ${r.status} (${(r.durationMs / 1000).toFixed(1)} s)\n`),
    });
    process.stdout.write(flags.json ? `${JSON.stringify(report, jsonSafe, 2)}\n` : `${formatRunReport(report)}\n`);
    if (report.totals.failed > 0) process.exitCode = 1;
  });
}

export function maintenanceCommand(): Command {
  const cmd = new Command('maintenance').description(
    'Table maintenance (what the scheduled ECS task runs): compaction, snapshot expiry and orphan-file removal ' +
      'over the bronze, silver and ops tables, keeping the exactly-once Kafka offsets intact. See docs/maintenance.md.',
  );
  for (const s of SUBCOMMANDS) cmd.addCommand(subcommand(s.name, s.operations, s.description));
  return cmd;
}
