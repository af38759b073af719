// `shoplake skip-offsets`: move a partition past offsets no client can read (core/pipeline/skip-offsets.ts), over
// a local warehouse or S3 + Glue. The offsets checkpoint + 1 .. --through land in bronze without a payload and in
// ops.quarantine as `skipped` with --reason; the consumers then resume after them. Stop the consumers of the topic
// first (ECS: desired count 0; Lambda: disable the event source mapping). Exit code 0, or 1 with the reason.
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createPipeline, openCatalog, settingsFromEnv, skipOffsets } from '../../core/pipeline/index.js';
import type { SkipOffsetsResult } from '../../core/pipeline/index.js';

interface SkipFlags {
  topic: string;
  partition: number;
  through: number;
  reason: string;
  fromStart?: boolean;
  warehouse?: string;
  catalog?: string;
  dryRun?: boolean;
  json?: boolean;
}

const DEFAULT_WAREHOUSE = '.shoplake/warehouse';

const offset = (what: string) => (v: string) => {
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got "${v}"`);
  }
  return Number(v);
};

export function skipOffsetsCommand(): Command {
  return new Command('skip-offsets')
    .description(
      'Move one partition past offsets no client can read (e.g. a record batch corrupt on the broker, which stops ' +
        "the consumer on every restart). The offsets after bronze's checkpoint through --through land in bronze " +
        'without a payload and in ops.quarantine as `skipped`, with --reason; the consumers resume after them. ' +
        'Stop the consumers of the topic first. Each flag defaults to the variable in brackets.',
    )
    .requiredOption('--topic <topic>', 'the topic (as in glue-schemas/topics.json)')
    .requiredOption('--partition <n>', 'the partition', offset('--partition'))
    .requiredOption(
      '--through <offset>',
      'the last offset to skip (the first is the checkpoint + 1)',
      offset('--through'),
    )
    .requiredOption('--reason <text>', 'why (an incident, the error the consumer stopped on): kept with every offset')
    .option('--warehouse <dir|s3://bucket/prefix>', `warehouse [SHOPLAKE_WAREHOUSE] (default ${DEFAULT_WAREHOUSE})`)
    .addHelpText(
      'after',
      '\nNamespaces: SHOPLAKE_NAMESPACE_BRONZE, _SILVER, _OPS (default bronze, silver, ops; the deployed Glue\n' +
        'databases are shoplake_<env>_bronze, ...), as the consumers read them.',
    )
    .addOption(
      new Option('--catalog <kind>', 'catalog (default: glue for s3://, else local) [SHOPLAKE_CATALOG]').choices([
        'local',
        'glue',
      ]),
    )
    .option(
      '--from-start',
      'the partition has no checkpoint (nothing of it landed): skip from offset 0 (refused without this flag, as ' +
        'a wrong partition or namespace looks the same)',
    )
    .option('--dry-run', 'report the checkpoint and what would be skipped; change nothing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: SkipFlags) => {
      const env: Record<string, string | undefined> = { ...process.env };
      env.SHOPLAKE_WAREHOUSE = flags.warehouse ?? env.SHOPLAKE_WAREHOUSE ?? DEFAULT_WAREHOUSE;
      if (flags.catalog) env.SHOPLAKE_CATALOG = flags.catalog;
      const settings = settingsFromEnv(env);
      const pipeline = createPipeline({
        catalog: await openCatalog(settings),
        namespaces: settings.namespaces,
        // Skipped records carry no value, so nothing is hashed: a throwaway key spares the operator the PII secret.
        piiSalt: randomBytes(32),
      });
      const result = await skipOffsets(pipeline, {
        topic: flags.topic,
        partition: flags.partition,
        through: flags.through,
        reason: flags.reason,
        fromStart: flags.fromStart,
        dryRun: flags.dryRun,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(summary(result), null, 2)}\n` : `${text(result)}\n`);
    });
}

function summary(r: SkipOffsetsResult) {
  return {
    topic: r.topic,
    partition: r.partition,
    bronzeTable: r.bronzeTable,
    checkpointBefore: r.checkpoint,
    from: r.from,
    through: r.through,
    count: r.count,
    dryRun: r.dryRun,
    quarantined: r.batch?.quarantined ?? 0,
  };
}

function text(r: SkipOffsetsResult): string {
  const range = `${r.topic}/${r.partition} offsets ${r.from}..${r.through} (${r.count})`;
  const at = `checkpoint of ${r.bronzeTable} ${r.checkpoint}`;
  if (r.dryRun) return `dry run: would skip ${range}; ${at}`;
  return `skipped ${range}; ${at} -> ${r.through}; the consumers resume at ${r.through + 1}`;
}
